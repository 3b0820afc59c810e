using ActorNode.Lab.Network;

namespace ActorNode.Lab.Experiments;

/// <summary>One lab experiment, as its file describes it (docs/lab.md): how many nodes on how many worker processes,
/// how they are linked, how each node is set, what is injected when, which faults happen, and how long it may run.
/// Times are offsets from the start of the run (the moment every node is up and linked).</summary>
public sealed record Experiment
{
    public required string Name { get; init; }
    public required int Nodes { get; init; }
    public required int Workers { get; init; }
    public required TopologySpec Topology { get; init; }
    public NodeSettingsSpec NodeSettings { get; init; } = new();
    public IReadOnlyList<InjectionSpec> Injections { get; init; } = [];
    public IReadOnlyList<FaultSpec> Faults { get; init; } = [];
    /// <summary>The network model every link is shaped by (latency per link, each node's upload and download);
    /// <see cref="NetworkPresets.Loopback"/>: none.</summary>
    public RegionTable Network { get; init; } = NetworkPresets.Loopback;
    /// <summary>The run ends, with status "time limit", when this much time has passed since its start.</summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>After the last injection, the run ends as soon as every live node has every item (or at the limit).</summary>
    public WorkerLossPolicy OnWorkerLoss { get; init; } = WorkerLossPolicy.Continue;
    /// <summary>Seeds every random choice (topology, injection nodes, transaction contents): the same file gives the
    /// same run.</summary>
    public int Seed { get; init; } = 1;
}

public enum WorkerLossPolicy
{
    /// <summary>Note the lost worker and its nodes in the report; go on with the others.</summary>
    Continue,
    /// <summary>End the run at once with status "stopped: worker lost".</summary>
    Stop,
}

/// <summary>How nodes are linked. Each edge (From, To) is an outbound connection From → To (From dials To).</summary>
public abstract record TopologySpec
{
    /// <summary>Every node dials <paramref name="Outbound"/> distinct random others (Bitcoin's default is 8).</summary>
    public sealed record Random(int Outbound) : TopologySpec;

    /// <summary>Node i dials node i+1 (mod n).</summary>
    public sealed record Ring : TopologySpec;

    /// <summary>Watts–Strogatz: a ring where each node dials its <paramref name="Neighbours"/>/2 next nodes, each link
    /// rewired to a random node with probability <paramref name="Rewire"/>.</summary>
    public sealed record SmallWorld(int Neighbours, double Rewire) : TopologySpec;

    /// <summary>Exactly these links.</summary>
    public sealed record Explicit(IReadOnlyList<(int From, int To)> Edges) : TopologySpec;
}

/// <summary>Settings every node gets (the lab's knobs; the rest are the console node's defaults).</summary>
public sealed record NodeSettingsSpec
{
    /// <summary>How queued transaction announcements are timed: Bitcoin Core's Poisson rounds (the default, as the
    /// node's) or btcd's fixed <see cref="TrickleInterval"/>.</summary>
    public RelayTiming Relay { get; init; } = RelayTiming.Core;

    /// <summary>With <see cref="RelayTiming.Fixed"/>: how often queued announcements go out (btcd 10 s; zero: at
    /// once).</summary>
    public TimeSpan TrickleInterval { get; init; } = TimeSpan.FromSeconds(10);
    public int MaxPeers { get; init; } = 125;
}

/// <summary>The relay timing of a lab's nodes (the node's <c>actornode.peer.relay</c>).</summary>
public enum RelayTiming
{
    /// <summary>Bitcoin Core's: Poisson-spaced rounds, mean 2 s to outbound peers, 5 s shared by inbound ones.</summary>
    Core,

    /// <summary>btcd's: every queued announcement at a fixed interval.</summary>
    Fixed,
}

/// <summary>How big the injected items are.</summary>
public abstract record ItemSize
{
    /// <summary>Transactions: the smallest lab transaction (95 bytes); blocks: only the pool's transactions.</summary>
    public sealed record Minimal : ItemSize;

    /// <summary>Transactions: a size drawn from mainnet block 574,200's transactions
    /// (<see cref="MainnetTxSizes"/>).</summary>
    public sealed record Mainnet : ItemSize;

    /// <summary>Exactly this many bytes: a transaction of that size, or a block filled up to about that size with
    /// the pool's transactions and, beyond them, transactions of mainnet sizes that no node has seen.</summary>
    public sealed record Bytes(int Count) : ItemSize;
}

public enum ItemKind
{
    Transaction,
    Block,
}

/// <summary>Items to inject: <paramref name="Count"/> of a kind, at <paramref name="Node"/> (null: a random node
/// each time), the first at <paramref name="Start"/>, then one every <paramref name="Interval"/>.</summary>
public sealed record InjectionSpec(ItemKind Kind, int Count, TimeSpan Start, TimeSpan Interval, int? Node = null)
{
    /// <summary>How big each item is.</summary>
    public ItemSize Size { get; init; } = new ItemSize.Minimal();
}

/// <summary>Faults to inject during the run.</summary>
public abstract record FaultSpec(TimeSpan At)
{
    /// <summary>Kill worker process <paramref name="Worker"/> (SIGKILL) at <paramref name="At"/>.</summary>
    public sealed record KillWorker(TimeSpan At, int Worker) : FaultSpec(At);

    /// <summary>Cut every link between nodes of <paramref name="GroupA"/> and <paramref name="GroupB"/> at
    /// <paramref name="At"/>, restore them at <paramref name="HealAt"/>.</summary>
    public sealed record Partition(TimeSpan At, TimeSpan HealAt, IReadOnlyList<int> GroupA, IReadOnlyList<int> GroupB) : FaultSpec(At);

    /// <summary>Stop <paramref name="Nodes"/> at <paramref name="At"/> and start them again, empty, after
    /// <paramref name="Downtime"/> (they reconnect along their topology links and catch up).</summary>
    public sealed record Churn(TimeSpan At, TimeSpan Downtime, IReadOnlyList<int> Nodes) : FaultSpec(At);
}
