using ActorNode.Lab.Analysis;
using ActorNode.Lab.Experiments;
using ScottPlot;
using SkiaSharp;

namespace ActorNode.Lab.Reports;

/// <summary>A picture of the report: its file name without extension (written as .png and .svg) and a caption.</summary>
public sealed record Picture(string Name, string Caption);

/// <summary>The report's pictures, drawn with ScottPlot 5 (on SkiaSharp, headless): a propagation CDF per item kind,
/// a histogram of hops, and the topology coloured by one item's arrival times. Each method builds a
/// <see cref="Plot"/>; <see cref="Render"/> turns it into PNG bytes and SVG text.</summary>
internal static class ReportPictures
{
    public const int Width = 900;
    public const int Height = 560;
    public const int TopologySize = 900;

    private static readonly Color TransactionColor = Color.FromHex("#1f77b4");
    private static readonly Color BlockColor = Color.FromHex("#ff7f0e");
    private static readonly Color NeverColor = Color.FromHex("#b0b0b0");
    private static readonly Color EdgeColor = Color.FromHex("#808080").WithAlpha(0.35);
    private static readonly Color OriginColor = Color.FromHex("#d62728");

    /// <summary>A sans-serif family Skia can find here, so labels render the same wherever DejaVu, Liberation or
    /// Noto is installed; null: none of them (ScottPlot then picks whatever it finds, and with no fonts at all the
    /// pictures come out without text rather than failing).</summary>
    private static readonly Lazy<string?> SansFamily = new(() =>
    {
        string[] wanted = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica", "Open Sans"];
        var present = SKFontManager.Default.GetFontFamilies().ToHashSet(StringComparer.OrdinalIgnoreCase);
        return wanted.FirstOrDefault(present.Contains);
    });

    public static string CdfName(ItemKind kind) => kind == ItemKind.Block ? "cdf-blocks" : "cdf-transactions";

    internal static Color KindColor(ItemKind kind) => kind == ItemKind.Block ? BlockColor : TransactionColor;

    public static (byte[] Png, string Svg) Render(Plot plot, int width, int height) =>
        (plot.GetImageBytes(width, height, ImageFormat.Png), plot.GetSvgXml(width, height));

    private static Plot NewPlot()
    {
        var plot = new Plot();
        if (SansFamily.Value is { } family)
            plot.Font.Set(family);
        return plot;
    }

    /// <summary>The empirical CDF of every (item, node) arrival of one kind: the share of expected (item, node) pairs
    /// reached within x ms of the item's injection. The denominator is the expected pairs, not the arrivals, so a run
    /// where some nodes never got an item tops out below 1 instead of hiding it.</summary>
    public static Plot Cdf(KindSummary kind, IReadOnlyList<ItemPropagation> items)
    {
        var delays = kind.ArrivalDelays.Select(d => d.TotalMilliseconds).Order().ToArray();
        var expected = items.Where(i => i.Kind == kind.Kind).Sum(i => i.Expected);
        var denominator = Math.Max(Math.Max(expected, delays.Length), 1);
        var xs = new double[delays.Length + 1];
        var ys = new double[delays.Length + 1];
        for (var i = 0; i < delays.Length; i++)
        {
            xs[i + 1] = delays[i];
            ys[i + 1] = (i + 1.0) / denominator;
        }

        var plot = NewPlot();
        var kindName = SummaryMarkdown.KindName(kind.Kind);
        foreach (var level in new[] { 0.5, 0.9 })
            plot.Add.HorizontalLine(level, 1, Colors.Gray.WithAlpha(0.6), LinePattern.Dashed);
        var line = plot.Add.Scatter(xs, ys, KindColor(kind.Kind));
        line.ConnectStyle = ConnectStyle.StepHorizontal;
        line.MarkerSize = 0;
        line.LineWidth = 2.5f;
        plot.Title($"{Capitalise(kindName)} propagation: {SummaryMarkdown.Plural(kind.Items, "item")}, {delays.Length} of {denominator} (item, node) arrivals");
        plot.XLabel("delay since injection (ms)");
        plot.YLabel("share of (item, node) pairs reached");
        var maxX = delays.Length == 0 ? 1 : Math.Max(delays[^1], 1);
        plot.Axes.SetLimits(-maxX * 0.02, maxX * 1.05, 0, 1.04);
        return plot;
    }

