using System.Diagnostics;
using ActorNode.Lab.Cluster.Protocol;
using ActorNode.Lab.Experiments;
using ActorNode.Lab.Observations;
using ActorNode.Lab.Topologies;
using ActorNode.Wire;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace ActorNode.Lab.Cluster.Coordinator;

/// <summary>What the coordinator is given: the experiment, how to end a worker process, and where to hand the
/// outcome (the runner waits on it).</summary>
public sealed record CoordinatorSettings(
    Experiment Experiment,
    IWorkerControl Workers,
    TaskCompletionSource<RunOutcome> Done)
{
    /// <summary>How long the workers may take to join and start their nodes.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(90);
    /// <summary>How long the nodes may take to connect along the topology before the run starts anyway (noted).</summary>
    public TimeSpan LinkTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How long the workers may take to send their final reports.</summary>
    public TimeSpan CollectTimeout { get; init; } = TimeSpan.FromSeconds(15);
}

/// <summary>The lab's coordinator, a cluster singleton on the coordinator process (role "coordinator"). It runs one
/// experiment through its phases: wait for the workers' hellos, start the nodes (dealt out in blocks), link them as
/// the topology says and wait until they are connected, estimate each worker's clock offset, play the timeline
/// (injections and faults, <see cref="RunPlan"/>), gather first sightings as they come, notice workers that leave the
/// cluster, and end when every item reached every live node, at the time limit, or (if the file says so) when a
/// worker is lost. Then it collects announcement counts and traffic, tells the workers the run is over and hands the
/// outcome to the runner. Its own overhead (messages, sightings, CPU) is part of the outcome.</summary>
public sealed partial class CoordinatorActor : ReceiveActor, IWithTimers
{
    private const int ClockProbes = 5;

    private readonly CoordinatorSettings _settings;
    private readonly Experiment _experiment;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly Topology _topology;
    private readonly IReadOnlyList<PlannedEvent> _events;
    private readonly Random _random;

    private readonly Dictionary<int, IActorRef> _workers = [];
    private readonly Dictionary<Address, int> _workerAddresses = [];
    private readonly Dictionary<int, string> _endpoints = [];
    private readonly HashSet<int> _workersStarted = [];
    private readonly Dictionary<int, WorkerLost> _lost = [];
    private readonly HashSet<int> _down = []; // churned out now
    private readonly Dictionary<int, TimeSpan> _offsets = [];
    private readonly Dictionary<int, (TimeSpan Rtt, TimeSpan Offset)> _bestProbe = [];
    private readonly Dictionary<string, Injection> _injections = [];
    private readonly List<string> _injectionOrder = [];
    private readonly Dictionary<(int Node, string Item), Sighting> _sightings = [];
    private readonly Dictionary<string, HashSet<int>> _reachedBy = [];
    private readonly Dictionary<int, WorkerReport> _reports = [];
    private readonly List<string> _notes = [];
    private readonly Dictionary<int, DateTimeOffset> _killedAt = [];
    /// <summary>When churned nodes were down (To null: still down).</summary>
    private readonly Dictionary<int, List<(DateTimeOffset From, DateTimeOffset? To)>> _downIntervals = [];

    private DateTimeOffset _startedAt;
    private int _eventsPlayed;
    /// <summary>Injections sent and not yet answered, per worker (a lost worker's never will be).</summary>
    private readonly Dictionary<int, int> _injectionsPending = [];
    private long _messages;
    private long _sightingCount;
    private bool _ending;
    private RunStatus _status;
    private string _reason = "";
    private TimeSpan _cpuAtStart;

