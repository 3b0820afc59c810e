using ActorNode.Lab.Analysis;
using ActorNode.Lab.Experiments;
using ActorNode.Lab.Observations;

namespace ActorNode.Lab.Tests.Analysis;

/// <summary>The analyzer against a slow, obvious re-implementation on random runs. The naive side takes other routes:
/// percentile times by counting arrivals at or below each candidate (integer share), hops by a forward breadth-first
/// search from the origin over "got it from" links (the analyzer walks each chain backwards), medians by index.</summary>
public class PropagationAnalyzerPropertyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Analyze_RandomRuns_MatchesNaiveImplementation()
    {
        var random = new Random(7);
        int deepHops = 0, brokenChains = 0, fullyReached = 0, partlyReached = 0;
        for (var round = 0; round < 400; round++)
        {
            var (injections, observations, expected) = RandomRun(random);

            var actual = PropagationAnalyzer.Analyze(injections, observations, [], expected);

            var context = $"round {round}";
            Assert.Equal(observations.Count(o => injections.All(i => i.Item != o.Item)), actual.IgnoredObservations);
            var items = NaiveItems(injections, observations, expected);
            Assert.Equal(items.Count, actual.Items.Count);
            for (var i = 0; i < items.Count; i++)
                AssertSame(items[i], actual.Items[i], $"{context} item {items[i].Item}");
            var kinds = NaiveKinds(items, injections, observations);
            Assert.Equal(kinds.Count, actual.Kinds.Count);
            for (var k = 0; k < kinds.Count; k++)
                AssertSame(kinds[k], actual.Kinds[k], $"{context} kind {kinds[k].Kind}");

            foreach (var item in actual.Items)
            {
                var sawIt = observations.Where(o => o.Item == item.Item).Select(o => o.Node).Append(item.Origin).Distinct().Count();
                deepHops += item.Hops.Any(h => h >= 2) ? 1 : 0;
                brokenChains += item.Hops.Count < sawIt ? 1 : 0;
                fullyReached += item.To100 is not null && item.Expected > 1 ? 1 : 0;
                partlyReached += item.To50 is not null && item.To100 is null ? 1 : 0;
            }
        }
        // The random runs exercise what matters.
        Assert.True(deepHops > 20 && brokenChains > 20 && fullyReached > 20 && partlyReached > 20,
            $"coverage: deep {deepHops}, broken {brokenChains}, full {fullyReached}, partial {partlyReached}");
    }

    private static (List<Injection>, List<Observation>, HashSet<int>) RandomRun(Random random)
    {
        var nodes = random.Next(1, 13);
        var injections = new List<Injection>();
        for (var i = random.Next(0, 6); i > 0; i--)
        {
            var item = $"i{random.Next(0, 5)}"; // sometimes the same item twice
            injections.Add(new Injection(item, (ItemKind)random.Next(2), random.Next(nodes), T0 + TimeSpan.FromMilliseconds(random.Next(0, 50))));
        }
        var observations = new List<Observation>();
        // Senders: mostly a node already holding the item (so chains grow), else anyone, out of range, or nobody.
        var holders = injections.GroupBy(i => i.Item).ToDictionary(g => g.Key, g => g.Select(i => i.Node).ToList());
        for (var i = random.Next(0, 40); i > 0; i--)
        {
            var item = $"i{random.Next(0, 7)}"; // i5, i6 never injected
            var node = random.Next(nodes);
            var roll = random.Next(6);
            int? from = roll == 0 ? null
                : roll <= 2 || !holders.TryGetValue(item, out var held) ? random.Next(-1, nodes + 1)
                : held[random.Next(held.Count)];
            if (holders.TryGetValue(item, out var list))
                list.Add(node);
            observations.Add(new Observation(
                item,
                (ItemKind)random.Next(2),
                node,
                T0 + TimeSpan.FromMilliseconds(random.Next(-20, 300)),
                from,
                random.Next(-1, 5)));
        }
        var expected = Enumerable.Range(0, nodes).Where(_ => random.Next(4) != 0).ToHashSet();
        return (injections, observations, expected);
    }

    private static List<ItemPropagation> NaiveItems(List<Injection> injections, List<Observation> observations, HashSet<int> expected)
    {
        var result = new List<ItemPropagation>();
        foreach (var item in injections.Select(i => i.Item).Distinct())
        {
            var injection = injections.Where(i => i.Item == item).MinBy(i => i.At)!;
            var origin = injection.Node;
            // One sighting per node: the earliest (first listed on ties), announcements summed.
            var sightings = observations
                .Where(o => o.Item == item)
                .GroupBy(o => o.Node)
                .ToDictionary(
                    g => g.Key,
                    g => (First: g.OrderBy(o => o.FirstSeen).First(), Announcements: g.Sum(o => Math.Max(0, o.Announcements))));

            var delays = sightings
                .Where(s => s.Key != origin && expected.Contains(s.Key))
                .Select(s => s.Value.First.FirstSeen - injection.At)
                .Select(d => d < TimeSpan.Zero ? TimeSpan.Zero : d)
                .Order()
                .ToList();
            var reached = expected.Contains(origin) ? delays.Prepend(TimeSpan.Zero).ToList() : delays;

            TimeSpan? ToShare(int percent)
            {
                var needed = (percent * expected.Count + 99) / 100;
                if (needed == 0)
                    return null;
                return reached.Where(d => reached.Count(x => x <= d) >= needed).Cast<TimeSpan?>().DefaultIfEmpty(null).Min();
            }

            var depth = new Dictionary<int, int> { [origin] = 0 };
            var queue = new Queue<int>([origin]);
            while (queue.TryDequeue(out var node))
            {
                foreach (var child in sightings.Where(s => s.Key != origin && s.Value.First.FromNode == node).Select(s => s.Key))
                {
                    if (depth.TryAdd(child, depth[node] + 1))
                        queue.Enqueue(child);
                }
            }

            var total = sightings.Values.Sum(s => s.Announcements);
            var firsts = sightings.Values.Count(s => s.Announcements > 0);
            result.Add(new ItemPropagation(
                item,
                injection.Kind,
                origin,
                expected.Count,
                reached.Count,
                ToShare(50),
                ToShare(90),
                ToShare(100),
                delays,
                [.. depth.OrderBy(d => d.Key).Select(d => d.Value)],
                total == 0 ? 0 : (double)(total - firsts) / total));
        }
        return result;
    }

    private static List<KindSummary> NaiveKinds(List<ItemPropagation> items, List<Injection> injections, List<Observation> observations)
    {
        var result = new List<KindSummary>();
        foreach (var kind in new[] { ItemKind.Transaction, ItemKind.Block })
        {
            var ofKind = items.Where(i => i.Kind == kind).ToList();
            if (ofKind.Count == 0)
                continue;

            TimeSpan? Median(Func<ItemPropagation, TimeSpan?> select)
            {
                var sorted = ofKind.Select(i => select(i) ?? TimeSpan.MaxValue).Order().ToList();
                var median = sorted[(sorted.Count + 1) / 2 - 1];
                return median == TimeSpan.MaxValue ? null : median;
            }

            // Pool by recomputing each item's duplicates and announcements from its ratio's definition.
            long total = 0, duplicates = 0;
            foreach (var item in ofKind)
            {
                var perNode = observations.Where(o => o.Item == item.Item).GroupBy(o => o.Node)
                    .Select(g => g.Sum(o => Math.Max(0, o.Announcements))).ToList();
                total += perNode.Sum();
                duplicates += perNode.Sum() - perNode.Count(a => a > 0);
            }

            result.Add(new KindSummary(
                kind,
                ofKind.Count,
                ofKind.Count(i => i.Reached == i.Expected && i.Expected > 0),
                Median(i => i.To50),
                Median(i => i.To90),
                Median(i => i.To100),
                ofKind.All(i => i.To100 is not null) ? ofKind.Max(i => i.To100) : null,
                [.. ofKind.SelectMany(i => i.ArrivalDelays).Order()],
                [.. ofKind.SelectMany(i => i.Hops).Order()],
                total == 0 ? 0 : (double)duplicates / total));
        }
        return result;
    }

    private static void AssertSame(ItemPropagation expected, ItemPropagation actual, string context)
    {
        Assert.True(
            (expected.Item, expected.Kind, expected.Origin, expected.Expected, expected.Reached, expected.To50, expected.To90, expected.To100)
            == (actual.Item, actual.Kind, actual.Origin, actual.Expected, actual.Reached, actual.To50, actual.To90, actual.To100),
            $"{context}: expected {expected}, got {actual}");
        Assert.True(expected.ArrivalDelays.SequenceEqual(actual.ArrivalDelays), $"{context}: delays");
        Assert.True(expected.Hops.SequenceEqual(actual.Hops), $"{context}: hops [{string.Join(",", expected.Hops)}] vs [{string.Join(",", actual.Hops)}]");
        Assert.Equal(expected.DuplicateRatio, actual.DuplicateRatio, 12);
    }

    private static void AssertSame(KindSummary expected, KindSummary actual, string context)
    {
        Assert.True(
            (expected.Kind, expected.Items, expected.FullyPropagated, expected.MedianTo50, expected.MedianTo90, expected.MedianTo100, expected.WorstTo100)
            == (actual.Kind, actual.Items, actual.FullyPropagated, actual.MedianTo50, actual.MedianTo90, actual.MedianTo100, actual.WorstTo100),
            $"{context}: expected {expected}, got {actual}");
        Assert.True(expected.ArrivalDelays.SequenceEqual(actual.ArrivalDelays), $"{context}: delays");
        Assert.True(expected.Hops.SequenceEqual(actual.Hops), $"{context}: hops");
        Assert.Equal(expected.DuplicateRatio, actual.DuplicateRatio, 12);
    }
}
