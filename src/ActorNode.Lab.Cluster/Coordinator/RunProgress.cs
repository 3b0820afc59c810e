using ActorNode.Lab.Cluster.Protocol;
using ActorNode.Lab.Experiments;
using ActorNode.Lab.Observations;

namespace ActorNode.Lab.Cluster.Coordinator;

/// <summary>What a run has done so far, and the rules that judge it (the coordinator's functional core): which nodes
/// are up (churn) and which workers are lost, what was injected and which node first saw what, and so when the run is
/// complete. Plain state, no actor: the <see cref="CoordinatorActor"/> feeds it what happens, with the time it
/// happened, and asks it.</summary>
public sealed class RunProgress(int nodes, int workers)
{
    /// <summary>Time for a lost worker's last sightings to arrive before its items are judged.</summary>
    public static readonly TimeSpan LossGrace = TimeSpan.FromSeconds(1);

    private readonly Dictionary<int, WorkerLost> _lost = [];
    private readonly HashSet<int> _down = []; // churned out now
    /// <summary>When churned nodes were down (To null: still down).</summary>
    private readonly Dictionary<int, List<(DateTimeOffset From, DateTimeOffset? To)>> _downIntervals = [];
    /// <summary>Injections sent and not yet answered, per worker (a lost worker's never will be).</summary>
    private readonly Dictionary<int, int> _pending = [];
    private readonly Dictionary<string, Injection> _injections = [];
    private readonly List<string> _order = [];
    private readonly Dictionary<(int Node, string Item), Sighting> _sightings = [];
    private readonly Dictionary<string, HashSet<int>> _reachedBy = [];

    /// <summary>Sightings received, first or not.</summary>
    public long SightingCount { get; private set; }

    /// <summary>The lost workers, by worker.</summary>
    public IReadOnlyList<WorkerLost> Lost => [.. _lost.Values.OrderBy(l => l.Worker)];

    public int WorkerOf(int node) => RunPlan.WorkerOf(node, nodes, workers);

    public IReadOnlyList<int> NodesOf(int worker) => RunPlan.NodesOf(worker, nodes, workers);

    public bool IsLost(int worker) => _lost.ContainsKey(worker);

    /// <summary>Up: not churned out and its worker not lost.</summary>
    public bool IsUp(int node) => !_down.Contains(node) && !IsLost(WorkerOf(node));

    /// <summary>The nodes expected to get every item: those up now.</summary>
    public HashSet<int> ExpectedNodes() => [.. Enumerable.Range(0, nodes).Where(IsUp)];

    public void WorkerLost(WorkerLost lost) => _lost.TryAdd(lost.Worker, lost);

    /// <summary>Injections sent to <paramref name="worker"/> and not answered.</summary>
    public int Unanswered(int worker) => _pending.GetValueOrDefault(worker);

    public void NodesStopped(IEnumerable<int> stopped, DateTimeOffset at)
    {
        foreach (int node in stopped)
        {
            _down.Add(node);
            if (!_downIntervals.TryGetValue(node, out var intervals)) _downIntervals[node] = intervals = [];
            intervals.Add((at, null));
        }
    }

    public void NodesRestarted(IEnumerable<int> restarted, DateTimeOffset at)
    {
        foreach (int node in restarted)
        {
            _down.Remove(node);
            if (_downIntervals.TryGetValue(node, out var intervals) && intervals[^1].To is null)
                intervals[^1] = (intervals[^1].From, at);
        }
    }

    /// <summary>The node an injection goes to: its own (if up), else a random node that is up; null (with why in
    /// <paramref name="note"/>) when there is none.</summary>
    public int? ChooseNode(PlannedEvent.Inject inject, Random random, out string note)
    {
        note = "";
        if (inject.Node is { } chosen)
        {
            if (IsUp(chosen)) return chosen;
            note = $"{inject.Kind} {inject.Index} was not injected at {inject.At.TotalSeconds:0.###} s: node {chosen} is down";
            return null;
        }
        var up = Enumerable.Range(0, nodes).Where(IsUp).ToList();
        if (up.Count > 0) return up[random.Next(up.Count)];
        note = $"{inject.Kind} {inject.Index} was not injected: no node is up";
        return null;
    }

    /// <summary>An injection was asked of <paramref name="node"/>'s worker.</summary>
    public void InjectionSent(int node) => _pending[WorkerOf(node)] = Unanswered(WorkerOf(node)) + 1;

    /// <summary>The worker answered an injection: <paramref name="injection"/> null when it was refused.</summary>
    public void InjectionAnswered(int node, Injection? injection)
    {
        _pending[WorkerOf(node)] = Unanswered(WorkerOf(node)) - 1;
        if (injection is null) return;
        _injections[injection.Item] = injection;
        _order.Add(injection.Item);
    }

