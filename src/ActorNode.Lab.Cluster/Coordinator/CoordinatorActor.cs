using System.Diagnostics;
using ActorNode.Lab.Cluster.Protocol;
using ActorNode.Lab.Experiments;
using ActorNode.Lab.Network;
using ActorNode.Lab.Observations;
using ActorNode.Lab.Reports;
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
/// outcome to the runner. Its own overhead (messages, sightings, CPU) is part of the outcome. The judging is in plain
/// classes: <see cref="RunProgress"/> (who is up, what arrived where, when the run is complete) and
/// <see cref="ClockEstimate"/>; the actor sends, times and dispatches.</summary>
public sealed partial class CoordinatorActor : ReceiveActor, IWithTimers
{
    private const int ClockProbes = 5;

    private readonly CoordinatorSettings _settings;
    private readonly Experiment _experiment;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly Topology _topology;
    private readonly NetworkPlan _network;
    /// <summary>Transactions already offered to a block (so the next block does not list them again).</summary>
    private readonly HashSet<string> _offeredToBlocks = [];
    private readonly IReadOnlyList<PlannedEvent> _events;
    private readonly Random _random;

    private readonly Dictionary<int, IActorRef> _workers = [];
    private readonly Dictionary<Address, int> _workerAddresses = [];
    private readonly Dictionary<int, string> _endpoints = [];
    private readonly HashSet<int> _workersStarted = [];
    private readonly RunProgress _progress;
    private readonly ClockEstimate _clocks = new();
    private Dictionary<int, TimeSpan> _offsets = [];
    private readonly Dictionary<int, WorkerReport> _reports = [];
    private readonly List<string> _notes = [];
    private readonly Dictionary<int, DateTimeOffset> _killedAt = [];

    private DateTimeOffset _startedAt;
    private int _eventsPlayed;
    private long _messages;
    private bool _ending;
    private RunStatus _status;
    private string _reason = "";
    private TimeSpan _cpuAtStart;

    public CoordinatorActor(CoordinatorSettings settings)
    {
        _settings = settings;
        _experiment = settings.Experiment;
        _topology = TopologyBuilder.Build(_experiment.Topology, _experiment.Nodes, _experiment.Seed);
        _network = NetworkPlan.For(_experiment, _topology.Edges);
        _events = RunPlan.Events(_experiment);
        _random = new Random(_experiment.Seed);
        _progress = new RunProgress(_experiment.Nodes, _experiment.Workers);
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
        if (hello.Worker < 0 || hello.Worker >= _experiment.Workers || _progress.IsLost(hello.Worker))
        {
            _log.Warning("Hello from unexpected worker {Worker} ({Sender}); ignored", hello.Worker, Sender);
            return;
        }
        bool first = !_workers.ContainsKey(hello.Worker);
        _workers[hello.Worker] = Sender;
        _workerAddresses[Sender.Path.Address] = hello.Worker;
        if (first) _log.Info("Worker {Worker} joined (process {Pid}, {Address})", hello.Worker, hello.ProcessId, Sender.Path.Address);
        var nodes = _progress.NodesOf(hello.Worker);
        IReadOnlyList<NodeAccess>? access = _network.Table.Regions.All(r => r.UploadBitsPerSecond is null && r.DownloadBitsPerSecond is null)
            ? null
            : [.. nodes.Select(n => _network.RegionOfNode(n)).Zip(nodes, (r, n) => new NodeAccess(n, r.Name, r.UploadBitsPerSecond, r.DownloadBitsPerSecond))];
        Sender.Tell(new StartNodes(nodes, (long)_experiment.NodeSettings.TrickleInterval.TotalMilliseconds, _experiment.NodeSettings.MaxPeers,
            _experiment.NodeSettings.Relay, access));
    }

