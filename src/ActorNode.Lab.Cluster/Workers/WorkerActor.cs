using System.Diagnostics;
using System.Net;
using ActorNode.Lab.Cluster.Protocol;
using ActorNode.Connections.Inventory;
using ActorNode.Lab.Experiments;
using ActorNode.P2P.Connections;
using ActorNode.P2P.Node;
using ActorNode.P2P.Sync;
using ActorNode.Wire;
using ActorNode.Wire.Primitives;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace ActorNode.Lab.Cluster.Workers;

/// <summary>One worker process's part of a run: says hello to the coordinator until it is given nodes, starts them,
/// links them as the topology says, injects what it is told to, forwards its nodes' first sightings in batches, cuts
/// and heals links, stops and restarts churned nodes, and reports announcement counts and traffic at the end.
/// Its nodes are its children: a node's failure stops that node's actors only.</summary>
internal sealed class WorkerActor : ReceiveActor, IWithTimers
{
    private const string HelloTimer = "hello";
    private const string FlushTimer = "flush";
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    private readonly int _worker;
    private readonly IActorRef _coordinator;
    private readonly string _dataDirectory;
    /// <summary>The address the nodes accept peers on: the lab's hostname (127.0.0.1 unless the run spans machines).</summary>
    private readonly IPAddress _listen;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<int, LabNode> _nodes = [];
    private readonly Dictionary<int, LabNodeSettings> _settings = [];
    private readonly List<NodeLink> _links = [];
    /// <summary>Where every node this worker knows of listens: its own and its links' targets.</summary>
    private readonly Dictionary<int, string> _endpoints = [];
    private readonly HashSet<(int Node, string Item)> _reported = [];
    private readonly List<Sighting> _pending = [];
    private readonly Dictionary<int, (long Sent, long Received)> _earlierTraffic = [];
    private readonly Dictionary<int, NodeShaping> _shaping = [];
    /// <summary>The process's CPU time and the wall clock at the first clock probe (just before the run starts).</summary>
    private (TimeSpan Cpu, DateTimeOffset At)? _runStart;

