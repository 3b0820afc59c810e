using System.Globalization;
using System.Text;
using ActorNode.Lab.Analysis;
using ActorNode.Lab.Experiments;
using ActorNode.Lab.Observations;

namespace ActorNode.Lab.Reports;

/// <summary>The run's <c>summary.md</c>: status, propagation per kind and per item, hops, traffic, lost workers,
/// clock offsets, the coordinator's overhead and links to the pictures. Times in milliseconds with one decimal,
/// invariant culture; a percentile that was never reached shows as "—".</summary>
internal static class SummaryMarkdown
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    public const string Never = "—";

    public static string Render(RunReport report, IReadOnlyList<Picture> pictures, IReadOnlyList<string> pictureErrors)
    {
        var md = new StringBuilder();
        var analysis = report.Analysis;
        md.Append("# Lab run: ").AppendLine(Escape(report.ExperimentName)).AppendLine();

        md.Append("**Status:** ").Append(Escape(report.Status));
        if (!string.IsNullOrWhiteSpace(report.Reason))
            md.Append(" — ").Append(Escape(report.Reason));
        md.AppendLine().AppendLine();
        md.AppendLine($"- Started {Time(report.Started)}, ended {Time(report.Ended)} ({Ms(report.Ended - report.Started)} ms)");
        md.AppendLine($"- {report.Workers} workers, {report.Nodes} nodes, {report.Edges.Count} links");
        md.AppendLine($"- {report.Injections.Count} injections ({Plural(Count(report.Injections, ItemKind.Transaction), "transaction")}, "
            + $"{Plural(Count(report.Injections, ItemKind.Block), "block")}), {report.Observations.Count} observations");
        md.AppendLine();
        if (report.Notes.Count > 0)
        {
            md.AppendLine("Notes:").AppendLine();
            foreach (var note in report.Notes) md.Append("- ").AppendLine(Escape(note));
            md.AppendLine();
        }

        var kinds = analysis.Kinds.Where(k => k.Items > 0).ToList();
        md.AppendLine("## Propagation by kind").AppendLine();
        if (kinds.Count == 0)
            md.AppendLine("No items were injected.");
        else
        {
            md.AppendLine("Median over items of the time from injection until 50 %, 90 % and 100 % of the expected nodes had "
                + "the item; worst: the slowest item's 100 %. Duplicate ratio: announcements beyond the first per node, "
                + "over all announcements.").AppendLine();
            md.AppendLine("| Kind | Items | Fully propagated | Median p50 (ms) | Median p90 (ms) | Median p100 (ms) | Worst p100 (ms) | Duplicate ratio |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var k in kinds)
                md.AppendLine($"| {KindName(k.Kind)} | {k.Items} | {k.FullyPropagated} | {Ms(k.MedianTo50)} | {Ms(k.MedianTo90)} "
                    + $"| {Ms(k.MedianTo100)} | {Ms(k.WorstTo100)} | {Ratio(k.DuplicateRatio)} |");
        }
        md.AppendLine();

        RenderPercentiles(md, analysis);
        RenderConditions(md, report);
        RenderKeepingUp(md, report);
        RenderBlocksAndMessages(md, report);

        if (analysis.Items.Count > 0)
        {
            md.AppendLine("## Items").AppendLine();
            md.AppendLine("| Item | Kind | Origin | Reached | p50 (ms) | p90 (ms) | p100 (ms) | Max hops | Duplicate ratio |");
            md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var i in analysis.Items)
                md.AppendLine($"| `{Escape(i.Item)}` | {KindName(i.Kind)} | {i.Origin} | {i.Reached}/{i.Expected} | {Ms(i.To50)} "
                    + $"| {Ms(i.To90)} | {Ms(i.To100)} | {(i.Hops.Count == 0 ? Never : i.Hops.Max().ToString(Inv))} "
                    + $"| {Ratio(i.DuplicateRatio)} |");
            md.AppendLine();
        }

        if (kinds.Any(k => k.Hops.Count > 0))
        {
            md.AppendLine("## Hops").AppendLine();
            md.AppendLine("Nodes by their distance from the item's origin along the first-seen-from links (0: the origin).").AppendLine();
            var histograms = kinds.Select(k => (k.Kind, Counts: HopCounts(k.Hops))).ToList();
            var maxHop = histograms.SelectMany(h => h.Counts.Keys).DefaultIfEmpty(0).Max();
            md.Append("| Hops |");
            foreach (var h in histograms) md.Append(' ').Append(KindName(h.Kind)).Append("s |");
            md.AppendLine();
            md.Append("|---:|").AppendLine(string.Concat(histograms.Select(_ => "---:|")));
            for (var hop = 0; hop <= maxHop; hop++)
            {
                md.Append("| ").Append(hop.ToString(Inv)).Append(" |");
                foreach (var h in histograms) md.Append(' ').Append(h.Counts.GetValueOrDefault(hop).ToString(Inv)).Append(" |");
                md.AppendLine();
            }
            md.AppendLine();
        }

        md.AppendLine("## Traffic").AppendLine();
        if (analysis.Traffic.Count == 0)
            md.AppendLine("No traffic figures.");
        else
        {
            md.AppendLine($"Bytes on the peer connections of {analysis.Traffic.Count} nodes.").AppendLine();
            md.AppendLine("| Bytes | Total | Mean per node | Max per node | Node with max |");
            md.AppendLine("|---|---:|---:|---:|---:|");
            TrafficRow(md, "sent", analysis.Traffic, t => t.BytesSent);
            TrafficRow(md, "received", analysis.Traffic, t => t.BytesReceived);
        }
        md.AppendLine();

        md.AppendLine("## Lost workers").AppendLine();
        if (report.WorkersLost.Count == 0)
            md.AppendLine("None.");
        else
        {
            md.AppendLine("| Worker | At | After start (ms) | Reason | Nodes |");
            md.AppendLine("|---:|---|---:|---|---|");
            foreach (var w in report.WorkersLost)
                md.AppendLine($"| {w.Worker} | {Time(w.At)} | {Ms(w.At - report.Started)} | {Escape(w.Reason)} "
                    + $"| {string.Join(", ", w.Nodes.Select(n => n.ToString(Inv)))} |");
        }
        md.AppendLine();

        md.AppendLine("## Clock offsets").AppendLine();
        if (report.ClockOffsets.Count == 0)
            md.AppendLine("None estimated.");
        else
        {
            md.AppendLine("Each worker's estimated clock offset from the coordinator (worker minus coordinator), subtracted "
                + "from its nodes' observation times.").AppendLine();
            md.AppendLine("Error bound: half the round trip of the probe the estimate comes from (NTP's); an offset within its "
                + "bound is taken as 0.").AppendLine();
            md.AppendLine("| Worker | Offset (ms) | Error bound (± ms) |");
            md.AppendLine("|---:|---:|---:|");
            foreach (var (worker, offset) in report.ClockOffsets.OrderBy(o => o.Key))
                md.AppendLine($"| {worker} | {Ms(offset)} | {(report.Conditions.ClockErrorBounds.TryGetValue(worker, out var bound) ? bound.TotalMilliseconds.ToString("F3", Inv) : Never)} |");
        }
        md.AppendLine();

        if (report.CoordinatorOverhead.Count > 0)
        {
            md.AppendLine("## Coordinator overhead").AppendLine();
            md.AppendLine("| Figure | Value |");
            md.AppendLine("|---|---:|");
            foreach (var (name, value) in report.CoordinatorOverhead)
                md.AppendLine($"| {Escape(name)} | {Escape(value)} |");
            md.AppendLine();
        }

        md.AppendLine("## Pictures").AppendLine();
        if (pictures.Count == 0 && pictureErrors.Count == 0)
            md.AppendLine("None.");
        foreach (var p in pictures)
            md.AppendLine($"- {Escape(p.Caption)}: [PNG]({p.Name}.png), [SVG]({p.Name}.svg)");
        foreach (var error in pictureErrors)
            md.AppendLine($"- not drawn: {Escape(error)}");
        foreach (var p in pictures)
            md.AppendLine().AppendLine($"![{Escape(p.Caption)}]({p.Name}.png)");
        return md.ToString();
    }

    private static void RenderPercentiles(StringBuilder md, RunAnalysis analysis)
    {
        var percentiles = LoadAnalysis.Percentiles(analysis);
        if (percentiles.Count == 0) return;
        md.AppendLine("## Percentiles by kind").AppendLine();
        md.AppendLine("Median over items of the time from injection until X % of the expected nodes had the item "
            + "(bitcoinstats' percentiles); `coverage.csv` holds the coverage-vs-time curve of each kind.").AppendLine();
        md.Append("| Kind | Items |");
        foreach (var p in LoadAnalysis.ReportedPercents) md.Append($" p{p.ToString(Inv)} (ms) |");
        md.AppendLine().Append("|---|---:|").AppendLine(string.Concat(LoadAnalysis.ReportedPercents.Select(_ => "---:|")));
        foreach (var k in percentiles)
            md.AppendLine($"| {KindName(k.Kind)} | {k.Items} |" + string.Concat(k.Times.Select(t => $" {Ms(t.Median)} |")));
        md.AppendLine();
    }

    private static void RenderConditions(StringBuilder md, RunReport report)
    {
        var c = report.Conditions;
        if (c.Network is null && c.Relay is null) return;
        md.AppendLine("## Conditions").AppendLine();
        if (c.Relay is not null) md.AppendLine($"- Relay timing: {Escape(c.Relay)}");
        if (c.Network is { } n)
        {
            md.AppendLine($"- Network: {Escape(n.Name)}; {n.Links} links, one-way latency min {Ms(n.MinLatency)}, median {Ms(n.MedianLatency)}, "
                + $"mean {Ms(n.MeanLatency)}, p90 {Ms(n.P90Latency)}, max {Ms(n.MaxLatency)} ms").AppendLine();
            md.AppendLine("| Region | Nodes | Upload (Mbit/s) | Download (Mbit/s) |");
            md.AppendLine("|---|---:|---:|---:|");
            foreach (var r in n.Regions)
                md.AppendLine($"| {Escape(r.Region)} | {r.Nodes} | {Rate(r.UploadBitsPerSecond)} | {Rate(r.DownloadBitsPerSecond)} |");
        }
        md.AppendLine();
    }

    private static string Rate(double? bitsPerSecond) => bitsPerSecond is { } b ? (b / 1e6).ToString("0.##", Inv) : "unlimited";

    private static void RenderKeepingUp(StringBuilder md, RunReport report)
    {
        if (report.Injections.Count == 0 && report.Conditions.WorkerLoad.Count == 0) return;
        md.AppendLine("## Keeping up").AppendLine();
        var backlog = LoadAnalysis.Backlog(report.Injections, report.Observations, ExpectedOf(report), report.Started, report.Ended);
        md.AppendLine($"- Backlog (items injected and not yet at every live node, per second: `backlog.csv`): max {backlog.Max}, "
            + $"mean {backlog.SecondQuarterMean.ToString("0.#", Inv)} over the second quarter of the injections and "
            + $"{backlog.LastQuarterMean.ToString("0.#", Inv)} over the last: "
            + (backlog.Growing ? "**growing: the cluster did not keep up** (its times measure the machine, not the network)" : "not growing"));
        var load = report.Conditions.WorkerLoad;
        if (load.Count > 0)
        {
            int nodes = load.Sum(l => l.Nodes);
            double cpu = load.Sum(l => l.CpuSeconds);
            double wall = load.Max(l => l.WallSeconds);
            md.AppendLine($"- Worker CPU: {cpu.ToString("0.0", Inv)} s over {wall.ToString("0.0", Inv)} s, "
                + $"{(nodes == 0 || wall <= 0 ? 0 : 1000 * cpu / wall / nodes).ToString("0.0", Inv)} ms of CPU per node per second "
                + $"({Environment.ProcessorCount} cores on the coordinator's machine)").AppendLine();
            md.AppendLine("| Worker | Nodes | CPU (s) | Wall (s) | Cores used | CPU per node (ms/s) |");
            md.AppendLine("|---:|---:|---:|---:|---:|---:|");
            foreach (var l in load)
                md.AppendLine($"| {l.Worker} | {l.Nodes} | {l.CpuSeconds.ToString("0.0", Inv)} | {l.WallSeconds.ToString("0.0", Inv)} "
                    + $"| {(l.WallSeconds <= 0 ? 0 : l.CpuSeconds / l.WallSeconds).ToString("0.00", Inv)} | {(1000 * l.CoreSharePerNode).ToString("0.0", Inv)} |");
        }
        md.AppendLine();
    }

    internal static IReadOnlySet<int> ExpectedOf(RunReport report) => report.ExpectedNodes
        ?? Enumerable.Range(0, report.Nodes).Where(n => !report.WorkersLost.Any(w => w.Nodes.Contains(n))).ToHashSet();

    private static void RenderBlocksAndMessages(StringBuilder md, RunReport report)
    {
        var c = report.Conditions;
        int blocks = Count(report.Injections, ItemKind.Block);
        if (blocks > 0)
        {
            md.AppendLine("## Forks").AppendLine();
            md.AppendLine($"{Plural(c.StaleBlocks.Count, "stale block")} (held by some node off its best chain at the end) "
                + $"of {Plural(blocks, "block")} injected.").AppendLine();
        }
        if (c.MessageBytes.Count == 0) return;
        md.AppendLine("## Bytes per message type").AppendLine();
        int nodes = c.MessageBytes.Select(m => m.Node).Distinct().Count();
        md.AppendLine($"Summed over each node's peers connected at the end ({nodes} nodes; per node in `message-bytes.csv`).").AppendLine();
        md.AppendLine("| Message | Sent total | Sent per node (mean) | Sent per node (max) | Received total |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var g in c.MessageBytes.GroupBy(m => m.Command).OrderByDescending(g => g.Sum(m => m.Sent)))
            md.AppendLine($"| {Escape(g.Key)} | {g.Sum(m => m.Sent).ToString(Inv)} | {((double)g.Sum(m => m.Sent) / nodes).ToString("F0", Inv)} "
                + $"| {g.Max(m => m.Sent).ToString(Inv)} | {g.Sum(m => m.Received).ToString(Inv)} |");
        md.AppendLine();
    }

    internal static SortedDictionary<int, int> HopCounts(IEnumerable<int> hops)
    {
        var counts = new SortedDictionary<int, int>();
        foreach (var h in hops)
            counts[h] = counts.GetValueOrDefault(h) + 1;
        return counts;
    }

    private static void TrafficRow(StringBuilder md, string what, IReadOnlyList<NodeTraffic> traffic, Func<NodeTraffic, long> bytes)
    {
        var total = traffic.Sum(bytes);
        var max = traffic.MaxBy(bytes)!;
        var mean = (double)total / traffic.Count;
        md.AppendLine($"| {what} | {total.ToString(Inv)} | {mean.ToString("F0", Inv)} | {bytes(max).ToString(Inv)} | {max.Node} |");
    }

    internal static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static int Count(IEnumerable<Injection> injections, ItemKind kind) => injections.Count(i => i.Kind == kind);

    internal static string KindName(ItemKind kind) => kind switch
    {
        ItemKind.Transaction => "transaction",
        ItemKind.Block => "block",
        _ => kind.ToString().ToLowerInvariant(),
    };

    internal static string Ms(TimeSpan? t) => t is { } v ? v.TotalMilliseconds.ToString("F1", Inv) : Never;

    private static string Ratio(double r) => double.IsFinite(r) ? r.ToString("F3", Inv) : Never;

    private static string Time(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", Inv);

    /// <summary>Keeps free text (names, reasons) from breaking the Markdown: no table pipes, no line breaks.</summary>
    private static string Escape(string text) =>
        text.Replace("\r\n", " ").Replace('\n', ' ').Replace('\r', ' ').Replace("|", "\\|");
}
