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
            md.AppendLine("| Worker | Offset (ms) |");
            md.AppendLine("|---:|---:|");
            foreach (var (worker, offset) in report.ClockOffsets.OrderBy(o => o.Key))
                md.AppendLine($"| {worker} | {Ms(offset)} |");
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