    public WorkerActor(int worker, IActorRef coordinator, string dataDirectory, IPAddress listen)
    {
        _listen = listen;
        _worker = worker;
        _coordinator = coordinator;
        _dataDirectory = dataDirectory;

        Receive<SayHello>(_ => _coordinator.Tell(new WorkerHello(_worker, Environment.ProcessId)));
        Receive<StartNodes>(OnStartNodes);
        Receive<OwnEndpoints>(OnOwnEndpoints);
        Receive<Status.Failure>(failure => _log.Error(failure.Cause, "Starting the nodes failed"));
        Receive<LinkNodes>(OnLinkNodes);
        Receive<GetLinkStatus>(_ => LinkStatusAsync([.. _nodes.Select(n => (n.Key, n.Value.Manager))]).PipeTo(Sender));
        Receive<ClockProbe>(probe =>
        {
            Sender.Tell(new ClockReply(_worker, probe.Sequence, probe.Sent, DateTimeOffset.UtcNow));
            _runStart ??= (Process.GetCurrentProcess().TotalProcessorTime, DateTimeOffset.UtcNow);
        });
        Receive<InjectTransaction>(OnInjectTransaction);
        Receive<InjectBlock>(OnInjectBlock);
        Receive<Sighting>(OnSighting);
        Receive<Flush>(_ => FlushSightings());
        Receive<CutLinks>(cut => Cut(cut.GroupA, cut.GroupB));
        Receive<HealLinks>(heal => Heal(heal.GroupA, heal.GroupB));
        Receive<StopLabNodes>(OnStopNodes);
        Receive<NodeTrafficBeforeStop>(OnTrafficBeforeStop);
        Receive<RestartLabNodes>(OnRestartNodes);
        Receive<CollectReport>(_ =>
        {
            FlushSightings();
            var start = _runStart ?? (TimeSpan.Zero, DateTimeOffset.UtcNow);
            CollectAsync([.. _nodes.Values], new Dictionary<int, (long, long)>(_earlierTraffic), start).PipeTo(Sender);
        });
        Receive<ExitNow>(_ =>
        {
            _log.Warning("Told to exit at once (the experiment kills this worker)");
            Process.GetCurrentProcess().Kill();
        });
        Receive<EndRun>(end =>
        {
            FlushSightings();
            _log.Info("Run ended ({Status}); stopping {Count} nodes and leaving the cluster", end.Status, _nodes.Count);
            foreach (var node in _nodes.Values) node.Stop(Context);
            _nodes.Clear();
            var cluster = Akka.Cluster.Cluster.Get(Context.System);
            cluster.Leave(cluster.SelfAddress);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(int worker, IActorRef coordinator, string dataDirectory, IPAddress listen) =>
        Akka.Actor.Props.Create(() => new WorkerActor(worker, coordinator, dataDirectory, listen));

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer(HelloTimer, SayHello.Instance, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Timers.StartPeriodicTimer(FlushTimer, Flush.Instance, TimeSpan.FromMilliseconds(200));
    }

    protected override SupervisorStrategy SupervisorStrategy() =>
        // A node's actors as in every node (docs/architecture.md, "Supervision"): its sync actor stops (and its
        // manager with it: the node is down), its manager and address book restart. Another actor that throws (an
        // observer) is stopped. The worker and the other nodes go on.
        new NodeSupervisorStrategy(e =>
        {
            _log.Error(e, "A node actor failed; it is stopped");
            return Directive.Stop;
        });

    // ---- Starting and linking -------------------------------------------------------------------------------------------

    private void OnStartNodes(StartNodes start)
    {
        Timers.Cancel(HelloTimer);
        if (_settings.Count > 0)
        {
            // The coordinator asked again (our first answer crossed its retry): answer from what runs.
            EndpointsAsync([.. _nodes.Select(n => (n.Key, n.Value.Manager))]).PipeTo(Sender);
            return;
        }
        var access = (start.Access ?? []).ToDictionary(a => a.Node);
        foreach (int node in start.Nodes)
        {
            var rates = access.GetValueOrDefault(node);
            var shaping = _shaping[node] = new NodeShaping(rates?.UploadBitsPerSecond, rates?.DownloadBitsPerSecond);
            var settings = new LabNodeSettings(node, TimeSpan.FromMilliseconds(start.TrickleIntervalMs), start.MaxPeers,
                Path.Combine(_dataDirectory, $"node-{node}"), new IPEndPoint(_listen, 0))
            {
                Relay = start.Relay == RelayTiming.Core ? RelayPolicy.CorePoisson : RelayPolicy.FixedInterval,
                LinkShaping = shaping.For,
            };
            _settings[node] = settings;
            _nodes[node] = LabNode.Start(Context, settings, Self);
        }
        _log.Info("Started nodes {Nodes} (relay {Relay}, {Shaped} with rate limits)", NodeRanges.Format(start.Nodes), start.Relay,
            _shaping.Values.Count(s => s.Upload is not null || s.Download is not null));
        var replyTo = Sender;
        EndpointsAsync([.. start.Nodes.Select(n => (n, _nodes[n].Manager))]).ContinueWith(t => t.IsCompletedSuccessfully
                ? new OwnEndpoints(t.Result, replyTo)
                : (object)new Status.Failure(t.Exception!.GetBaseException()), TaskContinuationOptions.ExecuteSynchronously)
            .PipeTo(Self);
    }

    private void OnOwnEndpoints(OwnEndpoints own)
    {
        foreach (var endpoint in own.Started.Nodes) _endpoints[endpoint.Node] = endpoint.Endpoint;
        own.ReplyTo.Tell(own.Started);
    }

    // The async helpers below run partly outside the actor: they get what they need from its state up front.

    private async Task<NodesStarted> EndpointsAsync(IReadOnlyList<(int Node, IActorRef Manager)> nodes)
    {
        var endpoints = new List<NodeEndpoint>();
        foreach (var (node, manager) in nodes)
        {
            var deadline = DateTime.UtcNow + AskTimeout;
            while (true)
            {
                var listening = await manager.Ask<ListeningOn>(GetListenEndpoints.Instance, AskTimeout);
                if (listening.Endpoints.Count > 0)
                {
                    endpoints.Add(new NodeEndpoint(node, listening.Endpoints[0].ToString()));
                    break;
                }
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"node {node} did not bind its listener");
                await Task.Delay(20);
            }
        }
        return new NodesStarted(_worker, endpoints);
    }

    private void OnLinkNodes(LinkNodes link)
    {
        foreach (var l in link.Links)
        {
            _links.Add(l);
            _endpoints[l.To] = l.ToEndpoint;
            if (l.LatencyMs > 0 && _shaping.TryGetValue(l.From, out var shaping))
                shaping.SetLatency(IPEndPoint.Parse(l.ToEndpoint), TimeSpan.FromMilliseconds(l.LatencyMs));
            if (_nodes.TryGetValue(l.From, out var node)) node.Manager.Tell(new AddNode(IPEndPoint.Parse(l.ToEndpoint), Permanent: true));
        }
    }

    private async Task<LinkStatus> LinkStatusAsync(IReadOnlyList<(int Node, IActorRef Manager)> managers)
    {
        var nodes = new List<NodePeers>();
        foreach (var (id, manager) in managers)
        {
            var info = await manager.Ask<PeerInfoList>(GetPeerInfo.Instance, AskTimeout);
            nodes.Add(new NodePeers(id, [.. info.Peers.Select(p => LabNode.NodeOf(p.UserAgent)).OfType<int>().Distinct()]));
        }
        return new LinkStatus(_worker, nodes);
    }

    // ---- Injecting ------------------------------------------------------------------------------------------------------

    private void OnInjectTransaction(InjectTransaction inject)
    {
        if (!_nodes.TryGetValue(inject.Node, out var node))
        {
            Sender.Tell(new Injected(inject.Node, ItemKind.Transaction, "", DateTimeOffset.UtcNow, $"node {inject.Node} is not running here"));
            return;
        }
        Transaction tx;
        try
        {
            tx = Transaction.Parse(inject.Transaction, WireEncoding.Base);
        }
        catch (WireException e)
        {
            Sender.Tell(new Injected(inject.Node, ItemKind.Transaction, "", DateTimeOffset.UtcNow, "undecodable transaction: " + e.Message));
            return;
        }
        var at = DateTimeOffset.UtcNow;
        node.Sync.Ask<TransactionSubmitted>(new SubmitTransaction(tx), AskTimeout)
            .ContinueWith(t => t.IsCompletedSuccessfully
                ? new Injected(inject.Node, ItemKind.Transaction, t.Result.Txid.ToString(), at, t.Result.Error)
                : new Injected(inject.Node, ItemKind.Transaction, tx.Txid.ToString(), at, "the node did not answer: " + t.Exception?.GetBaseException().Message),
                TaskContinuationOptions.ExecuteSynchronously)
            .PipeTo(Sender);
    }

    private void OnInjectBlock(InjectBlock inject)
    {
        if (!_nodes.TryGetValue(inject.Node, out var node))
        {
            Sender.Tell(new Injected(inject.Node, ItemKind.Block, "", DateTimeOffset.UtcNow, $"node {inject.Node} is not running here"));
            return;
        }
        var at = DateTimeOffset.UtcNow;
        if (inject.TargetBytes > 0)
        {
            FullBlockAsync(node.Sync, inject, at)
                .ContinueWith(t => t.IsCompletedSuccessfully
                    ? t.Result
                    : new Injected(inject.Node, ItemKind.Block, "", at, "building the block failed: " + t.Exception?.GetBaseException().Message),
                    TaskContinuationOptions.ExecuteSynchronously)
                .PipeTo(Sender);
            return;
        }
        node.Sync.Ask<BlocksMined>(new MineBlocks(1, IncludePool: false), AskTimeout)
            .ContinueWith(t => t.IsCompletedSuccessfully && t.Result.Hashes.Count == 1
                ? new Injected(inject.Node, ItemKind.Block, t.Result.Hashes[0].ToString(), at, null)
                : new Injected(inject.Node, ItemKind.Block, "", at, t.IsCompletedSuccessfully ? t.Result.Error : t.Exception?.GetBaseException().Message),
                TaskContinuationOptions.ExecuteSynchronously)
            .PipeTo(Sender);
    }

    /// <summary>The most a lab block holds: its transactions have no witness, so its weight is 4 × its size and
    /// 4,000,000 (Core's MAX_BLOCK_WEIGHT) allows 1,000,000 bytes; this leaves room for the header and coinbase.</summary>
    internal const int MaxBlockBytes = 999_000;

    /// <summary>Mines a block of about <see cref="InjectBlock.TargetBytes"/> on the node's best block and submits it
    /// (docs/lab.md "What is injected"): the listed pool transactions the node still holds, then unseen lab
    /// transactions of mainnet sizes.</summary>
    private static async Task<Injected> FullBlockAsync(IActorRef sync, InjectBlock inject, DateTimeOffset at)
    {
        int limit = Math.Min(inject.TargetBytes, MaxBlockBytes) - 250; // header, transaction count, coinbase
        var transactions = new List<Transaction>();
        int bytes = 0;
        var fromPool = await Task.WhenAll((inject.PoolTxids ?? []).Select(txid =>
            sync.Ask<TransactionAnswer>(new GetPoolTransaction(Hash256.Parse(txid)), AskTimeout)));
        foreach (var tx in fromPool.Select(a => a.Transaction).OfType<Transaction>())
        {
            int size = tx.ToArray(WireEncoding.Base).Length;
            if (bytes + size > limit) break;
            transactions.Add(tx);
            bytes += size;
        }
        transactions.AddRange(FillerTransactions(inject.Seed, inject.Index, limit - bytes));
        var tips = await sync.Ask<ChainTips>(GetChainTips.Instance, AskTimeout);
        var tip = tips.BestBlock;
        uint time = (uint)Math.Max(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), tip.MedianTimePast + 1L);
        var block = ActorNode.Chain.Mining.BlockBuilder.Mine(ActorNode.Chain.ChainParams.Regtest, tip.Hash, tip.Height + 1, time,
            tip.Header.Bits, transactions, tag: (uint)Random.Shared.Next(1, int.MaxValue));
        var submitted = await sync.Ask<BlockSubmitted>(new SubmitBlock(block), AskTimeout);
        return new Injected(inject.Node, ItemKind.Block, submitted.Hash.ToString(), at, submitted.Error);
    }

    /// <summary>Lab transactions of mainnet sizes (<see cref="MainnetTxSizes"/>) adding up to at most
    /// <paramref name="bytes"/> (the last one sized to fill what is left, when that is at least the smallest), seeded
    /// by the run's seed and the block's index; their indices are negative, so no injected transaction is among them.</summary>
    internal static List<Transaction> FillerTransactions(int seed, int blockIndex, int bytes)
    {
        var random = new Random(unchecked(seed * 7_919 + blockIndex));
        var filler = new List<Transaction>();
        for (int k = 0; bytes >= LabTransactions.MinSize; k++)
        {
            int size = MainnetTxSizes.Draw(random);
            if (size > bytes) size = bytes;
            filler.Add(LabTransactions.Create(seed, -(blockIndex + 1) * 100_000 - k, Math.Min(size, LabTransactions.MaxSize)));
            bytes -= size;
        }
        return filler;
    }

    // ---- Observing ------------------------------------------------------------------------------------------------------

    private void OnSighting(Sighting sighting)
    {
        // First sightings only: a churned node that comes back and sees a block again does not see it "first".
        if (_reported.Add((sighting.Node, sighting.Item))) _pending.Add(sighting);
        if (_pending.Count >= 1_000) FlushSightings();
    }

    private void FlushSightings()
    {
        if (_pending.Count == 0) return;
        _coordinator.Tell(new Seen(_worker, [.. _pending]));
        _pending.Clear();
    }

    private async Task<WorkerReport> CollectAsync(IReadOnlyList<LabNode> running, Dictionary<int, (long Sent, long Received)> earlierTraffic,
        (TimeSpan Cpu, DateTimeOffset At) start)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - start.Cpu;
        var wall = DateTimeOffset.UtcNow - start.At;
        // Every node at once: a worker with a hundred nodes answers in one round trip, not a hundred.
        var answers = await Task.WhenAll(running.Select(async node => (
            node.Node,
            Counts: await node.Observer.Ask<AnnouncementCounts>(GetAnnouncementCounts.Instance, AskTimeout),
            Totals: await node.Manager.Ask<NetTotalsAnswer>(GetNetTotals.Instance, AskTimeout),
            Peers: await node.Manager.Ask<PeerInfoList>(GetPeerInfo.Instance, AskTimeout),
            Tips: await node.Sync.Ask<ChainTips>(GetChainTips.WithAllForks, AskTimeout))));
        var messages = new List<NodeMessageBytes>();
        foreach (var (id, _, _, peers, _) in answers)
        {
            var sent = new Dictionary<string, long>();
            var received = new Dictionary<string, long>();
            foreach (var peer in peers.Peers)
            {
                foreach (var (command, n) in peer.BytesSentPerMessage ?? new Dictionary<string, long>()) sent[command] = sent.GetValueOrDefault(command) + n;
                foreach (var (command, n) in peer.BytesReceivedPerMessage ?? new Dictionary<string, long>()) received[command] = received.GetValueOrDefault(command) + n;
            }
            foreach (var command in sent.Keys.Union(received.Keys).Order(StringComparer.Ordinal))
                messages.Add(new NodeMessageBytes(id, command, sent.GetValueOrDefault(command), received.GetValueOrDefault(command)));
        }
        var stale = answers.SelectMany(a => a.Tips.OtherTips).Where(t => t.HasData && !t.OnBestChain && t.Height > 0)
            .Select(t => t.Hash.ToString()).Distinct().ToList();
        var announcements = answers.SelectMany(a => a.Counts.Counts).ToList();
        var traffic = new List<NodeBytes>();
        foreach (var (id, _, totals, _, _) in answers)
        {
            var earlier = earlierTraffic.GetValueOrDefault(id);
            traffic.Add(new NodeBytes(id, earlier.Sent + totals.BytesSent, earlier.Received + totals.BytesReceived));
        }
        foreach (var (id, earlier) in earlierTraffic.Where(e => running.All(n => n.Node != e.Key)))
            traffic.Add(new NodeBytes(id, earlier.Sent, earlier.Received));
        return new WorkerReport(_worker, announcements, traffic, cpu.TotalSeconds, wall.TotalSeconds, messages, stale);
    }

