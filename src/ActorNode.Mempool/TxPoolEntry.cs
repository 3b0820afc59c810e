using ActorNode.Wire.Primitives;

namespace ActorNode.Mempool;

/// <summary>One transaction in the <see cref="TxPool"/>: what getdata answers with and what getrawmempool and the
/// <c>mempool</c> message list. Immutable to its readers.</summary>
public sealed class TxPoolEntry
{
    internal TxPoolEntry(Transaction tx, DateTimeOffset arrival, long accountedBytes)
    {
        Transaction = tx;
        Txid = tx.Txid;
        Wtxid = tx.Wtxid;
        Size = tx.TotalSize;
        Weight = tx.Weight;
        Arrival = arrival;
        AccountedBytes = accountedBytes;
    }

    public Transaction Transaction { get; }
    public Hash256 Txid { get; }
    public Hash256 Wtxid { get; }

    /// <summary>Serialized size with witness data.</summary>
    public int Size { get; }

    /// <summary>BIP141 weight.</summary>
    public int Weight { get; }

    /// <summary>Virtual size: weight / 4, rounded up (Core GetVirtualTransactionSize without sigop adjustment).
    /// </summary>
    public int VirtualSize => (Weight + 3) / 4;

    /// <summary>When the pool took it (the injected clock).</summary>
    public DateTimeOffset Arrival { get; }

    /// <summary>What the entry counts against <see cref="TxPoolOptions.MaxBytes"/>: <see cref="Size"/> plus
    /// <see cref="TxPool.EstimateOverhead"/>.</summary>
    public long AccountedBytes { get; }

    /// <summary>Its place in arrival order.</summary>
    internal LinkedListNode<TxPoolEntry>? Node { get; set; }

    public override string ToString() => $"{Txid} ({Size} bytes, {Arrival:u})";
}