    private void OnNodesStarted(NodesStarted started)
    {
        foreach (var node in started.Nodes) _endpoints[node.Node] = node.Endpoint;
        if (!_workersStarted.Add(started.Worker)) return;
        _log.Info("Worker {Worker} started nodes {Nodes} (listening on {Endpoint}, ...)", started.Worker,
            NodeRanges.Format(started.Nodes.Select(n => n.Node)), started.Nodes.FirstOrDefault()?.Endpoint);
        if (_workersStarted.Count < _experiment.Workers) return;

        Timers.Cancel("startup");
        foreach (var (worker, actor) in _workers)
        {
            var mine = _progress.NodesOf(worker).ToHashSet();
            actor.Tell(new LinkNodes([.. _topology.Edges.Where(e => mine.Contains(e.From)).Select(e => new NodeLink(e.From, e.To, _endpoints[e.To], _network.Latency(e.From, e.To).TotalMilliseconds))]));
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

    /// <summary>Clock probes until every worker answered one (<see cref="ClockEstimate"/>).</summary>
    private void Probing()
    {
        Receive<ClockReply>(reply => _clocks.Record(reply.Worker, reply.Sent, reply.WorkerTime, DateTimeOffset.UtcNow));
        Receive<NextProbe>(_ =>
        {
            // Five rounds, then more (up to 50: a loaded worker answers late) until every worker has answered one.
            bool allAnswered = LiveWorkerIds().All(_clocks.HasAnswered);
            if (_probeRound < ClockProbes || (!allAnswered && _probeRound < 10 * ClockProbes)) SendProbes();
            else
            {
                foreach (int worker in LiveWorkerIds().Where(w => !_clocks.HasAnswered(w)))
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
        _offsets = _clocks.Offsets(_probeRound, _notes);
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
                if (_progress.IsLost(kill.Worker)) break;
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
                _progress.NodesStopped(stop.Nodes, DateTimeOffset.UtcNow);
                _log.Info("Churn: nodes {Nodes} stopped", NodeRanges.Format(stop.Nodes));
                break;
            case PlannedEvent.RestartNodes restart:
                foreach (var group in restart.Nodes.GroupBy(WorkerOf))
                    if (LiveWorker(group.Key) is { } actor) actor.Tell(new RestartLabNodes([.. group]));
                _progress.NodesRestarted(restart.Nodes, DateTimeOffset.UtcNow);
                _log.Info("Churn: nodes {Nodes} started again", NodeRanges.Format(restart.Nodes));
                break;
        }
        CheckDone();
    }

    private void Inject(PlannedEvent.Inject inject)
    {
        if (_progress.ChooseNode(inject, _random, out var note) is not { } node)
        {
            _notes.Add(note);
            return;
        }
        var worker = _workers[WorkerOf(node)];
        _progress.InjectionSent(node);
        if (inject.Kind == ItemKind.Transaction)
        {
            int size = ItemSizes.TransactionBytes(inject.Size, _experiment.Seed, inject.Index);
            worker.Tell(new InjectTransaction(node, LabTransactions.Create(_experiment.Seed, inject.Index, size).ToArray(WireEncoding.Base)));
        }
        else if (ItemSizes.BlockBytes(inject.Size) is > 0 and var bytes)
        {
            // The pool's share of the block: transactions every live node has (a block must not take one out of a
            // pool before it spread, or the run would wait for it for ever), oldest first, each offered once.
            var delivered = _progress.DeliveredTransactions().Where(_offeredToBlocks.Add).ToList();
            worker.Tell(new InjectBlock(node, bytes, delivered, _experiment.Seed, inject.Index));
        }
        else
            worker.Tell(new InjectBlock(node));
    }

    private void OnInjected(Injected injected)
    {
        if (injected.Error is not null || injected.Item.Length == 0)
        {
            _progress.InjectionAnswered(injected.Node, null);
            _notes.Add($"{injected.Kind} at node {injected.Node} was refused: {injected.Error}");
            _log.Warning("Injection of a {Kind} at node {Node} failed: {Error}", injected.Kind, injected.Node, injected.Error);
        }
        else
        {
            var at = ToCoordinatorTime(WorkerOf(injected.Node), injected.At);
            _progress.InjectionAnswered(injected.Node, new Injection(injected.Item, injected.Kind, injected.Node, at));
        }
        CheckDone();
    }

    private void OnSeen(Seen seen)
    {
        foreach (var sighting in seen.Sightings)
            _progress.Seen(sighting with { At = ToCoordinatorTime(seen.Worker, sighting.At) });
        CheckDone();
    }

    /// <summary>Done when the whole timeline has played and <see cref="RunProgress.Completion"/> says so.</summary>
    private void CheckDone()
    {
        if (_ending || _startedAt == default || _eventsPlayed < _events.Count) return;
        if (_progress.Completion(DateTimeOffset.UtcNow) is { } reason) End(RunStatus.Completed, reason);
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
        var traffic = _reports.Values.SelectMany(r => r.Traffic).Select(t => new NodeTraffic(t.Node, t.Sent, t.Received)).OrderBy(t => t.Node).ToList();
        var notes = new List<string>(_notes);
        notes.AddRange(_progress.EndNotes(DateTimeOffset.UtcNow));
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - _cpuAtStart;
        var conditions = Conditions();
        var wall = DateTimeOffset.UtcNow - (_startedAt == default ? DateTimeOffset.UtcNow : _startedAt);
        return new RunOutcome(status, reason, _startedAt, DateTimeOffset.UtcNow,
            _progress.Injections(), _progress.Observations(counts), traffic, _progress.Lost,
            _progress.ExpectedNodes(), _topology.Edges, new Dictionary<int, TimeSpan>(_offsets), notes,
            [
                new("coordinator messages handled", _messages.ToString("N0")),
                new("sightings received", _progress.SightingCount.ToString("N0")),
                new("coordinator process CPU", $"{cpu.TotalSeconds:0.00} s over {wall.TotalSeconds:0.0} s of run ({100 * cpu.TotalSeconds / Math.Max(wall.TotalSeconds, 0.001):0.0} % of one core)"),
            ]) { Conditions = conditions };
    }

    /// <summary>The run's conditions for the report: the network plan, relay timing, each worker's CPU, bytes per
    /// message type, stale blocks and the clocks' error bounds.</summary>
    private RunConditions Conditions()
    {
        var settings = _experiment.NodeSettings;
        return new RunConditions
        {
            Network = Reports.NetworkSummary.Of(_network),
            Relay = settings.Relay == RelayTiming.Core
                ? "core (Poisson rounds: mean 2 s to outbound peers, 5 s shared by inbound ones; blocks at once)"
                : $"fixed trickle every {settings.TrickleInterval.TotalMilliseconds:0} ms (btcd's)",
            WorkerLoad = [.. _reports.Values.OrderBy(r => r.Worker).Select(r => new WorkerLoad(r.Worker, _progress.NodesOf(r.Worker).Count, r.CpuSeconds, r.WallSeconds))],
            MessageBytes = [.. _reports.Values.SelectMany(r => r.Messages ?? []).Select(m => new MessageBytes(m.Node, m.Command, m.Sent, m.Received))],
            StaleBlocks = [.. _reports.Values.SelectMany(r => r.StaleBlocks ?? []).Distinct()],
            ClockErrorBounds = _clocks.ErrorBounds(),
        };
    }

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
        if (!_workerAddresses.TryGetValue(address, out int worker) || _progress.IsLost(worker)) return;
        var now = DateTimeOffset.UtcNow;
        string reason = _killedAt.TryGetValue(worker, out var killed)
            ? $"killed by the experiment; {how} {(now - killed).TotalSeconds:0.0} s later"
            : how;
        var nodes = _progress.NodesOf(worker);
        _progress.WorkerLost(new WorkerLost(worker, now, reason, nodes));
        if (_progress.Unanswered(worker) is > 0 and var unanswered)
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
            Timers.StartSingleTimer($"loss-{worker}", RecheckDone.Instance, RunProgress.LossGrace + TimeSpan.FromMilliseconds(200));
        }
    }

    // ---- Helpers -----------------------------------------------------------------------------------------------------

    private int WorkerOf(int node) => _progress.WorkerOf(node);

    private IEnumerable<int> LiveWorkerIds() => _workers.Keys.Where(w => !_progress.IsLost(w));

    private IEnumerable<IActorRef> LiveWorkers() => LiveWorkerIds().Select(w => _workers[w]);

    private IActorRef? LiveWorker(int worker) => _progress.IsLost(worker) ? null : _workers.GetValueOrDefault(worker);

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