    /// <summary>A node saw an item (its time already on the coordinator's clock); only the first sighting of a
    /// (node, item) counts. True when it was the first.</summary>
    public bool Seen(Sighting sighting)
    {
        SightingCount++;
        if (!_sightings.TryAdd((sighting.Node, sighting.Item), sighting)) return false;
        if (!_reachedBy.TryGetValue(sighting.Item, out var reached)) _reachedBy[sighting.Item] = reached = [];
        reached.Add(sighting.Node);
        return true;
    }

    /// <summary>Null while an injection is unanswered by a live worker or an injected item is not yet at every node
    /// expected to have it; else why the run is complete. Not waited for: a transaction that spread while a node was
    /// churned out, at that node (<see cref="MissedWhileDown"/>), and an item stranded with its lost worker
    /// (<see cref="IsStranded"/>).</summary>
    public string? Completion(DateTimeOffset now)
    {
        if (_pending.Any(p => p.Value > 0 && !IsLost(p.Key))) return null;
        var expected = ExpectedNodes();
        foreach (var item in _order)
        {
            var reached = _reachedBy.GetValueOrDefault(item);
            if (reached is not null && expected.Where(n => !MissedWhileDown(item, n)).All(reached.Contains)) continue;
            if (IsStranded(item, expected, now)) continue;
            return null;
        }
        var stranded = _order.Count(i => IsStranded(i, expected, now));
        return stranded == 0
            ? $"every item reached all {expected.Count} live nodes"
            : $"every item reached all {expected.Count} live nodes, except {stranded} lost with their worker before any live node had them";
    }

    /// <summary>The injected transactions that every node up now has, in injection order.</summary>
    public IEnumerable<string> DeliveredTransactions()
    {
        var expected = ExpectedNodes();
        return _order.Where(item => _injections[item].Kind == ItemKind.Transaction
            && _reachedBy.TryGetValue(item, out var reached) && expected.All(reached.Contains));
    }

    /// <summary>A transaction that spread while this node was churned out: a restarted node, like a restarted
    /// bitcoind or btcd, does not fetch the pools of its peers, so it never gets it and the run does not wait for it
    /// (blocks, which it syncs, are waited for).</summary>
    public bool MissedWhileDown(string item, int node)
    {
        if (!_injections.TryGetValue(item, out var injection) || injection.Kind != ItemKind.Transaction) return false;
        if (!_downIntervals.TryGetValue(node, out var intervals)) return false;
        if (_sightings.ContainsKey((node, item))) return false;
        return intervals.Any(i => i.To is not { } to || to > injection.At);
    }

    /// <summary>An item whose origin's worker was lost (more than <see cref="LossGrace"/> before
    /// <paramref name="now"/>) before any live node reported it: no live node will ever get it, so the run does not
    /// wait for it.</summary>
    public bool IsStranded(string item, IReadOnlySet<int> expected, DateTimeOffset now)
    {
        if (!_injections.TryGetValue(item, out var injection)) return false;
        if (!_lost.TryGetValue(WorkerOf(injection.Node), out var lost) || now - lost.At < LossGrace) return false;
        var reached = _reachedBy.GetValueOrDefault(item);
        return reached is null || !reached.Overlaps(expected);
    }

    /// <summary>The injections in the order they were answered. An item exists from the moment its origin node
    /// accepted it (its own sighting, from no peer): for a block that is after it was mined, which is not
    /// propagation. Without that sighting, the worker's time of the request.</summary>
    public IReadOnlyList<Injection> Injections() =>
    [
        .. _order.Select(i => _injections[i]).Select(injection =>
            _sightings.TryGetValue((injection.Node, injection.Item), out var own) && own.FromNode is null
                ? injection with { At = own.At }
                : injection),
    ];

    /// <summary>The first sightings of injected items, earliest first, with each node's announcement count.</summary>
    public IReadOnlyList<Observation> Observations(IReadOnlyDictionary<(int Node, string Item), int> announcements) =>
    [
        .. _sightings.Values
            .Where(s => _injections.ContainsKey(s.Item))
            .Select(s => new Observation(s.Item, s.Kind, s.Node, s.At, s.FromNode, announcements.GetValueOrDefault((s.Node, s.Item))))
            .OrderBy(o => o.FirstSeen),
    ];

    /// <summary>The report's notes on what the run did not wait for: items stranded with a lost worker, and the
    /// transactions each churned node missed.</summary>
    public IEnumerable<string> EndNotes(DateTimeOffset now)
    {
        var expected = ExpectedNodes();
        foreach (var item in _order.Where(i => IsStranded(i, expected, now)))
        {
            var injection = _injections[item];
            yield return $"{injection.Kind} {item} was injected at node {injection.Node}, whose worker was lost before any live node had it";
        }
        var missed = _order.SelectMany(i => expected.Where(n => MissedWhileDown(i, n)).Select(n => (Item: i, Node: n)));
        foreach (var group in missed.GroupBy(m => m.Node))
            yield return $"node {group.Key} was churned out while {group.Count()} transactions spread and never got them (a restarted node does not fetch its peers' pools)";
    }
}
