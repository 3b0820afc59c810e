using ActorNode.Lab.Experiments;
using ActorNode.Lab.Observations;

namespace ActorNode.Lab.Analysis;

/// <summary>Turns a run's raw record (what was injected where, what each node saw, and the bytes each sent) into the
/// numbers the report shows: per item, how long until 50 %, 90 % and 100 % of the expected nodes had it, how many hops
/// it took, and how many announcements were duplicates; per kind, the same pooled. The measures follow the
/// propagation studies the issue compares with (Decker and Wattenhofer, "Information propagation in the Bitcoin
/// network", IEEE P2P 2013: time for an item to reach a share of the nodes, measured from its first appearance).
/// <para>Rules, in full:</para>
/// <list type="bullet">
/// <item>An item is known by its injection; observations of an item never injected are ignored and counted in
/// <see cref="RunAnalysis.IgnoredObservations"/>. An item injected more than once keeps its earliest injection (ties:
/// the first listed). The item's kind is the injection's.</item>
/// <item>A node that reported the same item more than once (it was churned and saw it again) counts once: its earliest
/// sighting (with that sighting's FromNode) and the sum of its announcements.</item>
/// <item>The origin (injecting node) has the item at delay 0; its own observations are ignored for timing. It counts
/// as reached only when it is expected.</item>
/// <item>Arrival delay = FirstSeen − injection time, clamped at 0 (worker clocks are corrected only to an estimated
/// offset, so a few milliseconds below zero are noise). <see cref="ItemPropagation.ArrivalDelays"/> holds the
/// delays of the expected nodes other than the origin that saw the item, ascending; the percentile times count the
/// origin (when expected) at 0 and follow <see cref="Percentiles.TimeToReach"/>.</item>
/// <item>Hops: the origin is 0; any other node that saw the item (expected or not) is one more than the node it first
/// got it from, following FromNode back to the origin. A node whose chain breaks — a null or unknown FromNode before
/// the origin, or a cycle — has no hop count. <see cref="ItemPropagation.Hops"/> lists the counts by node, ascending
/// node number, origin included.</item>
/// <item>Duplicate ratio = (Σ announcements − nodes with at least one) / Σ announcements over every node that saw the
/// item (the origin too), 0 when there were none: the share of announcements that brought nothing new (each node
/// needs one; btcd and Core announce every item to every peer that may lack it, so on a graph of mean degree d
/// most of the d announcements a node gets are duplicates).</item>
/// <item>Per kind (only kinds that were injected, in enum order): the median over items of each percentile time
/// (nearest rank, an item that never reached the share counts as infinitely late, so the median is null when half
/// or more never did), the worst time to 100 % (null when any item never got there), the number of items that
/// reached every expected node, every delay and hop count pooled (ascending), and the pooled duplicate ratio
/// (Σ duplicates over Σ announcements across the kind's items).</item>
/// </list>
/// </summary>
public static class PropagationAnalyzer
{
    /// <summary>Analyses one run. <paramref name="expectedNodes"/> are the nodes every item should reach (those live at
    /// the end of the run). Items come out in injection order (first injections), traffic by node.</summary>
    public static RunAnalysis Analyze(
        IReadOnlyList<Injection> injections,
        IReadOnlyList<Observation> observations,
        IReadOnlyList<NodeTraffic> traffic,
        IReadOnlySet<int> expectedNodes)
    {
        ArgumentNullException.ThrowIfNull(injections);
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(traffic);
        ArgumentNullException.ThrowIfNull(expectedNodes);

        var firstInjection = new Dictionary<string, Injection>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var injection in injections)
        {
            if (!firstInjection.TryGetValue(injection.Item, out var earlier))
            {
                firstInjection.Add(injection.Item, injection);
                order.Add(injection.Item);
            }
            else if (injection.At < earlier.At)
            {
                firstInjection[injection.Item] = injection;
            }
        }

        var seen = new Dictionary<string, Dictionary<int, Sighting>>(StringComparer.Ordinal);
        var ignored = 0;
        foreach (var observation in observations)
        {
            if (!firstInjection.ContainsKey(observation.Item))
            {
                ignored++;
                continue;
            }
            if (!seen.TryGetValue(observation.Item, out var byNode))
                seen[observation.Item] = byNode = [];
            var announcements = Math.Max(observation.Announcements, 0);
            if (!byNode.TryGetValue(observation.Node, out var sighting))
                byNode[observation.Node] = new Sighting(observation.FirstSeen, observation.FromNode, announcements);
            else if (observation.FirstSeen < sighting.FirstSeen)
                byNode[observation.Node] = new Sighting(observation.FirstSeen, observation.FromNode, sighting.Announcements + announcements);
            else
                byNode[observation.Node] = sighting with { Announcements = sighting.Announcements + announcements };
        }

