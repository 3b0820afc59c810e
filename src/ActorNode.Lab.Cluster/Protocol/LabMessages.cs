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

/// <summary>The nodes a worker hosts and their settings; answered with <see cref="NodesStarted"/>.</summary>
public sealed record StartNodes(IReadOnlyList<int> Nodes, long TrickleIntervalMs, int MaxPeers) : ILabMessage;

/// <summary>Where each node of a worker listens for peers ("127.0.0.1:port").</summary>
public sealed record NodesStarted(int Worker, IReadOnlyList<NodeEndpoint> Nodes) : ILabMessage;

public sealed record NodeEndpoint(int Node, string Endpoint);

/// <summary>The topology's outbound links of a worker's nodes: From dials To (a permanent peer, redialled when lost).</summary>
public sealed record LinkNodes(IReadOnlyList<NodeLink> Links) : ILabMessage;

public sealed record NodeLink(int From, int To, string ToEndpoint);

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

/// <summary>Mine one block on <paramref name="Node"/>'s best block and let it spread; answered with <see cref="Injected"/>.</summary>
public sealed record InjectBlock(int Node) : ILabMessage;

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

public sealed record WorkerReport(int Worker, IReadOnlyList<AnnouncementCount> Announcements, IReadOnlyList<NodeBytes> Traffic) : ILabMessage;

public sealed record AnnouncementCount(int Node, string Item, int Count);

public sealed record NodeBytes(int Node, long Sent, long Received);

/// <summary>The run is over: stop the nodes and leave the cluster (the worker process then exits).</summary>
public sealed record EndRun(string Status) : ILabMessage;