    /// <summary>Bars per hop count, one colour per kind, as the share of that kind's arrivals (kinds with very
    /// different item counts stay comparable; the counts are in summary.md). Null when no kind has hops.</summary>
    public static Plot? Hops(IReadOnlyList<KindSummary> kinds)
    {
        var withHops = kinds.Where(k => k.Items > 0 && k.Hops.Count > 0).ToList();
        if (withHops.Count == 0)
            return null;
        var plot = NewPlot();
        var width = 0.8 / withHops.Count;
        var maxHop = withHops.SelectMany(k => k.Hops).Max();
        var legend = new List<LegendItem>();
        for (var k = 0; k < withHops.Count; k++)
        {
            var kind = withHops[k];
            var color = KindColor(kind.Kind);
            var offset = -0.4 + width * (k + 0.5);
            var bars = SummaryMarkdown.HopCounts(kind.Hops)
                .Select(c => new Bar
                {
                    Position = c.Key + offset,
                    Value = (double)c.Value / kind.Hops.Count,
                    Size = width * 0.95,
                    FillColor = color,
                    LineWidth = 0,
                })
                .ToArray();
            plot.Add.Bars(bars);
            legend.Add(new LegendItem
            {
                LabelText = $"{SummaryMarkdown.KindName(kind.Kind)}s ({kind.Hops.Count} arrivals)",
                FillColor = color,
            });
        }
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (var hop = 0; hop <= maxHop; hop++)
            ticks.AddMajor(hop, hop.ToString(System.Globalization.CultureInfo.InvariantCulture));
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Margins(bottom: 0);
        plot.Title("Hops from the origin along first-seen-from links");
        plot.XLabel("hops");
        plot.YLabel("share of (item, node) arrivals");
        plot.ShowLegend(legend, Alignment.UpperRight);
        return plot;
    }

    /// <summary>The item the topology picture follows: the first block if any, else the first transaction.</summary>
    public static ItemPropagation? TopologyItem(RunAnalysis analysis) =>
        analysis.Items.FirstOrDefault(i => i.Kind == ItemKind.Block)
        ?? analysis.Items.FirstOrDefault(i => i.Kind == ItemKind.Transaction);

    /// <summary>Each node's delay in getting <paramref name="item"/>, from its observations and the item's injection
    /// time (the earliest observation when there is no injection record); nodes that never got it are absent.</summary>
    public static Dictionary<int, TimeSpan> ArrivalByNode(RunReport report, string item)
    {
        var seen = report.Observations.Where(o => o.Item == item).ToList();
        var result = new Dictionary<int, TimeSpan>();
        if (seen.Count == 0)
            return result;
        var start = report.Injections.FirstOrDefault(i => i.Item == item)?.At ?? seen.Min(o => o.FirstSeen);
        foreach (var o in seen)
        {
            var delay = o.FirstSeen - start;
            if (delay < TimeSpan.Zero)
                delay = TimeSpan.Zero;
            if (!result.TryGetValue(o.Node, out var known) || delay < known)
                result[o.Node] = delay;
        }
        return result;
    }

    /// <summary>Where node <paramref name="node"/> of <paramref name="count"/> is drawn: evenly on the unit circle,
    /// node 0 at the top, going clockwise (deterministic, and rings and small worlds show their shape).</summary>
    public static (double X, double Y) CirclePosition(int node, int count)
    {
        var angle = Math.PI / 2 - 2 * Math.PI * node / Math.Max(count, 1);
        return (Math.Cos(angle), Math.Sin(angle));
    }

