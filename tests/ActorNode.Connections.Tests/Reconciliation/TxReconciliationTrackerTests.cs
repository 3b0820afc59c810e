using ActorNode.Connections.Reconciliation;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using static ActorNode.Connections.Tests.Reconciliation.ReconciliationTestKit;

namespace ActorNode.Connections.Tests.Reconciliation;

public class TxReconciliationTrackerTests
{
    private const long PeerOfA = Link.PeerOfA;
    private const long PeerOfB = Link.PeerOfB;

    [Fact]
    public void A_round_tells_each_side_exactly_what_the_other_lacks()
    {
        var link = new Link();
        var common = RandomWtxids(40);
        var onlyA = RandomWtxids(6);
        var onlyB = RandomWtxids(5);
        link.AddToA(common.Concat(onlyA));
        link.AddToB(common.Concat(onlyB));

        var (atA, atB, sketch) = link.Round();

        Assert.True(atA.Difference.Success);
        // A announces what B lacks; B announces what A asked for by short id.
        Assert.Equal(onlyA.ToHashSet(), atA.Announce.ToHashSet());
        Assert.Equal(onlyB.ToHashSet(), atB.Announce.ToHashSet());
        Assert.Equal(0, atB.UnknownShortIds);
        // Capacity from the set sizes: |46 − 45| + floor(0.25·45) + 1 = 13, no false-positive margin needed at 13.
        Assert.Equal(SketchCapacity.Estimate(45, 46, SketchCapacity.DecodeQ(SketchCapacity.EncodeQ(0.25))), sketch.Capacity);
        // Both sets start over.
        Assert.Equal(0, link.A.SetSize(PeerOfA));
        Assert.Equal(ReconciliationPhase.None, link.A.PhaseOf(PeerOfA));
        Assert.Equal(ReconciliationPhase.None, link.B.PhaseOf(PeerOfB));
    }

    [Fact]
    public void Rounds_repeat_and_transactions_added_during_a_round_wait_for_the_next()
    {
        var link = new Link();
        var first = RandomWtxids(10);
        link.AddToB(first);
        link.AddToA(first.Take(8));
        var request = link.A.InitiateReconciliation(PeerOfA)!;
        Assert.Null(link.B.HandleRequest(PeerOfB, request));
        var sketch = link.B.RespondToRequest(PeerOfB)!;
        var late = RandomWtxid();
        link.AddToB([late]); // arrives after the snapshot: not part of this round
        var atA = Assert.IsType<SketchResult.Done>(link.A.HandleSketch(PeerOfA, sketch));
        var atB = Assert.IsType<DifferenceResult.Done>(link.B.HandleDifference(PeerOfB, atA.Difference));
        Assert.Equal(first.Skip(8).ToHashSet(), atB.Announce.ToHashSet());
        Assert.Equal(1, link.B.SetSize(PeerOfB));
        Assert.True(link.B.IsInSet(PeerOfB, late));

        link.Time.Advance(TimeSpan.FromSeconds(8));
        var (_, second, _) = link.Round();
        Assert.Equal([late], second.Announce);
    }

    [Fact]
    public void A_difference_beyond_the_sketch_fails_and_both_sides_flood_their_sets()
    {
        var link = new Link();
        var common = RandomWtxids(100);
        var onlyA = RandomWtxids(60);
        var onlyB = RandomWtxids(61);
        link.AddToA(common.Concat(onlyA));
        link.AddToB(common.Concat(onlyB));

        // Sizes 160 vs 161 with q = 0.25 estimate ~42 differences; there are 121.
        var (atA, atB, sketch) = link.Round();
        Assert.True(sketch.Capacity < 121);
        Assert.False(atA.Difference.Success);
        Assert.Empty(atA.Difference.AskShortIds);
        Assert.Equal(common.Concat(onlyA).ToHashSet(), atA.Announce.ToHashSet());
        Assert.Equal(common.Concat(onlyB).ToHashSet(), atB.Announce.ToHashSet());
    }

    [Fact]
    public void An_empty_side_ends_the_round_with_a_failure_and_a_flood()
    {
        var link = new Link();
        var txs = RandomWtxids(5);
        link.AddToA(txs);
        var (atA, atB, sketch) = link.Round();
        Assert.Equal(0, sketch.Capacity); // the responder has nothing: empty sketch
        Assert.False(atA.Difference.Success);
        Assert.Equal(txs.ToHashSet(), atA.Announce.ToHashSet());
        Assert.Empty(atB.Announce);
    }

