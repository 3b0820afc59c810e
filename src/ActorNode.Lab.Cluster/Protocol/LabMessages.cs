using ActorNode.Lab.Experiments;

namespace ActorNode.Lab.Cluster.Protocol;

/// <summary>A message that crosses processes between the coordinator and the workers. Every one is bound to
/// <see cref="LabSerializer"/> (hocon/lab.conf): System.Text.Json for control, the wire codec's bytes for the Bitcoin
/// payloads inside them. Plain data only: numbers, strings, times, byte arrays, lists of such records.</summary>
public interface ILabMessage;

// ---- Worker ↔ coordinator: joining and starting nodes ---------------------------------------------------------------

/// <summary>A worker process is up and asks for work (sent until <see cref="StartNodes"/> arrives). <paramref
/// name="ProcessId"/> lets the coordinator match it to the process it started.</summary>
public sealed record WorkerHello(int Worker, int ProcessId) : ILabMessage;

/// <summary>The nodes a worker hosts and their settings; answered with <see cref="NodesStarted"/>. <paramref
/// name="Relay"/>: how their peers time transaction announcements (<paramref name="TrickleIntervalMs"/> with
/// <see cref="RelayTiming.Fixed"/>). <paramref name="Access"/>: each node's access-link rates from the experiment's
/// network (none listed: unlimited).</summary>
public sealed record StartNodes(IReadOnlyList<int> Nodes, long TrickleIntervalMs, int MaxPeers,
    RelayTiming Relay = RelayTiming.Core, IReadOnlyList<NodeAccess>? Access = null) : ILabMessage;

/// <summary>A node's region in the experiment's network and its access link: upload and download in bit/s, null
/// for unlimited (docs/lab.md "Network shaping").</summary>
public sealed record NodeAccess(int Node, string Region, double? UploadBitsPerSecond, double? DownloadBitsPerSecond);

/// <summary>Where each node of a worker listens for peers ("127.0.0.1:port").</summary>
public sealed record NodesStarted(int Worker, IReadOnlyList<NodeEndpoint> Nodes) : ILabMessage;

public sealed record NodeEndpoint(int Node, string Endpoint);

/// <summary>The topology's outbound links of a worker's nodes: From dials To (a permanent peer, redialled when lost).</summary>
public sealed record LinkNodes(IReadOnlyList<NodeLink> Links) : ILabMessage;

/// <summary>From dials To at <paramref name="ToEndpoint"/>; the link's one-way latency each way (the network plan's
/// draw, 0: none), applied by From's side of the connection to what it sends and what it receives.</summary>
public sealed record NodeLink(int From, int To, string ToEndpoint, double LatencyMs = 0);

/// <summary>Asks a worker which lab nodes each of its nodes is connected to; answered with <see cref="LinkStatus"/>.</summary>
public sealed record GetLinkStatus : ILabMessage
{
    public static GetLinkStatus Instance { get; } = new();
}

public sealed record LinkStatus(int Worker, IReadOnlyList<NodePeers> Nodes) : ILabMessage;

public sealed record NodePeers(int Node, IReadOnlyList<int> Peers);

// ---- Clock -------------------------------------------------------------------------------------------------------------

/// <summary>The coordinator's clock probe (docs/lab.md "Clocks"): the worker answers at once with its own time.</summary>
public sealed record ClockProbe(int Sequence, DateTimeOffset Sent) : ILabMessage;

public sealed record ClockReply(int Worker, int Sequence, DateTimeOffset Sent, DateTimeOffset WorkerTime) : ILabMessage;

// ---- Running -----------------------------------------------------------------------------------------------------------

/// <summary>Submit this transaction (wire-encoded, without witness) at <paramref name="Node"/>; answered with
/// <see cref="Injected"/>.</summary>
public sealed record InjectTransaction(int Node, byte[] Transaction) : ILabMessage;

