using ActorNode.Lab.Experiments;

namespace ActorNode.Lab.Observations;

/// <summary>An item put into the network at <paramref name="Node"/> at <paramref name="At"/> (the coordinator's
/// clock). <paramref name="Item"/> is the txid or block hash in the usual reversed hex.</summary>
public sealed record Injection(string Item, ItemKind Kind, int Node, DateTimeOffset At);

/// <summary>What one node saw of one item: when it first had it (its worker's clock, corrected to the coordinator's
/// by the estimated offset), from which node (null: injected here, or from a peer that is not a lab node), and how
/// many announcements of it (inv, headers, compact block) it received in all (one is needed; the rest are
/// duplicates).</summary>
public sealed record Observation(string Item, ItemKind Kind, int Node, DateTimeOffset FirstSeen, int? FromNode, int Announcements);

/// <summary>A node's traffic over the run: bytes sent and received on its peer connections.</summary>
public sealed record NodeTraffic(int Node, long BytesSent, long BytesReceived);

/// <summary>A worker process that left the run (killed, crashed, unreachable), when, and the nodes it hosted.</summary>
public sealed record WorkerLost(int Worker, DateTimeOffset At, string Reason, IReadOnlyList<int> Nodes);