    // ---- Faults ---------------------------------------------------------------------------------------------------------

    private void Cut(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        var groupA = a.ToHashSet();
        var groupB = b.ToHashSet();
        foreach (var link in LinksBetween(groupA, groupB))
            if (_nodes.TryGetValue(link.From, out var node)) node.Manager.Tell(new RemoveNode(IPEndPoint.Parse(link.ToEndpoint)));
        // Then drop whatever connection still joins the groups, in either direction (inbound ones too).
        foreach (var (id, node) in _nodes)
        {
            var other = groupA.Contains(id) ? groupB : groupB.Contains(id) ? groupA : null;
            if (other is null) continue;
            var manager = node.Manager;
            manager.Ask<PeerInfoList>(GetPeerInfo.Instance, AskTimeout).ContinueWith(t =>
            {
                if (!t.IsCompletedSuccessfully) return;
                foreach (var peer in t.Result.Peers)
                    if (LabNode.NodeOf(peer.UserAgent) is { } n && other.Contains(n))
                        manager.Tell(new DisconnectPeerById(peer.Id, "lab: partition"));
            }, TaskContinuationOptions.ExecuteSynchronously);
        }
        _log.Info("Cut the links between {A} and {B}", NodeRanges.Format(a), NodeRanges.Format(b));
    }