/// <summary>Mine one block on <paramref name="Node"/>'s best block and let it spread; answered with <see cref="Injected"/>.
/// <paramref name="TargetBytes"/> 0: the coinbase alone (as the lab mines by default). Otherwise the block is filled
/// to about that many bytes: first with those of <paramref name="PoolTxids"/> the node's pool holds (transactions that
/// every live node already has, so the block takes none out of a pool before it spread), then with lab transactions
/// of mainnet sizes that no node has seen (<see cref="LabTransactions.Create(int, int, int)"/> with
/// <paramref name="Seed"/> and indices of their own, from block <paramref name="Index"/>).</summary>
public sealed record InjectBlock(int Node, int TargetBytes = 0, IReadOnlyList<string>? PoolTxids = null, int Seed = 0, int Index = 0) : ILabMessage;

/// <summary>An item is in the network at <paramref name="Node"/> since <paramref name="At"/> (worker's clock), or why
/// not (<paramref name="Error"/>).</summary>
public sealed record Injected(int Node, ItemKind Kind, string Item, DateTimeOffset At, string? Error) : ILabMessage;

/// <summary>First sightings since the last report (each (node, item) once), as the nodes' SyncActors told them.</summary>
public sealed record Seen(int Worker, IReadOnlyList<Sighting> Sightings) : ILabMessage;

/// <summary>Node first had item at At (worker's clock), from FromNode (null: injected there, or not from a lab node).</summary>
public sealed record Sighting(int Node, ItemKind Kind, string Item, DateTimeOffset At, int? FromNode);

/// <summary>Cut (or heal) every link between the two groups: each worker acts for its own nodes.</summary>
public sealed record CutLinks(IReadOnlyList<int> GroupA, IReadOnlyList<int> GroupB) : ILabMessage;

public sealed record HealLinks(IReadOnlyList<int> GroupA, IReadOnlyList<int> GroupB) : ILabMessage;

/// <summary>Churn: stop these nodes (their actors), or start them again, empty, on the same ports and links.</summary>
public sealed record StopLabNodes(IReadOnlyList<int> Nodes) : ILabMessage;

public sealed record RestartLabNodes(IReadOnlyList<int> Nodes) : ILabMessage;

/// <summary>For workers the coordinator did not start itself (other machines): end the process at once, as a kill
/// would. Workers it started are killed with SIGKILL instead.</summary>
public sealed record ExitNow : ILabMessage
{
    public static ExitNow Instance { get; } = new();
}

// ---- Ending ------------------------------------------------------------------------------------------------------------

/// <summary>Asks a worker for what only it knows at the end: announcement counts and each node's traffic; answered
/// with <see cref="WorkerReport"/>.</summary>
public sealed record CollectReport : ILabMessage
{
    public static CollectReport Instance { get; } = new();
}

/// <summary>A worker's final report. <paramref name="CpuSeconds"/> over <paramref name="WallSeconds"/>: its process's
/// CPU time from the first clock probe (just before the run) to now. <paramref name="Messages"/>: bytes per message
/// type per node, summed over the peers connected at the end. <paramref name="StaleBlocks"/>: hashes of the blocks
/// its nodes hold off their best chain (getchaintips' other tips).</summary>
public sealed record WorkerReport(int Worker, IReadOnlyList<AnnouncementCount> Announcements, IReadOnlyList<NodeBytes> Traffic,
    double CpuSeconds = 0, double WallSeconds = 0, IReadOnlyList<NodeMessageBytes>? Messages = null,
    IReadOnlyList<string>? StaleBlocks = null) : ILabMessage;

public sealed record AnnouncementCount(int Node, string Item, int Count);

public sealed record NodeBytes(int Node, long Sent, long Received);

/// <summary>What node <paramref name="Node"/> sent and received of one message type (its command).</summary>
public sealed record NodeMessageBytes(int Node, string Command, long Sent, long Received);

/// <summary>The run is over: stop the nodes and leave the cluster (the worker process then exits).</summary>
public sealed record EndRun(string Status) : ILabMessage;
