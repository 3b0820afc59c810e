namespace ActorNode.Lab.Analysis;

/// <summary>Percentiles by the nearest-rank method: the p-th percentile of N sorted values is the value at rank
/// ⌈p/100 · N⌉ (1-based), that is the smallest value such that at least p % of the values are less than or equal to
/// it. It is always one of the values (never interpolated), so "p90 = 412 ms" means some node really took 412 ms, and
/// p100 is the maximum. The median is the 50th percentile, which for an even count is the lower of the two middle
/// values. The rank is computed in decimal arithmetic, so 7 % of 100 values is rank 7 exactly (in binary floating
/// point 7 / 100.0 · 100 is 7.000000000000001, whose ceiling is 8).
/// <para>For propagation, <see cref="TimeToReach"/> applies the same rule to the expected node count rather than to the
/// number of arrivals: the time to reach X % of the expected nodes is the arrival delay of the ⌈X/100 · expected⌉-th
/// node to receive the item, or null when fewer nodes than that received it.</para></summary>
public static class Percentiles
{
    /// <summary>The 1-based nearest rank ⌈<paramref name="percent"/>/100 · <paramref name="count"/>⌉, at least 1.
    /// <paramref name="percent"/> must be in (0, 100].</summary>
    public static int Rank(int count, double percent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        CheckPercent(percent);
        var rank = (int)Math.Ceiling((decimal)percent * count / 100m);
        return Math.Max(rank, 1);
    }

    /// <summary>The <paramref name="percent"/>-th percentile of <paramref name="sorted"/> (ascending, not empty), by
    /// nearest rank.</summary>
    public static T NearestRank<T>(IReadOnlyList<T> sorted, double percent)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
            throw new ArgumentException("A percentile of no values is undefined.", nameof(sorted));
        return sorted[Rank(sorted.Count, percent) - 1];
    }

    /// <summary>The <paramref name="percent"/>-th percentile of <paramref name="values"/> in any order (sorted here),
    /// by nearest rank; null when there are none.</summary>
    public static T? Of<T>(IEnumerable<T> values, double percent)
        where T : struct, IComparable<T>
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.ToList();
        if (sorted.Count == 0)
            return null;
        sorted.Sort();
        return NearestRank(sorted, percent);
    }

    /// <summary>The time until <paramref name="percent"/> % of <paramref name="expected"/> nodes had an item: the
    /// ⌈percent/100 · expected⌉-th smallest of <paramref name="sortedDelays"/> (the arrival delays of the expected
    /// nodes that received it, ascending), or null when fewer than that many received it, or when no node was
    /// expected.</summary>
    public static TimeSpan? TimeToReach(IReadOnlyList<TimeSpan> sortedDelays, int expected, double percent)
    {
        ArgumentNullException.ThrowIfNull(sortedDelays);
        ArgumentOutOfRangeException.ThrowIfNegative(expected);
        CheckPercent(percent);
        if (expected == 0)
            return null;
        var rank = Rank(expected, percent);
        return rank <= sortedDelays.Count ? sortedDelays[rank - 1] : null;
    }

    private static void CheckPercent(double percent)
    {
        if (double.IsNaN(percent) || percent <= 0 || percent > 100)
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "A percentile must be in (0, 100].");
    }
}
