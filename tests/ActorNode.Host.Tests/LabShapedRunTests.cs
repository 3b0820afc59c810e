using System.Diagnostics;
using System.Text;
using ActorNode.Lab.Analysis;
using ActorNode.Lab.Cluster.Experiments;
using ActorNode.Lab.Experiments;
using ActorNode.Lab.Network;
using ActorNode.Lab.Observations;
using ActorNode.Lab.Reports;
using ActorNode.Lab.Topologies;
using Xunit.Abstractions;

namespace ActorNode.Host.Tests;

/// <summary>A shaped lab run (issue 14, docs/lab.md "Network shaping"): 20 nodes on 2 workers in two regions 100 ms
/// apart (5 ms inside each), Core's relay timing. Its times must sit inside bounds that follow from the latencies the
/// run planned (the test draws the same plan from the same file): no node gets an item from the other region sooner
/// than the link latencies allow, and the medians stay below what the hops, the links and Core's trickle allow.</summary>
public sealed class LabShapedRunTests(ITestOutputHelper output) : IDisposable
{
    private const string Experiment = """
        experiment {
          name = shaped-20
          nodes = 20
          workers = 2
          seed = 20
          time-limit = 40s
          network {
            name = two-regions
            regions = [
              { name = east, share = 0.5 }
              { name = west, share = 0.5 }
            ]
            latency-ms = [[5, 100], [100, 5]]
          }
          topology { kind = random, outbound = 4 }
          node { relay = core }
          inject = [
            { kind = transaction, count = 6, start = 500ms, interval = 200ms, size = mainnet }
            { kind = block, count = 2, start = 1s, interval = 1s }
          ]
        }
        """;

    /// <summary>Clock slack: worker times are corrected to the coordinator's by an estimate good to half a probe's
    /// round trip (well under a millisecond on one machine), and sightings are stamped by the SyncActor a little
    /// after the bytes arrived (never before).</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(20);