    [Fact]
    public void Failure_fallback_leaves_out_what_the_peer_announced_during_the_round()
    {
        var link = new Link();
        var txs = RandomWtxids(30);
        link.AddToB(txs);
        var request = link.A.InitiateReconciliation(PeerOfA)!;
        link.B.HandleRequest(PeerOfB, request);
        link.B.RespondToRequest(PeerOfB);
        Assert.False(link.B.TryRemoveFromSet(PeerOfB, txs[0])); // in the snapshot, not the set
        var atB = Assert.IsType<DifferenceResult.Done>(link.B.HandleDifference(PeerOfB, new ReconciliationDifferenceMessage(false, [])));
        Assert.Equal(txs.Skip(1).ToHashSet(), atB.Announce.ToHashSet());
    }

    [Fact]
    public void The_set_is_bounded_and_a_full_set_means_flood()
    {
        var link = new Link();
        int added = 0;
        while (added < ReconciliationConstants.MaxSetSize)
        {
            var r = link.A.AddToSet(PeerOfA, RandomWtxid());
            if (r.Outcome == AddToSetOutcome.Added) added++;
            else Assert.Equal(AddToSetOutcome.Collision, r.Outcome);
        }
        Assert.Equal(AddToSetOutcome.SetFull, link.A.AddToSet(PeerOfA, RandomWtxid()).Outcome);
        Assert.Equal(ReconciliationConstants.MaxSetSize, link.A.SetSize(PeerOfA));
        Assert.Equal(AddToSetOutcome.NotRegistered, link.A.AddToSet(99, RandomWtxid()).Outcome);
    }

    [Fact]
    public void A_short_id_collision_takes_both_out_to_flood()
    {
        var link = new Link();
        var (first, second) = FindCollision(link.Keys);
        Assert.Equal(AddToSetOutcome.Added, link.A.AddToSet(PeerOfA, first).Outcome);
        Assert.Equal(AddToSetOutcome.AlreadyInSet, link.A.AddToSet(PeerOfA, first).Outcome);
        var r = link.A.AddToSet(PeerOfA, second);
        Assert.Equal(AddToSetOutcome.Collision, r.Outcome);
        Assert.Equal(first, r.CollidingWtxid);
        Assert.False(link.A.IsInSet(PeerOfA, first));
        Assert.Equal(0, link.A.SetSize(PeerOfA));
    }

    private static (Hash256, Hash256) FindCollision(ReconciliationKeys keys)
    {
        // Birthday search over 32-bit ids: ~77k wtxids give even odds; 400k make a miss vanishingly rare.
        var seen = new Dictionary<uint, Hash256>();
        for (int i = 0; i < 400_000; i++)
        {
            var w = RandomWtxid();
            if (seen.TryGetValue(keys.ShortId(w), out var other)) return (other, w);
            seen[keys.ShortId(w)] = w;
        }
        throw new InvalidOperationException("no collision found");
    }

    [Fact]
    public void Initiator_asks_one_peer_at_a_time_in_rotation_every_interval_over_peer_count()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2026-12-07T00:00:00Z"));
        var tracker = new TxReconciliationTracker(time);
        for (long p = 1; p <= 4; p++)
            tracker.RegisterPeer(p, new ReconciliationRegistration.Registered(ReconciliationRole.Initiator, 1, ReconciliationKeys.FromSalts((ulong)p, 0)));
        tracker.RegisterPeer(9, new ReconciliationRegistration.Registered(ReconciliationRole.Responder, 1, ReconciliationKeys.FromSalts(9, 0)));

        var order = new List<long>();
        for (int i = 0; i < 8; i++)
        {
            var peer = tracker.NextPeerToReconcile();
            Assert.NotNull(peer);
            order.Add(peer.Value);
            Assert.Null(tracker.NextPeerToReconcile()); // not before 8 s / 4 = 2 s
            time.Advance(TimeSpan.FromSeconds(1.9));
            Assert.Null(tracker.NextPeerToReconcile());
            time.Advance(TimeSpan.FromSeconds(0.1));
        }
        Assert.Equal([1L, 2, 3, 4, 1, 2, 3, 4], order);