    public CoordinatorActor(CoordinatorSettings settings)
    {
        _settings = settings;
        _experiment = settings.Experiment;
        _topology = TopologyBuilder.Build(_experiment.Topology, _experiment.Nodes, _experiment.Seed);
        _events = RunPlan.Events(_experiment);
        _random = new Random(_experiment.Seed);
        Become(WaitingForWorkers);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(CoordinatorSettings settings) => Akka.Actor.Props.Create(() => new CoordinatorActor(settings));

    protected override void PreStart()
    {
        _cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.UnreachableMember), typeof(ClusterEvent.MemberRemoved));
        // (ReachableMember needs no handling: a worker is only lost once removed, or killed by us.)
        Timers.StartSingleTimer("startup", new PhaseTimeout("the workers did not all join and start their nodes in time"), _settings.StartupTimeout);
        _log.Info("Experiment {Name}: {Nodes} nodes on {Workers} workers, {Links} links, {Events} events; waiting for the workers",
            _experiment.Name, _experiment.Nodes, _experiment.Workers, _topology.Edges.Count, _events.Count);
    }

    protected override void PostStop()
    {
        _cluster.Unsubscribe(Self);
        // Stopped before the end (the system shut down): the runner must not wait for ever.
        _settings.Done.TrySetResult(Outcome(RunStatus.Failed, "the coordinator stopped before the run ended"));
    }

    protected override bool AroundReceive(Receive receive, object message)
    {
        _messages++;
        return base.AroundReceive(receive, message);
    }

    // ---- Phase 1: workers join, nodes start ---------------------------------------------------------------------------

    private void WaitingForWorkers()
    {
        Receive<WorkerHello>(OnHello);
        Receive<NodesStarted>(OnNodesStarted);
        Common();
    }

    private void OnHello(WorkerHello hello)
    {
        if (hello.Worker < 0 || hello.Worker >= _experiment.Workers || _lost.ContainsKey(hello.Worker))
        {
            _log.Warning("Hello from unexpected worker {Worker} ({Sender}); ignored", hello.Worker, Sender);
            return;
        }
        bool first = !_workers.ContainsKey(hello.Worker);
        _workers[hello.Worker] = Sender;
        _workerAddresses[Sender.Path.Address] = hello.Worker;
        if (first) _log.Info("Worker {Worker} joined (process {Pid}, {Address})", hello.Worker, hello.ProcessId, Sender.Path.Address);
        Sender.Tell(new StartNodes(RunPlan.NodesOf(hello.Worker, _experiment.Nodes, _experiment.Workers),
            (long)_experiment.NodeSettings.TrickleInterval.TotalMilliseconds, _experiment.NodeSettings.MaxPeers));
    }

    private void OnNodesStarted(NodesStarted started)
    {
        foreach (var node in started.Nodes) _endpoints[node.Node] = node.Endpoint;
        if (!_workersStarted.Add(started.Worker)) return;
        _log.Info("Worker {Worker} started nodes {Nodes}", started.Worker, NodeRanges.Format(started.Nodes.Select(n => n.Node)));
        if (_workersStarted.Count < _experiment.Workers) return;

        Timers.Cancel("startup");
        foreach (var (worker, actor) in _workers)
        {
            var mine = RunPlan.NodesOf(worker, _experiment.Nodes, _experiment.Workers).ToHashSet();
            actor.Tell(new LinkNodes([.. _topology.Edges.Where(e => mine.Contains(e.From)).Select(e => new NodeLink(e.From, e.To, _endpoints[e.To]))]));
        }
        Become(Linking);
        Timers.StartPeriodicTimer("poll-links", PollLinks.Instance, TimeSpan.FromMilliseconds(300));
        Timers.StartSingleTimer("link-timeout", LinkTimeout.Instance, _settings.LinkTimeout);
    }

    // ---- Phase 2: links, clocks ---------------------------------------------------------------------------------------

    private readonly Dictionary<int, IReadOnlyList<int>> _peersOf = [];

    private void Linking()
    {
        Receive<PollLinks>(_ =>
        {
            foreach (var actor in LiveWorkers()) actor.Tell(GetLinkStatus.Instance);
        });
        Receive<LinkStatus>(status =>
        {
            foreach (var node in status.Nodes) _peersOf[node.Node] = node.Peers;
            if (MissingLinks().Count == 0) StartClockProbes();
        });
        Receive<LinkTimeout>(_ =>
        {
            var missing = MissingLinks();
            _notes.Add($"{missing.Count} topology links were not connected {_settings.LinkTimeout.TotalSeconds:0} s after the nodes started; the run started anyway: "
                + string.Join(", ", missing.Take(20).Select(l => $"{l.From}-{l.To}")));
            StartClockProbes();
        });
        Receive<NodesStarted>(OnNodesStarted);
        Receive<WorkerHello>(_ => { });
        Common();
    }

    private List<(int From, int To)> MissingLinks() =>
        [.. _topology.Edges.Where(e => !(_peersOf.GetValueOrDefault(e.From)?.Contains(e.To) ?? false))];

    private int _probeRound;

    private void StartClockProbes()
    {
        Timers.Cancel("poll-links");
        Timers.Cancel("link-timeout");
        Become(Probing);
        _probeRound = 0;
        SendProbes();
    }

    private void SendProbes()
    {
        _probeRound++;
        foreach (var actor in LiveWorkers()) actor.Tell(new ClockProbe(_probeRound, DateTimeOffset.UtcNow));
        Timers.StartSingleTimer("probe", NextProbe.Instance, TimeSpan.FromMilliseconds(100));
    }

    /// <summary>The offset of a worker's clock from ours, NTP's way: for the probe with the shortest round trip, the
    /// worker's time minus the midpoint of our send and receive times (docs/lab.md "Clocks").</summary>
    private void Probing()
    {
        Receive<ClockReply>(reply =>
        {
            var now = DateTimeOffset.UtcNow;
            var rtt = now - reply.Sent;
            var offset = reply.WorkerTime - (reply.Sent + rtt / 2);
            if (!_bestProbe.TryGetValue(reply.Worker, out var best) || rtt < best.Rtt) _bestProbe[reply.Worker] = (rtt, offset);
        });
        Receive<NextProbe>(_ =>
        {
            // Five rounds, then more (up to 50: a loaded worker answers late) until every worker has answered one.
            bool allAnswered = LiveWorkerIds().All(_bestProbe.ContainsKey);
            if (_probeRound < ClockProbes || (!allAnswered && _probeRound < 10 * ClockProbes)) SendProbes();
            else
            {
                foreach (int worker in LiveWorkerIds().Where(w => !_bestProbe.ContainsKey(w)))
                    _notes.Add($"worker {worker} answered no clock probe: its times are taken as they are");
                StartRun();
            }
        });
        Receive<LinkStatus>(_ => { });
        Receive<WorkerHello>(_ => { });
        Common();
    }

    // ---- Phase 3: the run --------------------------------------------------------------------------------------------

    private void StartRun()
    {
        foreach (var (worker, probe) in _bestProbe)
        {
            // The estimate is only good to half the round trip: an offset within that bound is not told apart from
            // zero (a loaded machine answers probes late, one way more than the other).
            var bound = probe.Rtt / 2;
            if (probe.Offset.Duration() <= bound)
            {
                _offsets[worker] = TimeSpan.Zero;
                if (bound > TimeSpan.FromMilliseconds(5))
                    _notes.Add($"worker {worker}: clock offset {probe.Offset.TotalMilliseconds:0.#} ms is within its error bound (±{bound.TotalMilliseconds:0.#} ms, half the best of {_probeRound} probe round trips): taken as 0");
            }
            else
            {
                _offsets[worker] = probe.Offset;
                if (probe.Offset.Duration() > TimeSpan.FromMilliseconds(1)) _notes.Add($"worker {worker}: clock offset {probe.Offset.TotalMilliseconds:0.#} ms ± {bound.TotalMilliseconds:0.#} ms, subtracted from its times");
            }
        }
        _startedAt = DateTimeOffset.UtcNow;
        _log.Info("Run started: {Links} of {Total} links up; clock offsets {Offsets}", _topology.Edges.Count - MissingLinks().Count,
            _topology.Edges.Count, string.Join(", ", _offsets.Select(o => $"worker {o.Key}: {o.Value.TotalMilliseconds:0.###} ms")));
        for (int i = 0; i < _events.Count; i++)
            Timers.StartSingleTimer($"event-{i}", new PlayEvent(i), _events[i].At);
        Timers.StartSingleTimer("time-limit", TimeLimitReached.Instance, _experiment.TimeLimit);
        Become(Running);
    }

    private void Running()
    {
        Receive<PlayEvent>(play => Play(_events[play.Index]));
        Receive<RecheckDone>(_ => CheckDone());
        Receive<Injected>(OnInjected);
        Receive<TimeLimitReached>(_ => End(RunStatus.TimeLimit, $"the time limit of {_experiment.TimeLimit.TotalSeconds:0} s was reached"));
        Receive<LinkStatus>(_ => { });
        Receive<WorkerHello>(_ => { });
        Receive<ClockReply>(_ => { });
        Receive<NextProbe>(_ => { });
        Common();
    }

    private void Play(PlannedEvent planned)
    {
        _eventsPlayed++;
        switch (planned)
        {
            case PlannedEvent.Inject inject:
                Inject(inject);
                break;
            case PlannedEvent.KillWorker kill:
                if (_lost.ContainsKey(kill.Worker)) break;
                _killedAt[kill.Worker] = DateTimeOffset.UtcNow;
                if (_settings.Workers.TryKill(kill.Worker)) _log.Warning("Killed worker {Worker} (SIGKILL), as the experiment says", kill.Worker);
                else if (_workers.TryGetValue(kill.Worker, out var actor))
                {
                    _log.Warning("Asked worker {Worker} to exit at once, as the experiment says", kill.Worker);
                    actor.Tell(ExitNow.Instance);
                }
                break;
            case PlannedEvent.Cut cut:
                foreach (var actor in LiveWorkers()) actor.Tell(new CutLinks(cut.GroupA, cut.GroupB));
                _log.Info("Partition: cut {A} from {B}", NodeRanges.Format(cut.GroupA), NodeRanges.Format(cut.GroupB));
                break;
            case PlannedEvent.Heal heal:
                foreach (var actor in LiveWorkers()) actor.Tell(new HealLinks(heal.GroupA, heal.GroupB));
                _log.Info("Partition healed: {A} and {B}", NodeRanges.Format(heal.GroupA), NodeRanges.Format(heal.GroupB));
                break;
            case PlannedEvent.StopNodes stop:
                foreach (var group in stop.Nodes.GroupBy(WorkerOf))
                    if (LiveWorker(group.Key) is { } actor) actor.Tell(new StopLabNodes([.. group]));
                _down.UnionWith(stop.Nodes);
                foreach (int node in stop.Nodes)
                {
                    if (!_downIntervals.TryGetValue(node, out var intervals)) _downIntervals[node] = intervals = [];
                    intervals.Add((DateTimeOffset.UtcNow, null));
                }
                _log.Info("Churn: nodes {Nodes} stopped", NodeRanges.Format(stop.Nodes));
                break;
            case PlannedEvent.RestartNodes restart:
                foreach (var group in restart.Nodes.GroupBy(WorkerOf))
                    if (LiveWorker(group.Key) is { } actor) actor.Tell(new RestartLabNodes([.. group]));
                _down.ExceptWith(restart.Nodes);
                foreach (int node in restart.Nodes)
                    if (_downIntervals.TryGetValue(node, out var intervals) && intervals[^1].To is null)
                        intervals[^1] = (intervals[^1].From, DateTimeOffset.UtcNow);
                _log.Info("Churn: nodes {Nodes} started again", NodeRanges.Format(restart.Nodes));
                break;
        }
        CheckDone();
    }

    private void Inject(PlannedEvent.Inject inject)
    {
        int node;
        if (inject.Node is { } chosen)
        {
            if (!IsUp(chosen))
            {
                _notes.Add($"{inject.Kind} {inject.Index} was not injected at {inject.At.TotalSeconds:0.###} s: node {chosen} is down");
                return;
            }
            node = chosen;
        }
        else
        {
            var up = Enumerable.Range(0, _experiment.Nodes).Where(IsUp).ToList();
            if (up.Count == 0)
            {
                _notes.Add($"{inject.Kind} {inject.Index} was not injected: no node is up");
                return;
            }
            node = up[_random.Next(up.Count)];
        }
        var worker = _workers[WorkerOf(node)];
        _injectionsPending[WorkerOf(node)] = _injectionsPending.GetValueOrDefault(WorkerOf(node)) + 1;
        if (inject.Kind == ItemKind.Transaction)
            worker.Tell(new InjectTransaction(node, LabTransactions.Create(_experiment.Seed, inject.Index).ToArray(WireEncoding.Base)));
        else
            worker.Tell(new InjectBlock(node));
    }

    private void OnInjected(Injected injected)
    {
        _injectionsPending[WorkerOf(injected.Node)]--;
        if (injected.Error is not null || injected.Item.Length == 0)
        {
            _notes.Add($"{injected.Kind} at node {injected.Node} was refused: {injected.Error}");
            _log.Warning("Injection of a {Kind} at node {Node} failed: {Error}", injected.Kind, injected.Node, injected.Error);
        }
        else
        {
            var at = ToCoordinatorTime(WorkerOf(injected.Node), injected.At);
            _injections[injected.Item] = new Injection(injected.Item, injected.Kind, injected.Node, at);
            _injectionOrder.Add(injected.Item);
        }
        CheckDone();
    }

    private void OnSeen(Seen seen)
    {
        foreach (var sighting in seen.Sightings)
        {
            _sightingCount++;
            var corrected = sighting with { At = ToCoordinatorTime(seen.Worker, sighting.At) };
            if (!_sightings.TryAdd((sighting.Node, sighting.Item), corrected)) continue;
            if (!_reachedBy.TryGetValue(sighting.Item, out var nodes)) _reachedBy[sighting.Item] = nodes = [];
            nodes.Add(sighting.Node);
        }
        CheckDone();
    }

    /// <summary>Done when the whole timeline has played, every injection was answered, and every injected item is at
    /// every node expected to have it.</summary>
    private void CheckDone()
    {
        if (_ending || _startedAt == default || _eventsPlayed < _events.Count
            || LiveWorkerIds().Any(w => _injectionsPending.GetValueOrDefault(w) > 0)) return;
        var expected = ExpectedNodes();
        foreach (var item in _injectionOrder)
        {
            var reached = _reachedBy.GetValueOrDefault(item);
            if (reached is not null && expected.Where(n => !MissedWhileDown(item, n)).All(reached.Contains)) continue;
            if (IsStranded(item, expected)) continue;
            return;
        }
        var stranded = _injectionOrder.Count(i => IsStranded(i, expected));
        End(RunStatus.Completed, stranded == 0
            ? $"every item reached all {expected.Count} live nodes"
            : $"every item reached all {expected.Count} live nodes, except {stranded} lost with their worker before any live node had them");
    }

    /// <summary>A transaction that spread while this node was churned out: a restarted node, like a restarted
    /// bitcoind or btcd, does not fetch the pools of its peers, so it never gets it and the run does not wait for it
    /// (blocks, which it syncs, are waited for).</summary>
    private bool MissedWhileDown(string item, int node)
    {
        if (!_injections.TryGetValue(item, out var injection) || injection.Kind != ItemKind.Transaction) return false;
        if (!_downIntervals.TryGetValue(node, out var intervals)) return false;
        if (_sightings.ContainsKey((node, item))) return false;
        return intervals.Any(i => i.To is not { } to || to > injection.At);
    }

    /// <summary>Time for a lost worker's last sightings to arrive before its items are judged.</summary>
    private static readonly TimeSpan LossGrace = TimeSpan.FromSeconds(1);

    /// <summary>An item whose origin's worker was lost (more than <see cref="LossGrace"/> ago) before any live node
    /// reported it: no live node will ever get it, so the run does not wait for it.</summary>
    private bool IsStranded(string item, HashSet<int> expected)
    {
        if (!_injections.TryGetValue(item, out var injection)) return false;
        if (!_lost.TryGetValue(WorkerOf(injection.Node), out var lost) || DateTimeOffset.UtcNow - lost.At < LossGrace) return false;
        var reached = _reachedBy.GetValueOrDefault(item);
        return reached is null || !reached.Overlaps(expected);
    }

    // ---- Phase 4: collecting and ending ------------------------------------------------------------------------------

    private void End(RunStatus status, string reason)
    {
        if (_ending) return;
        _ending = true;
        _status = status;
        _reason = reason;
        Timers.CancelAll();
        _log.Info("Run ending: {Status}, {Reason}; collecting the workers' reports", status, reason);
        foreach (var actor in LiveWorkers()) actor.Tell(CollectReport.Instance);
        Timers.StartSingleTimer("collect-timeout", CollectTimeout.Instance, _settings.CollectTimeout);
        Become(Collecting);
        MaybeFinish();
    }

    private void Collecting()
    {
        Receive<WorkerReport>(report =>
        {
            _reports[report.Worker] = report;
            MaybeFinish();
        });
        Receive<CollectTimeout>(_ =>
        {
            var missing = LiveWorkerIds().Where(w => !_reports.ContainsKey(w)).ToList();
            _notes.Add($"workers {string.Join(",", missing)} sent no final report in {_settings.CollectTimeout.TotalSeconds:0} s: their announcement counts and traffic are missing");
            Finish();
        });
        Common();
        ReceiveAny(_ => { }); // late injections, timers, probes, status answers
    }

    private void MaybeFinish()
    {
        if (LiveWorkerIds().All(_reports.ContainsKey)) Finish();
    }

    private void Finish()
    {
        Timers.CancelAll();
        var outcome = Outcome(_status, _reason);
        foreach (var actor in LiveWorkers()) actor.Tell(new EndRun(_status.ToString()));
        _settings.Done.TrySetResult(outcome);
        Become(Finished);
    }

    private void Finished()
    {
        ReceiveAny(_ => { });
    }

    private RunOutcome Outcome(RunStatus status, string reason)
    {
        var counts = _reports.Values.SelectMany(r => r.Announcements).ToDictionary(a => (a.Node, a.Item), a => a.Count);
        var observations = _sightings.Values
            .Where(s => _injections.ContainsKey(s.Item))
            .Select(s => new Observation(s.Item, s.Kind, s.Node, s.At, s.FromNode, counts.GetValueOrDefault((s.Node, s.Item))))
            .OrderBy(o => o.FirstSeen)
            .ToList();
        var traffic = _reports.Values.SelectMany(r => r.Traffic).Select(t => new NodeTraffic(t.Node, t.Sent, t.Received)).OrderBy(t => t.Node).ToList();
        var expected = ExpectedNodes();
        var notes = new List<string>(_notes);
        foreach (var item in _injectionOrder.Where(i => IsStranded(i, expected)))
        {
            var injection = _injections[item];
            notes.Add($"{injection.Kind} {item} was injected at node {injection.Node}, whose worker was lost before any live node had it");
        }
        var missed = _injectionOrder.SelectMany(i => expected.Where(n => MissedWhileDown(i, n)).Select(n => (Item: i, Node: n))).ToList();
        foreach (var group in missed.GroupBy(m => m.Node))
            notes.Add($"node {group.Key} was churned out while {group.Count()} transactions spread and never got them (a restarted node does not fetch its peers' pools)");
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - _cpuAtStart;
        var wall = DateTimeOffset.UtcNow - (_startedAt == default ? DateTimeOffset.UtcNow : _startedAt);
        return new RunOutcome(status, reason, _startedAt, DateTimeOffset.UtcNow,
            [.. _injectionOrder.Select(i => InjectedAt(_injections[i]))], observations, traffic, [.. _lost.Values.OrderBy(l => l.Worker)],
            expected, _topology.Edges, new Dictionary<int, TimeSpan>(_offsets), notes,
            [
                new("coordinator messages handled", _messages.ToString("N0")),
                new("sightings received", _sightingCount.ToString("N0")),
                new("coordinator process CPU", $"{cpu.TotalSeconds:0.00} s over {wall.TotalSeconds:0.0} s of run ({100 * cpu.TotalSeconds / Math.Max(wall.TotalSeconds, 0.001):0.0} % of one core)"),
            ]);
    }

    /// <summary>An item exists from the moment its origin node accepted it (its own sighting, from no peer): for a
    /// block that is after it was mined, which is not propagation. Without that sighting, the worker's time of the
    /// request.</summary>
    private Injection InjectedAt(Injection injection) =>
        _sightings.TryGetValue((injection.Node, injection.Item), out var own) && own.FromNode is null
            ? injection with { At = own.At }
            : injection;

    // ---- Membership --------------------------------------------------------------------------------------------------

    private void Common()
    {
        Receive<Seen>(OnSeen);
        Receive<ClusterEvent.UnreachableMember>(u =>
        {
            // Unreachable may pass (a busy worker answers heartbeats late): lost at once only when we killed it;
            // otherwise when the cluster removes it (split-brain resolver, hocon/lab.conf).
            if (_workerAddresses.TryGetValue(u.Member.Address, out int worker) && _killedAt.ContainsKey(worker))
                OnWorkerGone(u.Member.Address, "unreachable");
            else _log.Warning("Worker at {Address} is unreachable; waiting for the cluster's decision", u.Member.Address);
        });
        Receive<ClusterEvent.MemberRemoved>(r => OnWorkerGone(r.Member.Address, "unreachable, then removed from the cluster"));
        Receive<PhaseTimeout>(t =>
        {
            _notes.Add(t.Reason);
            _status = RunStatus.Failed;
            _reason = t.Reason;
            _ending = true;
            Finish();
        });
    }

    private void OnWorkerGone(Address address, string how)
    {
        if (!_workerAddresses.TryGetValue(address, out int worker) || _lost.ContainsKey(worker)) return;
        var now = DateTimeOffset.UtcNow;
        string reason = _killedAt.TryGetValue(worker, out var killed)
            ? $"killed by the experiment; {how} {(now - killed).TotalSeconds:0.0} s later"
            : how;
        var nodes = RunPlan.NodesOf(worker, _experiment.Nodes, _experiment.Workers);
        _lost[worker] = new WorkerLost(worker, now, reason, nodes);
        if (_injectionsPending.GetValueOrDefault(worker) is > 0 and var unanswered)
            _notes.Add($"{unanswered} injections sent to worker {worker}'s nodes got no answer: it was lost");
        _log.Warning("Worker {Worker} lost ({Reason}); its nodes {Nodes} are out of the run", worker, reason, NodeRanges.Format(nodes));
        if (_startedAt == default)
        {
            Self.Tell(new PhaseTimeout($"worker {worker} was lost before the run started ({reason})"));
            return;
        }
        if (_experiment.OnWorkerLoss == WorkerLossPolicy.Stop) End(RunStatus.StoppedWorkerLost, $"worker {worker} was lost ({reason}) and the experiment says stop");
        else
        {
            CheckDone(); // its unanswered injections no longer count
            Timers.StartSingleTimer($"loss-{worker}", RecheckDone.Instance, LossGrace + TimeSpan.FromMilliseconds(200));
        }
    }

    // ---- Helpers -----------------------------------------------------------------------------------------------------

    private int WorkerOf(int node) => RunPlan.WorkerOf(node, _experiment.Nodes, _experiment.Workers);

    private bool IsUp(int node) => !_down.Contains(node) && !_lost.ContainsKey(WorkerOf(node));

    private IEnumerable<int> LiveWorkerIds() => _workers.Keys.Where(w => !_lost.ContainsKey(w));

    private IEnumerable<IActorRef> LiveWorkers() => LiveWorkerIds().Select(w => _workers[w]);

    private IActorRef? LiveWorker(int worker) => _lost.ContainsKey(worker) ? null : _workers.GetValueOrDefault(worker);

    private HashSet<int> ExpectedNodes() => [.. Enumerable.Range(0, _experiment.Nodes).Where(IsUp)];

    private DateTimeOffset ToCoordinatorTime(int worker, DateTimeOffset workerTime) => workerTime - _offsets.GetValueOrDefault(worker);

    private sealed record PhaseTimeout(string Reason);

    private sealed record PollLinks
    {
        public static PollLinks Instance { get; } = new();
    }

    private sealed record LinkTimeout
    {
        public static LinkTimeout Instance { get; } = new();
    }

    private sealed record NextProbe
    {
        public static NextProbe Instance { get; } = new();
    }

    private sealed record PlayEvent(int Index);

    private sealed record RecheckDone
    {
        public static RecheckDone Instance { get; } = new();
    }

    private sealed record TimeLimitReached
    {
        public static TimeLimitReached Instance { get; } = new();
    }

    private sealed record CollectTimeout
    {
        public static CollectTimeout Instance { get; } = new();
    }
}
