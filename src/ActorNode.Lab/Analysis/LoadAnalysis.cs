using ActorNode.Lab.Experiments;
using ActorNode.Lab.Observations;

namespace ActorNode.Lab.Analysis;

/// <summary>One second of a run: items injected so far, and of them those not yet at every expected node.</summary>
public readonly record struct BacklogPoint(int Second, int Injected, int Backlog);

/// <summary>Whether the cluster kept up with its load: the backlog over time (docs/lab.md "Keeping up").</summary>
/// <param name="Points">Per second from the start of the run to its end.</param>
/// <param name="Growing">True when the backlog grew over the injection window: its mean over the last quarter of
/// the window exceeds twice its mean over the second quarter plus two items. A network that keeps up holds a steady
/// backlog (rate × propagation time); a saturated one piles up.</param>
/// <param name="Max">The largest backlog of any second.</param>
/// <param name="SecondQuarterMean">The mean backlog over the second quarter of the injection window.</param>
/// <param name="LastQuarterMean">The mean backlog over its last quarter.</param>
public sealed record Backlog(IReadOnlyList<BacklogPoint> Points, int Max, bool Growing, double SecondQuarterMean, double LastQuarterMean);

/// <summary>Per kind, the median over items of the time until 50, 75, 90, 95 and 99 % of the expected nodes had the
/// item (bitcoinstats' percentiles; null when fewer items than half reached that share).</summary>
public sealed record KindPercentiles(ItemKind Kind, int Items, IReadOnlyList<(double Percent, TimeSpan? Median)> Times);

/// <summary>A coverage-vs-time curve: the delay since injection by which each share of (item, expected node) pairs had
/// arrived.</summary>
public sealed record CoverageCurve(ItemKind Kind, IReadOnlyList<(double Share, TimeSpan Delay)> Points);

public static class LoadAnalysis
{
    public static readonly double[] ReportedPercents = [50, 75, 90, 95, 99];

    /// <summary>The backlog each second from <paramref name="start"/> to <paramref name="end"/>: an item is in the
    /// backlog from its injection until the last expected node had it (for ever, if one never did).</summary>
    public static Backlog Backlog(IReadOnlyList<Injection> injections, IReadOnlyList<Observation> observations,
        IReadOnlySet<int> expected, DateTimeOffset start, DateTimeOffset end)
    {
        var last = new Dictionary<string, (DateTimeOffset At, int Count)>(StringComparer.Ordinal);
        foreach (var o in observations)
        {
            if (!expected.Contains(o.Node)) continue;
            var (at, count) = last.GetValueOrDefault(o.Item);
            last[o.Item] = (o.FirstSeen > at ? o.FirstSeen : at, count + 1);
        }
        var items = injections.GroupBy(i => i.Item).Select(g => g.MinBy(i => i.At)!)
            .Select(i => (Injected: i.At, Done: last.TryGetValue(i.Item, out var l) && l.Count >= expected.Count ? l.At : (DateTimeOffset?)null))
            .ToList();
        // A run that never started (a failed startup: no start time) has no seconds to count.
        int seconds = start == default || end < start ? -1 : (int)Math.Min(Math.Ceiling((end - start).TotalSeconds), 1_000_000);
        var points = new List<BacklogPoint>(seconds + 1);
        for (int s = 0; s <= seconds; s++)
        {
            var t = start + TimeSpan.FromSeconds(s);
            int injected = items.Count(i => i.Injected <= t);
            int backlog = items.Count(i => i.Injected <= t && (i.Done is not { } done || done > t));
            points.Add(new BacklogPoint(s, injected, backlog));
        }
        double secondQuarter = 0, lastQuarter = 0;
        bool growing = false;
        if (items.Count > 0)
        {
            double first = (items.Min(i => i.Injected) - start).TotalSeconds;
            double lastInjection = (items.Max(i => i.Injected) - start).TotalSeconds;
            double window = lastInjection - first;
            secondQuarter = Mean(points, first + window / 4, first + window / 2);
            lastQuarter = Mean(points, first + 3 * window / 4, lastInjection);
            growing = window >= 4 && lastQuarter > 2 * secondQuarter + 2;
        }
        return new Backlog(points, points.Count == 0 ? 0 : points.Max(p => p.Backlog), growing, secondQuarter, lastQuarter);
    }

    private static double Mean(List<BacklogPoint> points, double from, double to)
    {
        var inWindow = points.Where(p => p.Second >= from && p.Second <= to).ToList();
        return inWindow.Count == 0 ? 0 : inWindow.Average(p => p.Backlog);
    }

    /// <summary>Per kind, the median over items of the time to each of <see cref="ReportedPercents"/>.</summary>
    public static IReadOnlyList<KindPercentiles> Percentiles(RunAnalysis analysis) =>
    [
        .. analysis.Items.GroupBy(i => i.Kind).OrderBy(g => g.Key).Select(g => new KindPercentiles(g.Key, g.Count(),
            [.. ReportedPercents.Select(p => (p, MedianOrNull(g.Select(i => TimeTo(i, p)).ToList())))])),
    ];

    /// <summary>The time until <paramref name="percent"/> % of the item's expected nodes had it.</summary>
    public static TimeSpan? TimeTo(ItemPropagation item, double percent)
    {
        var sorted = WithOrigin(item);
        return Analysis.Percentiles.TimeToReach(sorted, item.Expected, percent);
    }

    // The expected nodes' delays, the origin's 0 included when it counts as reached (ArrivalDelays leaves it out).
    private static List<TimeSpan> WithOrigin(ItemPropagation item) =>
        item.Reached > item.ArrivalDelays.Count ? [TimeSpan.Zero, .. item.ArrivalDelays.Order()] : [.. item.ArrivalDelays.Order()];

    // The median of values where null (never reached) sorts last: null when the middle one is.
    private static TimeSpan? MedianOrNull(List<TimeSpan?> values)
    {
        if (values.Count == 0) return null;
        var sorted = values.OrderBy(v => v ?? TimeSpan.MaxValue).ToList();
        return sorted[Analysis.Percentiles.Rank(sorted.Count, 50) - 1];
    }

    /// <summary>Per kind, <paramref name="points"/> points of the coverage curve: for shares 1/points .. 1 of all
    /// (item, expected node) pairs, the arrival delay by which that share had arrived (a share never reached is left
    /// out).</summary>
    public static IReadOnlyList<CoverageCurve> Coverage(RunAnalysis analysis, int points = 100)
    {
        var curves = new List<CoverageCurve>();
        foreach (var kind in analysis.Items.GroupBy(i => i.Kind).OrderBy(g => g.Key))
        {
            var delays = kind.SelectMany(WithOrigin).Order().ToList();
            long pairs = kind.Sum(i => (long)i.Expected);
            var curve = new List<(double, TimeSpan)>();
            for (int k = 1; k <= points && pairs > 0; k++)
            {
                double share = (double)k / points;
                long rank = (long)Math.Ceiling(share * pairs);
                if (rank > delays.Count) break;
                curve.Add((share, delays[(int)Math.Max(0, rank - 1)]));
            }
            curves.Add(new CoverageCurve(kind.Key, curve));
        }
        return curves;
    }
}
