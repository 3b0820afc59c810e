using ActorNode.Lab.Experiments;

namespace ActorNode.Lab.Analysis;

/// <summary>How one item spread: the nodes expected to get it (live at the end of the run), how many did, the time
/// from injection until 50 %, 90 % and 100 % of them had it (null when that share was never reached), the hop count
/// of each node that got it (its distance from the injecting node along the first-seen-from links), and the
/// duplicate-announcement ratio: announcements received beyond the first per node, over all announcements.</summary>
public sealed record ItemPropagation(
    string Item,
    ItemKind Kind,
    int Origin,
    int Expected,
    int Reached,
    TimeSpan? To50,
    TimeSpan? To90,
    TimeSpan? To100,
    IReadOnlyList<TimeSpan> ArrivalDelays,
    IReadOnlyList<int> Hops,
    double DuplicateRatio);

/// <summary>The items of one kind together: the median over items of each percentile time, the share of items that
/// reached every expected node, all arrival delays (for the CDF) and all hop counts (for the histogram).</summary>
public sealed record KindSummary(
    ItemKind Kind,
    int Items,
    int FullyPropagated,
    TimeSpan? MedianTo50,
    TimeSpan? MedianTo90,
    TimeSpan? MedianTo100,
    TimeSpan? WorstTo100,
    IReadOnlyList<TimeSpan> ArrivalDelays,
    IReadOnlyList<int> Hops,
    double DuplicateRatio);

/// <summary>A whole run, analysed. <paramref name="IgnoredObservations"/> counts observations of items that were never
/// injected (a stray transaction from outside the lab, or a shell bug worth noticing); they take no part in the rest.</summary>
public sealed record RunAnalysis(
    IReadOnlyList<ItemPropagation> Items,
    IReadOnlyList<KindSummary> Kinds,
    IReadOnlyList<ActorNode.Lab.Observations.NodeTraffic> Traffic,
    int IgnoredObservations = 0);