        var items = new List<ItemPropagation>(order.Count);
        var duplicates = new Dictionary<ItemKind, (long Duplicates, long Announcements)>();
        foreach (var item in order)
        {
            var injection = firstInjection[item];
            var byNode = seen.GetValueOrDefault(item) ?? [];
            items.Add(AnalyzeItem(injection, byNode, expectedNodes, out var itemDuplicates, out var itemAnnouncements));
            var pooled = duplicates.GetValueOrDefault(injection.Kind);
            duplicates[injection.Kind] = (pooled.Duplicates + itemDuplicates, pooled.Announcements + itemAnnouncements);
        }

        var kinds = items
            .GroupBy(i => i.Kind)
            .OrderBy(g => g.Key)
            .Select(g => Summarize(g.Key, [.. g], duplicates[g.Key]))
            .ToList();

        return new RunAnalysis(items, kinds, [.. traffic.OrderBy(t => t.Node)], ignored);
    }

    private static ItemPropagation AnalyzeItem(
        Injection injection,
        Dictionary<int, Sighting> byNode,
        IReadOnlySet<int> expectedNodes,
        out long duplicates,
        out long announcements)
    {
        var origin = injection.Node;
        var arrivals = new List<TimeSpan>();
        foreach (var (node, sighting) in byNode)
        {
            if (node == origin || !expectedNodes.Contains(node))
                continue;
            var delay = sighting.FirstSeen - injection.At;
            arrivals.Add(delay < TimeSpan.Zero ? TimeSpan.Zero : delay);
        }
        arrivals.Sort();

        var originExpected = expectedNodes.Contains(origin);
        IReadOnlyList<TimeSpan> reachedDelays = originExpected ? [TimeSpan.Zero, .. arrivals] : arrivals;
        var expected = expectedNodes.Count;

        announcements = byNode.Values.Sum(s => (long)s.Announcements);
        duplicates = announcements - byNode.Values.Count(s => s.Announcements > 0);

        return new ItemPropagation(
            injection.Item,
            injection.Kind,
            origin,
            expected,
            reachedDelays.Count,
            Percentiles.TimeToReach(reachedDelays, expected, 50),
            Percentiles.TimeToReach(reachedDelays, expected, 90),
            Percentiles.TimeToReach(reachedDelays, expected, 100),
            arrivals,
            HopCounts(origin, byNode),
            announcements == 0 ? 0 : (double)duplicates / announcements);
    }

    /// <summary>Each node's distance from <paramref name="origin"/> along first-seen-from links, by walking each chain
    /// back until it meets the origin, a node already resolved, or a break (null or unknown sender, or a node already
    /// on the walk: a cycle); every node on the walk then gets its count, or none.</summary>
    private static List<int> HopCounts(int origin, Dictionary<int, Sighting> byNode)
    {
        var hops = new Dictionary<int, int?> { [origin] = 0 };
        var walk = new List<int>();
        var onWalk = new HashSet<int>();
        foreach (var start in byNode.Keys)
        {
            walk.Clear();
            onWalk.Clear();
            int? resolved = null;
            var node = start;
            while (true)
            {
                if (hops.TryGetValue(node, out var known))
                {
                    resolved = known;
                    break;
                }
                if (!onWalk.Add(node))
                    break;
                walk.Add(node);
                if (byNode[node].FromNode is not int from || (from != origin && !byNode.ContainsKey(from)))
                    break;
                node = from;
            }
            for (var i = walk.Count - 1; i >= 0; i--)
            {
                resolved = resolved + 1;
                hops[walk[i]] = resolved;
            }
        }
        return [.. hops.Where(h => h.Value is not null).OrderBy(h => h.Key).Select(h => h.Value!.Value)];
    }

    private static KindSummary Summarize(ItemKind kind, List<ItemPropagation> items, (long Duplicates, long Announcements) pooled) =>
        new(
            kind,
            items.Count,
            items.Count(i => i.To100 is not null),
            MedianNullLast(items.Select(i => i.To50)),
            MedianNullLast(items.Select(i => i.To90)),
            MedianNullLast(items.Select(i => i.To100)),
            items.Any(i => i.To100 is null) ? null : items.Max(i => i.To100),
            [.. items.SelectMany(i => i.ArrivalDelays).Order()],
            [.. items.SelectMany(i => i.Hops).Order()],
            pooled.Announcements == 0 ? 0 : (double)pooled.Duplicates / pooled.Announcements);

    /// <summary>Nearest-rank median with null ("never") sorted after every time.</summary>
    private static TimeSpan? MedianNullLast(IEnumerable<TimeSpan?> values)
    {
        var sorted = values.OrderBy(v => v is null).ThenBy(v => v).ToList();
        return sorted.Count == 0 ? null : Percentiles.NearestRank(sorted, 50);
    }

    private sealed record Sighting(DateTimeOffset FirstSeen, int? FromNode, int Announcements);
}