    /// <summary>Nodes on a circle, links as lines, each node coloured by how long after injection it got the chosen
    /// item (<see cref="TopologyItem"/>), with a colour bar; the origin ringed in red; nodes that never got it grey
    /// (a cross when their worker was lost). Null when the run has no nodes.</summary>
    public static Plot? Topology(RunReport report)
    {
        var n = report.Nodes;
        if (n <= 0)
            return null;
        var item = TopologyItem(report.Analysis);
        var arrivals = item is null ? new Dictionary<int, TimeSpan>() : ArrivalByNode(report, item.Item);
        var lostNodes = report.WorkersLost.SelectMany(w => w.Nodes).ToHashSet();
        var positions = Enumerable.Range(0, n).Select(i => CirclePosition(i, n)).ToArray();
        var markerSize = n <= 30 ? 22f : n <= 100 ? 14f : n <= 300 ? 9f : 6f;

        var plot = NewPlot();
        foreach (var (from, to) in report.Edges)
        {
            if (from < 0 || from >= n || to < 0 || to >= n)
                continue;
            var edge = plot.Add.Line(positions[from].X, positions[from].Y, positions[to].X, positions[to].Y);
            edge.LineColor = EdgeColor;
            edge.LineWidth = n <= 100 ? 1.2f : 0.6f;
            edge.MarkerSize = 0;
        }

        var scale = new ColorScale(new ScottPlot.Colormaps.Viridis(),
            new ScottPlot.Range(0, Math.Max(arrivals.Values.DefaultIfEmpty().Max().TotalMilliseconds, 1)));
        for (var i = 0; i < n; i++)
        {
            var (x, y) = positions[i];
            if (arrivals.TryGetValue(i, out var delay))
            {
                var color = scale.Colormap.GetColor(delay.TotalMilliseconds, scale.GetRange());
                var m = plot.Add.Marker(x, y, MarkerShape.FilledCircle, markerSize, color);
                m.MarkerLineColor = Colors.Black.WithAlpha(0.6);
                m.MarkerLineWidth = 1;
            }
            else if (lostNodes.Contains(i))
                plot.Add.Marker(x, y, MarkerShape.Cross, markerSize, NeverColor).MarkerLineWidth = 2;
            else
                plot.Add.Marker(x, y, MarkerShape.FilledCircle, markerSize, NeverColor);
        }

        if (item is not null && item.Origin >= 0 && item.Origin < n)
        {
            var (ox, oy) = positions[item.Origin];
            var ring = plot.Add.Marker(ox, oy, MarkerShape.OpenCircle, markerSize * 1.9f, OriginColor);
            ring.MarkerLineWidth = 3;
        }

        if (n <= 60)
        {
            for (var i = 0; i < n; i++)
            {
                var (x, y) = positions[i];
                var label = plot.Add.Text(i.ToString(System.Globalization.CultureInfo.InvariantCulture), x * 1.1, y * 1.1);
                label.LabelFontSize = 12;
                label.LabelAlignment = Alignment.MiddleCenter;
                label.LabelFontColor = Colors.Black.WithAlpha(0.75);
            }
        }

        var legend = new List<LegendItem>
        {
            new() { LabelText = "origin", MarkerShape = MarkerShape.OpenCircle, MarkerColor = OriginColor, MarkerSize = 14, MarkerLineWidth = 3, LineWidth = 0 },
            new() { LabelText = "never received", MarkerShape = MarkerShape.FilledCircle, MarkerColor = NeverColor, MarkerSize = 12, LineWidth = 0 },
        };
        if (lostNodes.Any(i => i < n && !arrivals.ContainsKey(i)))
            legend.Add(new() { LabelText = "lost with its worker", MarkerShape = MarkerShape.Cross, MarkerColor = NeverColor, MarkerSize = 12, MarkerLineWidth = 2, LineWidth = 0 });
        plot.ShowLegend(legend, Alignment.LowerRight);

        var bar = plot.Add.ColorBar(scale, Edge.Right);
        bar.Label = "arrival delay (ms)";
        plot.Title(item is null
            ? $"Topology: {n} nodes, {report.Edges.Count} links (no items)"
            : $"{Capitalise(SummaryMarkdown.KindName(item.Kind))} {Short(item.Item)}: {arrivals.Count} of {n} nodes, coloured by arrival (ms)");
        plot.HideAxesAndGrid();
        plot.Axes.Title.IsVisible = true;
        plot.Axes.SetLimits(-1.25, 1.25, -1.25, 1.25);
        plot.Axes.SquareUnits();
        return plot;
    }

    private static string Short(string item) => item.Length > 16 ? item[..16] + "…" : item;

    private static string Capitalise(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    /// <summary>The colour scale behind the topology's colour bar.</summary>
    private sealed class ColorScale(IColormap colormap, ScottPlot.Range range) : IHasColorAxis
    {
        public IColormap Colormap { get; } = colormap;
        public ScottPlot.Range GetRange() => range;
    }
}
