using ActorNode.Lab.Experiments;

namespace ActorNode.Lab.Tests.Plans;

public sealed class RunPlanTests
{
    private static Experiment Experiment(IReadOnlyList<InjectionSpec> injections, IReadOnlyList<FaultSpec>? faults = null) => new()
    {
        Name = "t",
        Nodes = 10,
        Workers = 2,
        Topology = new TopologySpec.Ring(),
        Injections = injections,
        Faults = faults ?? [],
    };

    [Fact]
    public void Injections_AreSpacedByTheirInterval_AndNumberedPerKind()
    {
        var events = RunPlan.Events(Experiment([
            new InjectionSpec(ItemKind.Transaction, 3, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100)),
            new InjectionSpec(ItemKind.Block, 2, TimeSpan.FromSeconds(1.15), TimeSpan.FromSeconds(1), Node: 4),
            new InjectionSpec(ItemKind.Transaction, 1, TimeSpan.FromSeconds(5), TimeSpan.Zero),
        ]));
        Assert.Equal(
        [
            new PlannedEvent.Inject(TimeSpan.FromSeconds(1), ItemKind.Transaction, 0, null),
            new PlannedEvent.Inject(TimeSpan.FromSeconds(1.1), ItemKind.Transaction, 1, null),
            new PlannedEvent.Inject(TimeSpan.FromSeconds(1.15), ItemKind.Block, 0, 4),
            new PlannedEvent.Inject(TimeSpan.FromSeconds(1.2), ItemKind.Transaction, 2, null),
            new PlannedEvent.Inject(TimeSpan.FromSeconds(2.15), ItemKind.Block, 1, 4),
            new PlannedEvent.Inject(TimeSpan.FromSeconds(5), ItemKind.Transaction, 3, null),
        ], events);
    }

    [Fact]
    public void Faults_BecomeTheirEvents_WithHealAndReturn_InTimeOrder()
    {
        var events = RunPlan.Events(Experiment(
            [new InjectionSpec(ItemKind.Block, 1, TimeSpan.FromSeconds(2), TimeSpan.Zero)],
            [
                new FaultSpec.Partition(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4), [0, 1], [2]),
                new FaultSpec.Churn(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(0.5), [7]),
                new FaultSpec.KillWorker(TimeSpan.FromSeconds(3), 1),
            ]));
        Assert.Collection(events,
            e => Assert.IsType<PlannedEvent.Cut>(e),
            e => Assert.IsType<PlannedEvent.Inject>(e), // injections first at equal times
            e => Assert.IsType<PlannedEvent.StopNodes>(e),
            e => Assert.Equal(TimeSpan.FromSeconds(2.5), Assert.IsType<PlannedEvent.RestartNodes>(e).At),
            e => Assert.Equal(1, Assert.IsType<PlannedEvent.KillWorker>(e).Worker),
            e => Assert.Equal(TimeSpan.FromSeconds(4), Assert.IsType<PlannedEvent.Heal>(e).At));
    }

    [Theory]
    [InlineData(10, 2)]
    [InlineData(7, 3)]
    [InlineData(500, 4)]
    [InlineData(5, 5)]
    public void Nodes_AreDealtInContiguousBlocks_AsEvenlyAsTheyGo(int nodes, int workers)
    {
        var all = Enumerable.Range(0, workers).SelectMany(w => RunPlan.NodesOf(w, nodes, workers)).ToList();
        Assert.Equal(Enumerable.Range(0, nodes), all); // each node once, in order
        var sizes = Enumerable.Range(0, workers).Select(w => RunPlan.NodesOf(w, nodes, workers).Count).ToList();
        Assert.True(sizes.Max() - sizes.Min() <= 1, string.Join(",", sizes));
        for (int n = 0; n < nodes; n++) Assert.Contains(n, RunPlan.NodesOf(RunPlan.WorkerOf(n, nodes, workers), nodes, workers));
    }

    [Fact]
    public void TenNodesOnTwoWorkers()
    {
        Assert.Equal([0, 1, 2, 3, 4], RunPlan.NodesOf(0, 10, 2));
        Assert.Equal([5, 6, 7, 8, 9], RunPlan.NodesOf(1, 10, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => RunPlan.WorkerOf(10, 10, 2));
    }

    [Fact]
    public void LabTransactions_AreStandardFinalWithoutWitness_AndDistinct()
    {
        var txs = Enumerable.Range(0, 50).Select(i => LabTransactions.Create(7, i)).ToList();
        Assert.Equal(50, txs.Select(t => t.Txid).Distinct().Count());
        Assert.All(txs, t =>
        {
            Assert.False(t.HasWitness);
            Assert.Equal(t.Txid, t.Wtxid);
            Assert.Equal(0u, t.LockTime);
            Assert.True(t.GetSerializedSize(ActorNode.Wire.WireEncoding.Base) >= 65); // Core's minimum standard size
        });
        Assert.Equal(LabTransactions.Create(7, 3).Txid, LabTransactions.Create(7, 3).Txid);
        Assert.NotEqual(LabTransactions.Create(7, 3).Txid, LabTransactions.Create(8, 3).Txid);
    }
}

public sealed class NodeRangesTests
{
    [Theory]
    [InlineData(new int[0], "none")]
    [InlineData(new[] { 3 }, "3")]
    [InlineData(new[] { 0, 1, 2, 3, 4 }, "0-4")]
    [InlineData(new[] { 9, 0, 1, 2, 7, 10, 11, 2 }, "0-2, 7, 9-11")]
    public void Format(int[] nodes, string expected) => Assert.Equal(expected, NodeRanges.Format(nodes));
}
