using System.Diagnostics;
using System.Text;
using ActorNode.Lab.Analysis;
using ActorNode.Lab.Experiments;
using ActorNode.Lab.Observations;
using ActorNode.Lab.Reports;
using Xunit.Abstractions;

namespace ActorNode.Host.Tests;

/// <summary>The lab as a researcher runs it: <c>actornode lab</c> starts a coordinator and two worker processes joined
/// by Akka.Cluster on 127.0.0.1, five nodes each, injects transactions and blocks, and writes a report.</summary>
public sealed class LabRunTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), "actornode-lab-test-" + Guid.NewGuid().ToString("N")[..8]);

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
    public async Task SmallRun_TwoWorkersFiveNodesEach_EveryNodeGetsEveryItem_AndTheReportHasItsFiguresAndPictures()
    {
        var experiment = Path.Combine(AppContext.BaseDirectory, "experiments", "small.conf");
        var (exit, text, elapsed) = await RunLab(experiment, TimeSpan.FromMinutes(3));
        Assert.True(exit == 0, $"exit {exit}\n{text}");
        Assert.Contains("status: completed", text);

        var folder = ReportFolder(text);
        foreach (var file in new[] { "experiment.conf", "observations.jsonl", "summary.md", "coordinator.log", "worker-0.log", "worker-1.log" })
            Assert.True(File.Exists(Path.Combine(folder, file)), file + " missing");
        foreach (var picture in new[] { "cdf-transactions", "cdf-blocks", "hops", "topology" })
        {
            var png = File.ReadAllBytes(Path.Combine(folder, picture + ".png"));
            Assert.True(png.Length > 5_000 && png[1] == (byte)'P' && png[2] == (byte)'N' && png[3] == (byte)'G', picture + ".png");
            Assert.Contains("<svg", File.ReadAllText(Path.Combine(folder, picture + ".svg")));
        }

        // Every one of the 20 transactions and 3 blocks reached every one of the 10 nodes.
        var log = ObservationLog.Read(Path.Combine(folder, "observations.jsonl"));
        Assert.Equal(20, log.Injections.Count(i => i.Kind == ItemKind.Transaction));
        Assert.Equal(3, log.Injections.Count(i => i.Kind == ItemKind.Block));
        foreach (var injection in log.Injections)
        {
            var nodes = Reached(log, injection);
            Assert.True(nodes.SetEquals(Enumerable.Range(0, 10)), $"{injection.Kind} {injection.Item} reached {string.Join(",", nodes.Order())}");
            // Each node but the origin heard of it from another lab node, whose links it can follow back.
            Assert.All(log.Observations.Where(o => o.Item == injection.Item && o.Node != injection.Node), o => Assert.NotNull(o.FromNode));
        }
        Assert.Empty(log.WorkersLost);
        Assert.Equal(10, log.Traffic.Count);
        Assert.All(log.Traffic, t => Assert.True(t.BytesSent > 0));

        // The same analysis the summary shows: every item at 100 %, with its percentiles.
        var analysis = PropagationAnalyzer.Analyze(log.Injections, log.Observations, log.Traffic, Enumerable.Range(0, 10).ToHashSet());
        Assert.All(analysis.Items, i => Assert.True(i.To50 <= i.To90 && i.To90 <= i.To100 && i.To100 is not null, i.Item));
        var summary = File.ReadAllText(Path.Combine(folder, "summary.md"));
        Assert.Contains("**Status:** completed", summary);
        Assert.Contains("| transaction | 20 | 20 |", summary);
        Assert.Contains("| block | 3 | 3 |", summary);
        output.WriteLine($"lab run took {elapsed.TotalSeconds:0.0} s");
        output.WriteLine(summary);
    }

    [Fact]
    public async Task KillingAWorkerMidRun_IsReported_AndTheRunStillEndsCleanly()
    {
        var experiment = WriteExperiment("kill.conf", """
            experiment {
              name = kill
              nodes = 10
              workers = 2
              seed = 3
              time-limit = 30s
              topology { kind = random, outbound = 3 }
              node { trickle-interval = 100ms }
              inject = [
                { kind = transaction, count = 30, start = 500ms, interval = 150ms }
                { kind = block, count = 3, start = 1s, interval = 1s }
              ]
              faults = [
                { kind = kill-worker, at = 1500ms, worker = 1 }
              ]
            }
            """);
        var (exit, text, elapsed) = await RunLab(experiment, TimeSpan.FromMinutes(3));
        // Completed (every item at every live node, items stranded on the dead worker aside) or ended at its time
        // limit: either way with its report and a clear status, never hanging or crashing.
        Assert.True(exit is 0 or 3, $"exit {exit}\n{text}");
        Assert.Matches("status: (completed|time limit)", text); // and within RunLab's patience

        var folder = ReportFolder(text);
        var log = ObservationLog.Read(Path.Combine(folder, "observations.jsonl"));
        var lost = Assert.Single(log.WorkersLost);
        Assert.Equal(1, lost.Worker);
        Assert.Equal([5, 6, 7, 8, 9], lost.Nodes);
        Assert.Contains("killed by the experiment", lost.Reason);
        var summary = File.ReadAllText(Path.Combine(folder, "summary.md"));
        Assert.Contains("killed by the experiment", summary);
        // The live nodes kept receiving what was injected at live nodes from the kill on: the kill is timed 1.5 s
        // into the run, and a timer never fires early, so an injection from then on may only come later than the kill
        // (times are bounds and order, never gaps: the machine is shared). The injections go on until 4.85 s.
        var killedAt = RunStarted(folder) + TimeSpan.FromSeconds(1.5);
        var late = log.Injections.Where(i => i.Node < 5 && i.At >= killedAt).ToList();
        Assert.NotEmpty(late);
        foreach (var injection in late)
        {
            var nodes = Reached(log, injection);
            Assert.True(Enumerable.Range(0, 5).All(nodes.Contains), $"{injection.Item} reached {string.Join(",", nodes.Order())}");
        }
        output.WriteLine($"kill run took {elapsed.TotalSeconds:0.0} s");
        output.WriteLine(summary);
    }

    [Fact]
    public async Task AWorkerLoss_EndsTheRun_WhenTheExperimentSaysStop()
    {
        var experiment = WriteExperiment("stop.conf", """
            experiment {
              name = stop
              nodes = 10
              workers = 2
              seed = 3
              time-limit = 60s
              on-worker-loss = stop
              topology { kind = random, outbound = 3 }
              node { trickle-interval = 100ms }
              inject = [
                { kind = transaction, count = 100, start = 500ms, interval = 200ms }
              ]
              faults = [
                { kind = kill-worker, at = 1500ms, worker = 1 }
              ]
            }
            """);
        var (exit, text, elapsed) = await RunLab(experiment, TimeSpan.FromMinutes(3));
        // The injections would last 20 s and the limit is 60 s: the run ends when the loss is noticed instead.
        Assert.True(exit == 3, $"exit {exit}\n{text}");
        Assert.Contains("status: stopped: worker lost", text);
        var folder = ReportFolder(text);
        var summary = File.ReadAllText(Path.Combine(folder, "summary.md"));
        Assert.Contains("**Status:** stopped: worker lost", summary);
        Assert.Contains("the experiment says stop", summary);
        var log = ObservationLog.Read(Path.Combine(folder, "observations.jsonl"));
        Assert.Equal(1, Assert.Single(log.WorkersLost).Worker);
        Assert.True(log.Injections.Count < 100, $"{log.Injections.Count} injections: the run went on");
        output.WriteLine($"stop run took {elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task APartition_HoldsBlocksBackUntilHealed_AndStrandsTransactions_AndAChurnedNodeCatchesUpOnBlocks()
    {
        // A ring of 10 (node i dials i+1): cutting 0-4 from 5-9 cuts the links 4-5 and 9-0.
        var experiment = WriteExperiment("partition.conf", """
            experiment {
              name = partition
              nodes = 10
              workers = 2
              seed = 5
              time-limit = 8s
              topology { kind = ring }
              node { trickle-interval = 50ms }
              inject = [
                { kind = transaction, count = 1, start = 500ms, interval = 0ms, node = 2 }
                { kind = transaction, count = 1, start = 2s, interval = 0ms, node = 2 }
                { kind = block, count = 1, start = 2.5s, interval = 0ms, node = 1 }
              ]
              faults = [
                { kind = partition, at = 1s, heal-at = 4s, group-a = [0, 1, 2, 3, 4], group-b = [5, 6, 7, 8, 9] }
                { kind = churn, at = 1s, downtime = 2s, nodes = [3] }
              ]
            }
            """);
        var (exit, text, _) = await RunLab(experiment, TimeSpan.FromMinutes(3));
        // The transaction injected during the partition never reaches the other side (below): the run ends at its
        // time limit, with its report.
        Assert.True(exit == 3, $"exit {exit}\n{text}");
        Assert.Contains("status: time limit", text);
        var folder = ReportFolder(text);
        var log = ObservationLog.Read(Path.Combine(folder, "observations.jsonl"));
        Assert.Equal(3, log.Injections.Count);
        var before = log.Injections[0];
        var during = log.Injections.Single(i => i.Kind == ItemKind.Transaction && i != before);
        var block = log.Injections.Single(i => i.Kind == ItemKind.Block);

        // Times are asserted as order and as bounds no load can break, never as gaps: the machine is shared.
        var healedAt = RunStarted(folder) + TimeSpan.FromSeconds(4); // a timer never fires early
        DateTimeOffset Seen(Injection item, int node) => log.Observations.Single(o => o.Item == item.Item && o.Node == node).FirstSeen;

        // Before the cut, the first transaction went round the whole ring: the far side had it before the second
        // one was injected, during the cut (it could not cross later: see the second one).
        Assert.Equal(Enumerable.Range(0, 10).ToHashSet(), Reached(log, before));
        Assert.All(Enumerable.Range(5, 5), n => Assert.True(Seen(before, n) < during.At, $"node {n}: {Seen(before, n):O}, second injected {during.At:O}"));
        // During it, the second one reached only its side's nodes that were up and linked (3 was down, and 4 hangs
        // on 3), and it never crossed after the heal: nodes announce a transaction when it arrives, not again to
        // peers that connect later (as bitcoind and btcd).
        Assert.Equal(new HashSet<int> { 0, 1, 2 }, Reached(log, during));
        // The block, mined during the partition, reached its side first and the other only after the heal (4 s into
        // the run, 1.5 s after it was mined), and node 3, back from its churn, caught up on it.
        Assert.Equal(Enumerable.Range(0, 10).ToHashSet(), Reached(log, block));
        var farSide = Enumerable.Range(5, 5).Min(n => Seen(block, n));
        Assert.True(Seen(block, 2) < farSide, $"node 2: {Seen(block, 2):O}, the far side's first: {farSide:O}");
        Assert.All(Enumerable.Range(5, 5), n => Assert.True(Seen(block, n) >= healedAt, $"node {n}: {Seen(block, n):O}, healed at {healedAt:O} or later"));
        Assert.Contains("node 3 was churned out while 1 transactions spread", File.ReadAllText(Path.Combine(folder, "summary.md")));
    }

    private async Task<(int Exit, string Output, TimeSpan Elapsed)> RunLab(string experiment, TimeSpan patience)
    {
        var text = new StringBuilder();
        var watch = Stopwatch.StartNew();
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
        process.WaitForExit(); // the output readers finish
        string all;
        lock (text) all = text.ToString();
        output.WriteLine(all.Length > 20_000 ? all[^20_000..] : all);
        return (process.ExitCode, all, watch.Elapsed);
    }

    /// <summary>The nodes that had the item.</summary>
    private static HashSet<int> Reached(ObservationLogContents log, Injection item) =>
        [.. log.Observations.Where(o => o.Item == item.Item).Select(o => o.Node)];

    private string WriteExperiment(string name, string text)
    {
        Directory.CreateDirectory(_out);
        var path = Path.Combine(_out, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>When the run started (every node up and linked; the plan's times count from it), as summary.md says,
    /// to the millisecond below: a lower bound of every planned event's time.</summary>
    private static DateTimeOffset RunStarted(string folder)
    {
        var summary = File.ReadAllText(Path.Combine(folder, "summary.md"));
        var match = System.Text.RegularExpressions.Regex.Match(summary, @"^- Started (\S+), ended ", System.Text.RegularExpressions.RegexOptions.Multiline);
        Assert.True(match.Success, summary);
        return DateTimeOffset.ParseExact(match.Groups[1].Value, "yyyy-MM-dd'T'HH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture);
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
