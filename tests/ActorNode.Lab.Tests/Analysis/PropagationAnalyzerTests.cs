using ActorNode.Lab.Analysis;
using ActorNode.Lab.Experiments;
using ActorNode.Lab.Observations;

namespace ActorNode.Lab.Tests.Analysis;

public class PropagationAnalyzerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly HashSet<int> FiveNodes = [0, 1, 2, 3, 4];

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    private static Observation Seen(string item, int node, double ms, int? from, int announcements = 1, ItemKind kind = ItemKind.Transaction) =>
        new(item, kind, node, T0 + Ms(ms), from, announcements);

    private static RunAnalysis Analyze(IReadOnlyList<Injection> injections, IReadOnlyList<Observation> observations, IReadOnlySet<int>? expected = null, IReadOnlyList<NodeTraffic>? traffic = null) =>
        PropagationAnalyzer.Analyze(injections, observations, traffic ?? [], expected ?? FiveNodes);

    // A transaction injected at 0 spreads 0 → 1 → 2 → 4 and 0 → 3; a block injected at 4 reaches 3 and 2 only.
    private static RunAnalysis TwoItems() => Analyze(
        [new Injection("tx", ItemKind.Transaction, 0, T0), new Injection("blk", ItemKind.Block, 4, T0 + Ms(1000))],
        [
            Seen("tx", 0, 0, null, 2),
            Seen("tx", 1, 100, 0, 1),
            Seen("tx", 2, 300, 1, 3),
            Seen("tx", 3, 200, 0, 2),
            Seen("tx", 4, 500, 2, 2),
            Seen("blk", 3, 1200, 4, 1, ItemKind.Block),
            Seen("blk", 2, 1500, 3, 1, ItemKind.Block),
        ]);

    [Fact]
    public void Analyze_FullSpread_PercentilesHopsAndDuplicates()
    {
        var tx = TwoItems().Items[0];

        Assert.Equal("tx", tx.Item);
        Assert.Equal(ItemKind.Transaction, tx.Kind);
        Assert.Equal(0, tx.Origin);
        Assert.Equal(5, tx.Expected);
        Assert.Equal(5, tx.Reached);
        // Arrivals with the origin at 0: 0, 100, 200, 300, 500. 50 % of 5 = the 3rd; 90 % and 100 % = the 5th.
        Assert.Equal(Ms(200), tx.To50);
        Assert.Equal(Ms(500), tx.To90);
        Assert.Equal(Ms(500), tx.To100);
        Assert.Equal([Ms(100), Ms(200), Ms(300), Ms(500)], tx.ArrivalDelays);
        // By node: 0 origin, 1 ← 0, 2 ← 1 ← 0, 3 ← 0, 4 ← 2 ← 1 ← 0.
        Assert.Equal([0, 1, 2, 1, 3], tx.Hops);
        // 10 announcements, 5 of them first ones.
        Assert.Equal(0.5, tx.DuplicateRatio);
    }

    [Fact]
    public void Analyze_PartialSpread_LaterSharesNull()
    {
        var block = TwoItems().Items[1];

        Assert.Equal(4, block.Origin);
        Assert.Equal(3, block.Reached);
        Assert.Equal(Ms(500), block.To50);
        Assert.Null(block.To90);
        Assert.Null(block.To100);
        Assert.Equal([Ms(200), Ms(500)], block.ArrivalDelays);
        Assert.Equal([2, 1, 0], block.Hops); // nodes 2, 3, 4
        Assert.Equal(0.0, block.DuplicateRatio);
    }

    [Fact]
    public void Analyze_Kinds_OnePerInjectedKindInEnumOrder()
    {
        var kinds = TwoItems().Kinds;

        Assert.Equal([ItemKind.Transaction, ItemKind.Block], kinds.Select(k => k.Kind));
        var tx = kinds[0];
        Assert.Equal((1, 1), (tx.Items, tx.FullyPropagated));
        Assert.Equal((Ms(200), Ms(500), Ms(500), Ms(500)), (tx.MedianTo50, tx.MedianTo90, tx.MedianTo100, tx.WorstTo100));
        Assert.Equal(0.5, tx.DuplicateRatio);
        var block = kinds[1];
        Assert.Equal((1, 0), (block.Items, block.FullyPropagated));
        Assert.Equal(Ms(500), block.MedianTo50);
        Assert.Null(block.MedianTo90);
        Assert.Null(block.WorstTo100);
        Assert.Equal([0, 1, 2], block.Hops);
    }

    [Fact]
    public void Analyze_NoObservations_OnlyTheOrigin()
    {
        var run = Analyze([new Injection("tx", ItemKind.Transaction, 2, T0)], []);

        var tx = Assert.Single(run.Items);
        Assert.Equal(1, tx.Reached);
        Assert.Null(tx.To50); // needs 3 of 5
        Assert.Empty(tx.ArrivalDelays);
        Assert.Equal([0], tx.Hops);
        Assert.Equal(0.0, tx.DuplicateRatio);
        Assert.Equal(0, run.IgnoredObservations);
    }

    [Fact]
    public void Analyze_OnlyTheOriginExpected_FullAtZero()
    {
        var tx = Analyze([new Injection("tx", ItemKind.Transaction, 2, T0)], [], new HashSet<int> { 2 }).Items[0];

        Assert.Equal((1, 1), (tx.Expected, tx.Reached));
        Assert.Equal(TimeSpan.Zero, tx.To100);
    }

    [Fact]
    public void Analyze_OriginNotExpected_NotCountedAsReached()
    {
        // The origin's worker died: 4 expected nodes remain, and all four got the item.
        var tx = Analyze(
            [new Injection("tx", ItemKind.Transaction, 0, T0)],
            [Seen("tx", 1, 10, 0), Seen("tx", 2, 20, 0), Seen("tx", 3, 30, 1), Seen("tx", 4, 40, 3)],
            new HashSet<int> { 1, 2, 3, 4 }).Items[0];

        Assert.Equal((4, 4), (tx.Expected, tx.Reached));
        Assert.Equal(Ms(20), tx.To50);
        Assert.Equal(Ms(40), tx.To90);
        Assert.Equal(Ms(40), tx.To100);
        Assert.Equal([0, 1, 1, 2, 3], tx.Hops);
    }

    [Fact]
    public void Analyze_OriginsOwnObservation_IgnoredForTiming()
    {
        // The origin reports a late first-seen (its report raced the injection): still delay 0, not an arrival.
        var tx = Analyze(
            [new Injection("tx", ItemKind.Transaction, 0, T0)],
            [Seen("tx", 0, 900, 3), Seen("tx", 1, 10, 0)],
            new HashSet<int> { 0, 1 }).Items[0];

        Assert.Equal([Ms(10)], tx.ArrivalDelays);
        Assert.Equal(Ms(10), tx.To100);
        Assert.Equal([0, 1], tx.Hops);
    }

    [Fact]
    public void Analyze_NodesOutsideExpectedSet_HopsAndDuplicatesOnly()
    {
        // Node 7 is not expected (say its worker was lost) but relayed the item to node 1.
        var tx = Analyze(
            [new Injection("tx", ItemKind.Transaction, 0, T0)],
            [Seen("tx", 7, 50, 0, 3), Seen("tx", 1, 80, 7, 1)],
            new HashSet<int> { 0, 1 }).Items[0];

        Assert.Equal((2, 2), (tx.Expected, tx.Reached));
        Assert.Equal([Ms(80)], tx.ArrivalDelays);
        Assert.Equal([0, 2, 1], tx.Hops); // nodes 0, 1, 7
        Assert.Equal(2.0 / 4, tx.DuplicateRatio);
    }

    [Fact]
    public void Analyze_BrokenChains_ExcludedFromHopsButStillArrivals()
    {
        var tx = Analyze(
            [new Injection("tx", ItemKind.Transaction, 0, T0)],
            [
                Seen("tx", 1, 10, 0),    // 1 hop
                Seen("tx", 2, 20, null), // from outside the lab: no hop count
                Seen("tx", 3, 30, 2),    // behind the break
                Seen("tx", 4, 40, 9),    // from a node that never reported it
                Seen("tx", 5, 50, 6),    // 5 ← 6 ← 5: a cycle
                Seen("tx", 6, 60, 5),
                Seen("tx", 8, 70, 8),    // from itself
                Seen("tx", 7, 80, 1),    // 2 hops
            ],
            Enumerable.Range(0, 9).ToHashSet()).Items[0];

        Assert.Equal([0, 1, 2], tx.Hops); // nodes 0, 1, 7
        Assert.Equal(9, tx.Reached);
        Assert.Equal(8, tx.ArrivalDelays.Count);
    }

    [Fact]
    public void Analyze_RepeatedObservationOfANode_EarliestSightingAndSummedAnnouncements()
    {
        // Node 1 was churned: it saw the item at 300 ms from 0, came back empty and saw it again at 500 ms from 2; the
        // later sighting's report happens to arrive first.
        var tx = Analyze(
            [new Injection("tx", ItemKind.Transaction, 0, T0)],
            [Seen("tx", 2, 100, 0, 1), Seen("tx", 1, 500, 2, 2), Seen("tx", 1, 300, 0, 3)],
            new HashSet<int> { 0, 1, 2 }).Items[0];

        Assert.Equal(3, tx.Reached);
        Assert.Equal([Ms(100), Ms(300)], tx.ArrivalDelays);
        Assert.Equal([0, 1, 1], tx.Hops); // node 1's earliest sighting came from 0
        // 1 + 2 + 3 announcements at 2 nodes: 4 duplicates.
        Assert.Equal(4.0 / 6, tx.DuplicateRatio);
    }

    [Fact]
    public void Analyze_FirstSeenBeforeInjection_ClampedToZero()
    {
        var tx = Analyze(
            [new Injection("tx", ItemKind.Transaction, 0, T0)],
            [Seen("tx", 1, -15, 0)],
            new HashSet<int> { 0, 1 }).Items[0];

        Assert.Equal([TimeSpan.Zero], tx.ArrivalDelays);
        Assert.Equal(TimeSpan.Zero, tx.To100);
    }

    [Fact]
    public void Analyze_ObservationsOfUnknownItems_IgnoredAndCounted()
    {
        var run = Analyze(
            [new Injection("tx", ItemKind.Transaction, 0, T0)],
            [Seen("stray", 1, 10, 0, 5), Seen("tx", 1, 10, 0), Seen("other", 2, 10, null)]);

        Assert.Equal(2, run.IgnoredObservations);
        Assert.Equal(0.0, run.Items[0].DuplicateRatio);
        Assert.Equal(2, run.Items[0].Reached);
    }

    [Fact]
    public void Analyze_ItemInjectedTwice_EarliestInjectionKept()
    {
        var run = Analyze(
            [new Injection("tx", ItemKind.Transaction, 3, T0 + Ms(100)), new Injection("tx", ItemKind.Transaction, 1, T0)],
            [Seen("tx", 2, 150, 1)]);

        var tx = Assert.Single(run.Items);
        Assert.Equal(1, tx.Origin);
        Assert.Equal([Ms(150)], tx.ArrivalDelays);
    }

    [Fact]
    public void Analyze_NoAnnouncements_DuplicateRatioZero()
    {
        var tx = Analyze([new Injection("tx", ItemKind.Transaction, 0, T0)], [Seen("tx", 1, 10, 0, 0)]).Items[0];

        Assert.Equal(0.0, tx.DuplicateRatio);
    }

    [Fact]
    public void Analyze_KindSummary_MedianCountsNeverAsLast_PooledDuplicateRatio()
    {
        // Three transactions over nodes {0, 1}: reached 100 % at 10 ms, at 20 ms, and never.
        var run = Analyze(
            [
                new Injection("a", ItemKind.Transaction, 0, T0),
                new Injection("b", ItemKind.Transaction, 0, T0),
                new Injection("c", ItemKind.Transaction, 0, T0),
            ],
            [Seen("a", 1, 10, 0, 4), Seen("a", 0, 1, null, 1), Seen("b", 1, 20, 0, 1)],
            new HashSet<int> { 0, 1 });

        var kind = Assert.Single(run.Kinds);
        Assert.Equal((3, 2), (kind.Items, kind.FullyPropagated));
        Assert.Equal(Ms(20), kind.MedianTo100); // 10, 20, never → the 2nd
        Assert.Equal(TimeSpan.Zero, kind.MedianTo50); // 50 % of 2 nodes is the origin alone
        Assert.Null(kind.WorstTo100);
        Assert.Equal([Ms(10), Ms(20)], kind.ArrivalDelays);
        Assert.Equal([0, 0, 0, 1, 1], kind.Hops);
        // a: 5 announcements, 2 nodes → 3 duplicates; b: 1 and 1 → 0. Pooled 3/6, not the mean of 0.6 and 0.
        Assert.Equal(0.6, run.Items[0].DuplicateRatio);
        Assert.Equal(0.5, kind.DuplicateRatio);
    }

    [Fact]
    public void Analyze_MostItemsNeverComplete_MedianNull()
    {
        var run = Analyze(
            [new Injection("a", ItemKind.Block, 0, T0), new Injection("b", ItemKind.Block, 0, T0)],
            [Seen("a", 1, 10, 0, 1, ItemKind.Block)],
            new HashSet<int> { 0, 1 });

        // 10 ms and never: the nearest-rank median of two is the lower one.
        Assert.Equal(Ms(10), run.Kinds[0].MedianTo100);

        run = Analyze(
            [new Injection("a", ItemKind.Block, 0, T0), new Injection("b", ItemKind.Block, 0, T0), new Injection("c", ItemKind.Block, 0, T0)],
            [Seen("a", 1, 10, 0, 1, ItemKind.Block)],
            new HashSet<int> { 0, 1 });

        Assert.Null(run.Kinds[0].MedianTo100);
    }

    [Fact]
    public void Analyze_NoInjections_NoItemsNoKinds_TrafficByNode()
    {
        var run = Analyze([], [], traffic: [new NodeTraffic(2, 10, 20), new NodeTraffic(0, 5, 6)]);

        Assert.Empty(run.Items);
        Assert.Empty(run.Kinds);
        Assert.Equal([0, 2], run.Traffic.Select(t => t.Node));
    }

    [Fact]
    public void Analyze_ItemsInInjectionOrder()
    {
        var run = Analyze(
            [new Injection("z", ItemKind.Block, 0, T0 + Ms(5)), new Injection("a", ItemKind.Transaction, 0, T0)],
            []);

        Assert.Equal(["z", "a"], run.Items.Select(i => i.Item));
        Assert.Equal([ItemKind.Transaction, ItemKind.Block], run.Kinds.Select(k => k.Kind));
    }
}
