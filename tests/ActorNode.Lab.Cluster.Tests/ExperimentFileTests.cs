using ActorNode.Lab.Cluster.Experiments;
using ActorNode.Lab.Experiments;

namespace ActorNode.Lab.Cluster.Tests;

public sealed class ExperimentFileTests
{
    private const string Full = """
        experiment {
          name = full
          nodes = 12
          workers = 3
          seed = 42
          time-limit = 45s
          on-worker-loss = stop
          topology { kind = small-world, neighbours = 4, rewire = 0.25 }
          node { trickle-interval = 0ms, max-peers = 40 }
          inject = [
            { kind = transaction, count = 20, start = 1s, interval = 100ms }
            { kind = block, count = 3, start = 2.5s, rate = 2, node = 4 }
          ]
          faults = [
            { kind = kill-worker, at = 5s, worker = 2 }
            { kind = partition, at = 3s, heal-at = 6s, group-a = [0, 1, 2], group-b = [3, 4] }
            { kind = churn, at = 4s, downtime = 1500ms, nodes = [7] }
          ]
        }
        """;

    [Fact]
    public void Parse_ReadsEverySetting()
    {
        var e = ExperimentFile.Parse(Full);
        Assert.Equal("full", e.Name);
        Assert.Equal(12, e.Nodes);
        Assert.Equal(3, e.Workers);
        Assert.Equal(42, e.Seed);
        Assert.Equal(TimeSpan.FromSeconds(45), e.TimeLimit);
        Assert.Equal(WorkerLossPolicy.Stop, e.OnWorkerLoss);
        Assert.Equal(new TopologySpec.SmallWorld(4, 0.25), e.Topology);
        Assert.Equal(TimeSpan.Zero, e.NodeSettings.TrickleInterval);
        Assert.Equal(40, e.NodeSettings.MaxPeers);
        Assert.Equal(new InjectionSpec(ItemKind.Transaction, 20, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100)), e.Injections[0]);
        Assert.Equal(new InjectionSpec(ItemKind.Block, 3, TimeSpan.FromSeconds(2.5), TimeSpan.FromMilliseconds(500), 4), e.Injections[1]);
        Assert.Equal(new FaultSpec.KillWorker(TimeSpan.FromSeconds(5), 2), e.Faults[0]);
        var partition = Assert.IsType<FaultSpec.Partition>(e.Faults[1]);
        Assert.Equal([0, 1, 2], partition.GroupA);
        Assert.Equal([3, 4], partition.GroupB);
        Assert.Equal(TimeSpan.FromSeconds(6), partition.HealAt);
        var churn = Assert.IsType<FaultSpec.Churn>(e.Faults[2]);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), churn.Downtime);
        Assert.Equal([7], churn.Nodes);
    }

    [Fact]
    public void Parse_Minimal_TakesTheDefaults()
    {
        var e = ExperimentFile.Parse(Lines("""
            experiment { nodes = 4, workers = 1, topology { kind = ring }, inject = [{ kind = tx, count = 1 }] }
            """));
        Assert.Equal("experiment", e.Name);
        Assert.Equal(new TopologySpec.Ring(), e.Topology);
        Assert.Equal(TimeSpan.FromSeconds(10), e.NodeSettings.TrickleInterval);
        Assert.Equal(TimeSpan.FromMinutes(2), e.TimeLimit);
        Assert.Equal(WorkerLossPolicy.Continue, e.OnWorkerLoss);
        Assert.Empty(e.Faults);
    }

    [Fact]
    public void Parse_ExplicitEdges()
    {
        var e = ExperimentFile.Parse(Lines("""
            experiment { nodes = 3, workers = 1, topology { kind = explicit, edges = ["0-1", "1 - 2"] }, inject = [{ kind = block, count = 1 }] }
            """));
        var topology = Assert.IsType<TopologySpec.Explicit>(e.Topology);
        Assert.Equal([(0, 1), (1, 2)], topology.Edges);
    }

    [Theory]
    [InlineData("experiment { nodes = 1, workers = 1, topology { kind = ring }, inject = [{ kind = tx, count = 1 }] }", "experiment.nodes")]
    [InlineData("experiment { nodes = 4, workers = 5, topology { kind = ring }, inject = [{ kind = tx, count = 1 }] }", "experiment.workers")]
    [InlineData("experiment { nodes = 4, workers = 1, topology { kind = star }, inject = [{ kind = tx, count = 1 }] }", "experiment.topology.kind")]
    [InlineData("experiment { nodes = 4, workers = 1, topology { kind = ring, outbound = 3 }, inject = [{ kind = tx, count = 1 }] }", "experiment.topology.outbound")]
    [InlineData("experiment { nodes = 4, workers = 1, topology { kind = small-world, neighbours = 3 }, inject = [{ kind = tx, count = 1 }] }", "experiment.topology.neighbours")]
    [InlineData("experiment { nodes = 4, workers = 1, topology { kind = explicit, edges = [\"0-4\"] }, inject = [{ kind = tx, count = 1 }] }", "experiment.topology.edges")]
    [InlineData("experiment { nodes = 4, workers = 1, topology { kind = ring }, inject = [] }", "experiment.inject")]
    [InlineData("experiment { nodes = 4, workers = 1, topology { kind = ring }, inject = [{ kind = coin, count = 1 }] }", "experiment.inject[0].kind")]
    [InlineData("experiment { nodes = 4, workers = 1, topology { kind = ring }, inject = [{ kind = tx, count = 1, node = 9 }] }", "experiment.inject[0].node")]
    [InlineData("experiment { nodes = 4, workers = 1, topology { kind = ring }, inject = [{ kind = tx, count = 1, interval = soon }] }", "experiment.inject[0].interval")]
    [InlineData("experiment { nodes = 4, workers = 1, topology { kind = ring }, inject = [{ kind = tx, count = 1, rate = 2, interval = 1s }] }", "experiment.inject[0].rate")]
    [InlineData("experiment { nodes = 4, workers = 2, topology { kind = ring }, inject = [{ kind = tx, count = 1 }], faults = [{ kind = kill-worker, at = 1s, worker = 2 }] }", "experiment.faults[0].worker")]
    [InlineData("experiment { nodes = 4, workers = 1, topology { kind = ring }, inject = [{ kind = tx, count = 1 }], faults = [{ kind = partition, at = 2s, heal-at = 1s, group-a = [0], group-b = [1] }] }", "experiment.faults[0].heal-at")]
    [InlineData("experiment { nodes = 4, workers = 1, topology { kind = ring }, inject = [{ kind = tx, count = 1 }], faults = [{ kind = partition, at = 1s, heal-at = 2s, group-a = [0, 1], group-b = [1] }] }", "experiment.faults[0].group-b")]
    [InlineData("experiment { nodes = 4, workers = 1, topology { kind = ring }, inject = [{ kind = tx, count = 1 }], tricle = 1s }", "experiment.tricle")]
    [InlineData("experiment { nodes = 4, workers = 1, topology { kind = ring }, inject = [{ kind = tx, count = 1 }], on-worker-loss = panic }", "experiment.on-worker-loss")]
    [InlineData("nodes = 4", "experiment")]
    [InlineData("experiment { topology { kind = ring },nodes = 4 }", "(file)")]
    public void Parse_BadFile_NamesTheSetting(string text, string path)
    {
        var error = Assert.Throws<ExperimentFileException>(() => ExperimentFile.Parse(Lines(text)));
        Assert.Equal(path, error.Path);
        Assert.StartsWith(path + ": ", error.Message);
    }

    /// <summary>One setting per line: Akka's HOCON parser takes no comma after an object value (<c>{ ... },</c>).</summary>
    private static string Lines(string text) => text.Replace("}, ", "}\n");

    [Fact]
    public void Load_MissingFile_IsAClearError()
    {
        var error = Assert.Throws<ExperimentFileException>(() => ExperimentFile.Load("/nonexistent/experiment.conf"));
        Assert.Contains("cannot read", error.Message);
    }

    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("2s", 2000)]
    [InlineData("1.5m", 90_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("3", 3000)]
    [InlineData("0ms", 0)]
    public void Durations(string text, double ms) => Assert.Equal(TimeSpan.FromMilliseconds(ms), ExperimentFile.ParseDuration(text));

    [Theory]
    [InlineData("")]
    [InlineData("-1s")]
    [InlineData("1 fortnight")]
    [InlineData("NaN")]
    public void Durations_Bad(string text) => Assert.Null(ExperimentFile.ParseDuration(text));
}