    private void Heal(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        foreach (var link in LinksBetween(a.ToHashSet(), b.ToHashSet()))
            if (_nodes.TryGetValue(link.From, out var node)) node.Manager.Tell(new AddNode(IPEndPoint.Parse(link.ToEndpoint), Permanent: true));
        _log.Info("Healed the links between {A} and {B}", NodeRanges.Format(a), NodeRanges.Format(b));
    }

    private IEnumerable<NodeLink> LinksBetween(HashSet<int> a, HashSet<int> b) =>
        _links.Where(l => (a.Contains(l.From) && b.Contains(l.To)) || (b.Contains(l.From) && a.Contains(l.To)));

    private void OnStopNodes(StopLabNodes stop)
    {
        foreach (int id in stop.Nodes)
        {
            if (!_nodes.Remove(id, out var node)) continue;
            // Keep what it sent so far: its traffic counts for the run even though its actors go.
            node.Manager.Ask<NetTotalsAnswer>(GetNetTotals.Instance, AskTimeout)
                .ContinueWith(t => new NodeTrafficBeforeStop(t.IsCompletedSuccessfully ? t.Result : null, node), TaskContinuationOptions.ExecuteSynchronously)
                .PipeTo(Self);
        }
    }

    private void OnTrafficBeforeStop(NodeTrafficBeforeStop stopped)
    {
        if (stopped.Totals is { } totals)
        {
            var earlier = _earlierTraffic.GetValueOrDefault(stopped.Node.Node);
            _earlierTraffic[stopped.Node.Node] = (earlier.Sent + totals.BytesSent, earlier.Received + totals.BytesReceived);
        }
        stopped.Node.Stop(Context);
        _log.Info("Node {Node} stopped (churn)", stopped.Node.Node);
    }