    private readonly string _out = Path.Combine(Path.GetTempPath(), "actornode-lab-shaped-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_out, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task TwoRegions100msApart_ArrivalsRespectTheLinkLatencies_AndTheMediansStayWithinHopsTimesLatencyAndTrickle()
    {
        Directory.CreateDirectory(_out);
        var file = Path.Combine(_out, "shaped-20.conf");
        File.WriteAllText(file, Experiment);
        var experiment = ExperimentFile.Parse(Experiment);
        var topology = TopologyBuilder.Build(experiment.Topology, experiment.Nodes, experiment.Seed);
        var plan = NetworkPlan.For(experiment, topology.Edges);
        var cross = plan.Links.Where(l => plan.RegionOf(l.From) != plan.RegionOf(l.To)).Select(l => l.OneWay).ToList();
        Assert.NotEmpty(cross); // the graph joins the two regions
        var minCross = cross.Min();
        var maxLatency = plan.Links.Max(l => l.OneWay);
        Assert.True(minCross >= TimeSpan.FromMilliseconds(95), $"SimBlock's draw never goes below mean - 5 ms: {minCross}");

        var (exit, text) = await RunLab(file, TimeSpan.FromSeconds(150));
        Assert.True(exit == 0, $"exit {exit}\n{text}");
        var folder = ReportFolder(text);
        var log = ObservationLog.Read(Path.Combine(folder, "observations.jsonl"));
        Assert.Equal(8, log.Injections.Count);

        // Lower bounds. A node of the other region gets an item only over at least one cross-region link: a
        // transaction crosses it three times (inv, getdata, tx), a block at least once (a compact block pushed at
        // once, BIP152 high bandwidth).
        foreach (var injection in log.Injections)
        {
            var hopsAcross = injection.Kind == ItemKind.Transaction ? 3 : 1;
            var bound = minCross * hopsAcross - Slack;
            foreach (var o in log.Observations.Where(o => o.Item == injection.Item && plan.RegionOf(o.Node) != plan.RegionOf(injection.Node)))
                Assert.True(o.FirstSeen - injection.At >= bound,
                    $"{injection.Kind} {injection.Item[..8]} from node {injection.Node} (region {plan.RegionOf(injection.Node)}) reached node {o.Node} "
                    + $"(region {plan.RegionOf(o.Node)}) after {(o.FirstSeen - injection.At).TotalMilliseconds:0.0} ms, sooner than {bound.TotalMilliseconds:0} ms "
                    + "(the planned cross-region latency): is the link shaping wired into the transport?");
        }

        var expected = Enumerable.Range(0, experiment.Nodes).ToHashSet();
        var analysis = PropagationAnalyzer.Analyze(log.Injections, log.Observations, log.Traffic, expected);
        Assert.All(analysis.Items, i => Assert.Equal(20, i.Reached));
        // 90 % of 20 is 18 nodes, at least 8 of them in the other region: p90 is no sooner than a crossing.
        foreach (var item in analysis.Items)
            Assert.True(item.To90 >= minCross * (item.Kind == ItemKind.Transaction ? 3 : 1) - Slack, $"{item.Kind} {item.Item[..8]} p90 {item.To90}");

        // Upper bounds, generous: each hop costs at most its link three times plus a relay round; Core's rounds
        // are Poisson with mean 2 s to outbound peers and 5 s shared by inbound ones (a block goes at once). The
        // median over items of p50 and p90 must stay under twice hops x (3 x the slowest link + 5 s).
        int maxHops = analysis.Items.Max(i => i.Hops.DefaultIfEmpty(0).Max());
        var percentiles = LoadAnalysis.Percentiles(analysis);
        foreach (var kind in percentiles)
        {
            var perHop = kind.Kind == ItemKind.Transaction ? 3 * maxLatency + TimeSpan.FromSeconds(5) : 3 * maxLatency + TimeSpan.FromMilliseconds(200);
            var upper = 2 * maxHops * perHop;
            foreach (var (percent, median) in kind.Times.Where(t => t.Percent <= 90))
            {
                Assert.NotNull(median);
                Assert.True(median <= upper, $"{kind.Kind} median p{percent} {median} above {upper} ({maxHops} hops)");
            }
            output.WriteLine($"{kind.Kind}: " + string.Join(", ", kind.Times.Select(t => $"p{t.Percent} {t.Median?.TotalMilliseconds:0} ms")) + $" (upper {upper.TotalMilliseconds:0} ms)");
        }

        var summary = File.ReadAllText(Path.Combine(folder, "summary.md"));
        Assert.Contains("- Network: two-regions;", summary);
        Assert.Contains("| east | 10 |", summary);
        Assert.Contains("| west | 10 |", summary);
        Assert.Contains("- Relay timing: core", summary);
        Assert.Contains("## Keeping up", summary);
        Assert.Contains("## Bytes per message type", summary);
        Assert.True(File.Exists(Path.Combine(folder, "coverage.csv")));
        Assert.True(File.Exists(Path.Combine(folder, "backlog.csv")));
        output.WriteLine(summary);
    }

    private async Task<(int Exit, string Output)> RunLab(string experiment, TimeSpan patience)
    {
        var text = new StringBuilder();
        using var process = NodeProcess.StartProgram(["lab", experiment, "--out", _out], text);
        using var timeout = new CancellationTokenSource(patience);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the lab run did not end within {patience}\n{text}");
        }
        process.WaitForExit();
        string all;
        lock (text) all = text.ToString();
        output.WriteLine(all.Length > 20_000 ? all[^20_000..] : all);
        return (process.ExitCode, all);
    }

    private static string ReportFolder(string output)
    {
        var line = output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith("report: ", StringComparison.Ordinal));
        Assert.NotNull(line);
        var folder = line["report: ".Length..];
        Assert.True(Directory.Exists(folder), folder);
        return folder;
    }
}