        // A peer still in a round is skipped; the responder-role peer is never asked.
        Assert.NotNull(tracker.InitiateReconciliation(1));
        Assert.Null(tracker.InitiateReconciliation(1));
        Assert.Null(tracker.InitiateReconciliation(9));
        Assert.Equal(2L, tracker.NextPeerToReconcile());
    }

    [Fact]
    public void Responder_answers_a_peer_at_most_once_a_second()
    {
        var link = new Link();
        link.AddToB(RandomWtxids(3));
        link.AddToA(RandomWtxids(3));
        link.Round();
        link.AddToB(RandomWtxids(3));
        Assert.Null(link.B.HandleRequest(PeerOfB, link.A.InitiateReconciliation(PeerOfA)!));
        Assert.Null(link.B.RespondToRequest(PeerOfB));
        link.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.NotNull(link.B.RespondToRequest(PeerOfB));
    }

    // ---- Hostile peers -------------------------------------------------------------------------------------------

    [Fact]
    public void Oversized_or_unrequested_sketches_are_violations()
    {
        var link = new Link();
        link.AddToA(RandomWtxids(5));
        Assert.IsType<SketchResult.Violation>(link.A.HandleSketch(PeerOfA, new SketchMessage(new byte[8])));
        link.A.InitiateReconciliation(PeerOfA);
        var huge = new SketchMessage(new byte[(ReconciliationConstants.MaxSketchCapacity + 1) * 4]);
        Assert.IsType<SketchResult.Violation>(link.A.HandleSketch(PeerOfA, huge));
        Assert.IsType<SketchResult.Violation>(link.A.HandleSketch(PeerOfA, new SketchMessage(new byte[7])));
        // The responder never sends a sketch to... the responder.
        Assert.IsType<SketchResult.Violation>(link.B.HandleSketch(PeerOfB, new SketchMessage(new byte[8])));
    }

    [Fact]
    public void A_sketch_of_random_bytes_is_answered_without_crashing()
    {
        var link = new Link();
        link.AddToA(RandomWtxids(20));
        for (int i = 0; i < 50; i++)
        {
            link.AddToA(RandomWtxids(3));
            link.A.InitiateReconciliation(PeerOfA);
            var bytes = System.Security.Cryptography.RandomNumberGenerator.GetBytes(4 * (1 + i % 40));
            var done = Assert.IsType<SketchResult.Done>(link.A.HandleSketch(PeerOfA, new SketchMessage(bytes)));
            Assert.True(done.Difference.AskShortIds.Length <= SketchCapacity.MaxDifferences(bytes.Length / 4));
            Assert.Equal(ReconciliationPhase.None, link.A.PhaseOf(PeerOfA));
        }
    }

    [Fact]
    public void Unknown_short_ids_requested_are_counted_and_skipped()
    {
        var link = new Link();
        var txs = RandomWtxids(4);
        link.AddToB(txs);
        link.B.HandleRequest(PeerOfB, new RequestReconciliationMessage(4, 8192));
        link.B.RespondToRequest(PeerOfB);
        uint known = link.Keys.ShortId(txs[2]);
        var ask = new uint[] { 12345, known, known, 0xFFFFFFFF, 7 };
        var done = Assert.IsType<DifferenceResult.Done>(link.B.HandleDifference(PeerOfB, new ReconciliationDifferenceMessage(true, ask)));
        Assert.Equal([txs[2]], done.Announce);
        Assert.Equal(3, done.UnknownShortIds);
    }

    [Fact]
    public void Out_of_order_messages_are_violations()
    {
        var link = new Link();
        Assert.IsType<DifferenceResult.Violation>(link.B.HandleDifference(PeerOfB, new ReconciliationDifferenceMessage(true, [1])));
        Assert.NotNull(link.B.HandleRequest(PeerOfB, new RequestReconciliationMessage(1, ReconciliationConstants.QPrecision + 1)));
        Assert.Null(link.B.HandleRequest(PeerOfB, new RequestReconciliationMessage(1, 100)));
        Assert.NotNull(link.B.HandleRequest(PeerOfB, new RequestReconciliationMessage(1, 100))); // during a round
        Assert.NotNull(link.A.HandleRequest(PeerOfA, new RequestReconciliationMessage(1, 100))); // A initiates
        Assert.NotNull(link.A.HandleRequest(77, new RequestReconciliationMessage(1, 100)));     // unknown peer
        Assert.IsType<DifferenceResult.Violation>(link.A.HandleDifference(PeerOfA, new ReconciliationDifferenceMessage(false, [])));
    }

    [Fact]
    public void A_round_never_answered_times_out_and_floods_its_set()
    {
        var link = new Link();
        var atA = RandomWtxids(7);
        var atB = RandomWtxids(9);
        link.AddToA(atA);
        link.AddToB(atB);
        link.B.HandleRequest(PeerOfB, link.A.InitiateReconciliation(PeerOfA)!);
        link.B.RespondToRequest(PeerOfB);
        // The sketch never reaches A, the reconcildiff never reaches B.
        link.Time.Advance(ReconciliationConstants.RoundTimeout - TimeSpan.FromSeconds(1));
        Assert.Empty(link.A.ExpireStalledRounds());
        Assert.Null(link.A.InitiateReconciliation(PeerOfA));
        link.Time.Advance(TimeSpan.FromSeconds(1));
        var stalledA = Assert.Single(link.A.ExpireStalledRounds());
        var stalledB = Assert.Single(link.B.ExpireStalledRounds());
        Assert.Equal(atA.ToHashSet(), stalledA.Announce.ToHashSet());
        Assert.Equal(atB.ToHashSet(), stalledB.Announce.ToHashSet());
        Assert.Equal(ReconciliationPhase.None, link.A.PhaseOf(PeerOfA));
        Assert.Equal(ReconciliationPhase.None, link.B.PhaseOf(PeerOfB));
        // A late sketch is now out of order, and a fresh round can start.
        Assert.IsType<SketchResult.Violation>(link.A.HandleSketch(PeerOfA, new SketchMessage(new byte[4])));
        Assert.NotNull(link.A.InitiateReconciliation(PeerOfA));
    }

    [Fact]
    public void Forgetting_a_peer_drops_its_state()
    {
        var link = new Link();
        link.AddToA(RandomWtxids(3));
        link.A.ForgetPeer(PeerOfA);
        Assert.False(link.A.IsRegistered(PeerOfA));
        Assert.Null(link.A.NextPeerToReconcile());
        Assert.Equal(0, link.A.PeerCount);
    }

    // ---- Fanout ---------------------------------------------------------------------------------------------------

    private static TxReconciliationTracker WithPeers(int outbound, int inbound)
    {
        var tracker = new TxReconciliationTracker();
        for (int i = 0; i < outbound; i++)
            tracker.RegisterPeer(i, new ReconciliationRegistration.Registered(ReconciliationRole.Initiator, 1, ReconciliationKeys.FromSalts((ulong)i, 1)));
        for (int i = 0; i < inbound; i++)
            tracker.RegisterPeer(1000 + i, new ReconciliationRegistration.Registered(ReconciliationRole.Responder, 1, ReconciliationKeys.FromSalts((ulong)i, 2)));
        return tracker;
    }

    [Fact]
    public void Fanout_is_one_outbound_and_a_tenth_of_inbound_peers()
    {
        var tracker = WithPeers(outbound: 8, inbound: 100);
        var wtxid = RandomWtxid();
        var targets = tracker.GetFanoutTargets(wtxid, inboundFloodPeers: 0, outboundFloodPeers: 0);
        Assert.Equal(1, targets.Peers.Count(p => p < 1000));
        Assert.Equal(10, targets.Peers.Count(p => p >= 1000));
        // Deterministic per transaction, different across transactions.
        Assert.Equal(targets.Peers.ToHashSet(), tracker.GetFanoutTargets(wtxid, 0, 0).Peers.ToHashSet());
        var others = Enumerable.Range(0, 20).Select(_ => tracker.GetFanoutTargets(RandomWtxid(), 0, 0).Peers.Order().First()).Distinct().Count();
        Assert.True(others > 1);
        Assert.True(tracker.ShouldFanoutTo(targets.Peers.First(), targets));
        Assert.True(tracker.ShouldFanoutTo(5555, targets)); // not reconciling: always flooded
    }

    [Fact]
    public void Peers_that_flood_anyway_count_towards_the_fanout()
    {
        var tracker = WithPeers(outbound: 8, inbound: 30);
        // One outbound peer without reconciliation already floods: no outbound reconciling peer is picked.
        var targets = tracker.GetFanoutTargets(RandomWtxid(), inboundFloodPeers: 10, outboundFloodPeers: 1);
        Assert.DoesNotContain(targets.Peers, p => p < 1000);
        // 40 inbound tx-relay peers → 4 targets, 10 of them flood anyway → no reconciling inbound peer needed.
        Assert.DoesNotContain(targets.Peers, p => p >= 1000);
    }

    [Fact]
    public void A_fractional_inbound_fanout_is_rounded_at_random_per_transaction()
    {
        var tracker = WithPeers(outbound: 0, inbound: 15); // 1.5 targets per transaction on average
        var counts = Enumerable.Range(0, 2000).Select(_ => tracker.GetFanoutTargets(RandomWtxid(), 0, 0).Peers.Count).ToList();
        Assert.All(counts, c => Assert.InRange(c, 1, 2));
        Assert.InRange(counts.Average(), 1.4, 1.6);
    }
}