    private void OnRestartNodes(RestartLabNodes restart)
    {
        foreach (int id in restart.Nodes)
        {
            if (_nodes.ContainsKey(id) || !_settings.TryGetValue(id, out var settings)) continue;
            // The same port: the other nodes' links point at it. A fresh data directory: it comes back empty.
            var listen = _endpoints.TryGetValue(id, out var known) ? IPEndPoint.Parse(known) : settings.Listen;
            var again = settings with { Listen = listen, DataDirectory = settings.DataDirectory + "-" + Guid.NewGuid().ToString("N")[..8] };
            var node = LabNode.Start(Context, again, Self, suffix: "r" + Guid.NewGuid().ToString("N")[..6]);
            _nodes[id] = node;
            foreach (var link in _links.Where(l => l.From == id))
                node.Manager.Tell(new AddNode(IPEndPoint.Parse(link.ToEndpoint), Permanent: true));
            _log.Info("Node {Node} started again (churn) on {Listen}", id, listen);
        }
    }

    private sealed record SayHello
    {
        public static SayHello Instance { get; } = new();
    }

    private sealed record Flush
    {
        public static Flush Instance { get; } = new();
    }

    private sealed record NodeTrafficBeforeStop(NetTotalsAnswer? Totals, LabNode Node);

    private sealed record OwnEndpoints(NodesStarted Started, IActorRef ReplyTo);
}
