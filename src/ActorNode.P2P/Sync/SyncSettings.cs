using ActorNode.Chain;
using ActorNode.Mempool;
using ActorNode.Storage.Blocks;

namespace ActorNode.P2P.Sync;

/// <summary>What the SyncActor runs with.</summary>
public sealed record SyncSettings
{
    public required ChainParams Chain { get; init; }

    /// <summary>Opens the block store; called once, in the actor's PreStart (the actor owns and disposes it).
    /// <see cref="MemoryBlockStore"/> for the lab and fast tests, <see cref="BlockStore.Open"/> for a node.</summary>
    public required Func<IBlockStore> OpenStore { get; init; }

    public TxPoolOptions Pool { get; init; } = TxPoolOptions.Default;

    /// <summary>--blocksonly: no transaction is asked for or relayed.</summary>
    public bool BlocksOnly { get; init; }

    /// <summary>How often download stalls and timeouts are checked and progress is published.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a transaction asked of one peer is not asked of another (Core GETDATA_TX_INTERVAL).</summary>
    public TimeSpan TransactionRequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
