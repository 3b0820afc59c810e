using ActorNode.Lab.Cluster.Coordinator;
using ActorNode.Lab.Cluster.Protocol;
using ActorNode.Lab.Experiments;
using ActorNode.Lab.Observations;

namespace ActorNode.Lab.Cluster.Tests;

/// <summary>The coordinator's functional core: <see cref="RunProgress"/> (when a run is complete, what it does not
/// wait for) and <see cref="ClockEstimate"/>.</summary>
public sealed class RunProgressTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Four nodes on two workers: 0, 1 on worker 0; 2, 3 on worker 1.</summary>
    private static RunProgress Progress() => new(nodes: 4, workers: 2);

    private static void Inject(RunProgress progress, string item, ItemKind kind, int node, DateTimeOffset at)
    {
        progress.InjectionSent(node);
        progress.InjectionAnswered(node, new Injection(item, kind, node, at));
    }

    private static Sighting Saw(int node, string item, DateTimeOffset at, int? from = null, ItemKind kind = ItemKind.Transaction) =>
        new(node, kind, item, at, from);

    [Fact]
    public void Completion_WaitsForAnUnansweredInjection_ThenForEveryNode()
    {
        var progress = Progress();
        progress.InjectionSent(1);
        Assert.Null(progress.Completion(T0));
        progress.InjectionAnswered(1, new Injection("a", ItemKind.Transaction, 1, T0));
        foreach (int node in new[] { 1, 0, 2 })
        {
            Assert.True(progress.Seen(Saw(node, "a", T0.AddMilliseconds(node))));
            Assert.Null(progress.Completion(T0));
        }
        Assert.False(progress.Seen(Saw(0, "a", T0.AddSeconds(1)))); // only the first sighting counts
        Assert.True(progress.Seen(Saw(3, "a", T0.AddMilliseconds(3))));
        Assert.Equal("every item reached all 4 live nodes", progress.Completion(T0));
        Assert.Equal(5, progress.SightingCount);
    }

    [Fact]
    public void ARefusedInjection_IsAnsweredButNotWaitedFor()
    {
        var progress = Progress();
        progress.InjectionSent(2);
        progress.InjectionAnswered(2, null);
        Assert.Equal(0, progress.Unanswered(1));
        Assert.Empty(progress.Injections());
        Assert.Equal("every item reached all 4 live nodes", progress.Completion(T0));
    }

    [Fact]
    public void ATransactionThatSpreadWhileANodeWasDown_IsNotWaitedFor_ButABlockIs()
    {
        var progress = Progress();
        progress.NodesStopped([3], T0);
        Assert.False(progress.IsUp(3));
        Inject(progress, "tx", ItemKind.Transaction, 0, T0.AddMilliseconds(100));
        Inject(progress, "block", ItemKind.Block, 0, T0.AddMilliseconds(200));
        progress.NodesRestarted([3], T0.AddSeconds(1));
        Assert.True(progress.IsUp(3));
        foreach (int node in new[] { 0, 1, 2 })
        {
            progress.Seen(Saw(node, "tx", T0.AddMilliseconds(150)));
            progress.Seen(Saw(node, "block", T0.AddMilliseconds(250), kind: ItemKind.Block));
        }
        Assert.True(progress.MissedWhileDown("tx", 3));
        Assert.False(progress.MissedWhileDown("block", 3));
        Assert.Null(progress.Completion(T0.AddSeconds(2))); // node 3 syncs the block

        progress.Seen(Saw(3, "block", T0.AddSeconds(1.5), kind: ItemKind.Block));
        Assert.Equal("every item reached all 4 live nodes", progress.Completion(T0.AddSeconds(2)));
        Assert.Equal(["node 3 was churned out while 1 transactions spread and never got them (a restarted node does not fetch its peers' pools)"],
            progress.EndNotes(T0.AddSeconds(2)));
    }

    [Fact]
    public void AnItemLostWithItsWorker_IsStrandedOnlyAfterTheGrace_AndOnlyIfNoLiveNodeHadIt()
    {
        var progress = Progress();
        Inject(progress, "stranded", ItemKind.Transaction, 2, T0);
        Inject(progress, "escaped", ItemKind.Transaction, 3, T0);
        progress.Seen(Saw(3, "escaped", T0));
        progress.Seen(Saw(0, "escaped", T0.AddMilliseconds(10), from: 3));
        progress.Seen(Saw(2, "stranded", T0));
        progress.WorkerLost(new WorkerLost(1, T0.AddSeconds(1), "killed", [2, 3]));

        Assert.Equal(new HashSet<int> { 0, 1 }, progress.ExpectedNodes());
        var graceNotOver = T0.AddSeconds(1) + RunProgress.LossGrace - TimeSpan.FromMilliseconds(1);
        Assert.False(progress.IsStranded("stranded", progress.ExpectedNodes(), graceNotOver));
        Assert.Null(progress.Completion(graceNotOver));

        var after = T0.AddSeconds(1) + RunProgress.LossGrace;
        Assert.True(progress.IsStranded("stranded", progress.ExpectedNodes(), after));
        Assert.False(progress.IsStranded("escaped", progress.ExpectedNodes(), after)); // node 0 has it: node 1 will
        Assert.Null(progress.Completion(after));
        progress.Seen(Saw(1, "escaped", T0.AddMilliseconds(20), from: 0));
        Assert.Equal("every item reached all 2 live nodes, except 1 lost with their worker before any live node had them", progress.Completion(after));
        Assert.Equal(["Transaction stranded was injected at node 2, whose worker was lost before any live node had it"], progress.EndNotes(after));
    }

    [Fact]
    public void ChooseNode_TakesThePlannedNodeIfUp_ElseSaysWhy_AndRandomOnlyAmongNodesUp()
    {
        var progress = Progress();
        progress.NodesStopped([1], T0);
        progress.WorkerLost(new WorkerLost(1, T0, "gone", [2, 3]));
        var random = new Random(1);

        Assert.Equal(0, progress.ChooseNode(new PlannedEvent.Inject(TimeSpan.Zero, ItemKind.Block, 0, 0), random, out _));
        Assert.Null(progress.ChooseNode(new PlannedEvent.Inject(TimeSpan.FromSeconds(2), ItemKind.Block, 4, 2), random, out var note));
        Assert.Equal("Block 4 was not injected at 2 s: node 2 is down", note);
        for (int i = 0; i < 20; i++)
            Assert.Equal(0, progress.ChooseNode(new PlannedEvent.Inject(TimeSpan.Zero, ItemKind.Transaction, i, null), random, out _));

        progress.NodesStopped([0], T0);
        Assert.Null(progress.ChooseNode(new PlannedEvent.Inject(TimeSpan.Zero, ItemKind.Transaction, 7, null), random, out note));
        Assert.Equal("Transaction 7 was not injected: no node is up", note);
    }

    [Fact]
    public void Injections_StartAtTheOriginsOwnSighting_AndObservationsAreOfInjectedItemsOnly()
    {
        var progress = Progress();
        Inject(progress, "block", ItemKind.Block, 1, T0);
        Inject(progress, "tx", ItemKind.Transaction, 2, T0);
        progress.Seen(Saw(1, "block", T0.AddMilliseconds(400), kind: ItemKind.Block)); // mined after the request
        progress.Seen(Saw(0, "block", T0.AddMilliseconds(450), from: 1, kind: ItemKind.Block));
        progress.Seen(Saw(2, "tx", T0.AddMilliseconds(5), from: 3)); // from a peer: not its own sighting
        progress.Seen(Saw(0, "not-injected", T0));

        Assert.Equal([T0.AddMilliseconds(400), T0], progress.Injections().Select(i => i.At));
        var observations = progress.Observations(new Dictionary<(int Node, string Item), int> { [(0, "block")] = 3 });
        Assert.Equal(["tx", "block", "block"], observations.Select(o => o.Item));
        Assert.Equal([0, 0, 3], observations.Select(o => o.Announcements));
    }

    [Fact]
    public void ClockEstimate_TakesTheShortestRoundTrip_AndZeroWithinItsBound()
    {
        var clocks = new ClockEstimate();
        Assert.False(clocks.HasAnswered(0));
        // Worker 0's clock is 50 ms ahead: a slow probe (200 ms round trip) and a fast one (10 ms).
        clocks.Record(0, T0, T0.AddMilliseconds(100 + 50 + 30), T0.AddMilliseconds(200));
        clocks.Record(0, T0.AddSeconds(1), T0.AddSeconds(1).AddMilliseconds(5 + 50), T0.AddSeconds(1).AddMilliseconds(10));
        // Worker 1's clock agrees with ours, but its only probe took 40 ms: an offset of 8 ms is within ±20 ms.
        clocks.Record(1, T0, T0.AddMilliseconds(28), T0.AddMilliseconds(40));
        var notes = new List<string>();

        var offsets = clocks.Offsets(rounds: 5, notes);

        Assert.True(clocks.HasAnswered(0));
        Assert.Equal(TimeSpan.FromMilliseconds(50), offsets[0]);
        Assert.Equal(TimeSpan.Zero, offsets[1]);
        Assert.Equal([
            "worker 0: clock offset 50 ms ± 5 ms, subtracted from its times",
            "worker 1: clock offset 8 ms is within its error bound (±20 ms, half the best of 5 probe round trips): taken as 0",
        ], notes);
    }
}
