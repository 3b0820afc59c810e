using ActorNode.Chain.Blocks;
using ActorNode.Wire;
using ActorNode.Wire.Primitives;

namespace ActorNode.Mempool;

/// <summary>The transaction relay pool: the transactions the node has seen and not yet seen confirmed, kept to
/// answer <c>getdata</c> and <c>mempool</c> and to relay. Without a UTXO set it checks what a transaction shows on
/// its own (Bitcoin Core <c>CheckTransaction</c> and the standard size limits) and nothing that needs the outputs it
/// spends: no scripts, no fees, no orphan detection (docs/mempool.md).
/// <para>Keyed by txid and by wtxid (BIP339). Bounded in bytes (oldest first out, Core trims by fee rate, which we
/// cannot know), expired after 14 days (Core <c>CTxMemPool::Expire</c>), cleared of the transactions of each
/// connected block and of those that conflict with them (Core <c>removeForBlock</c>), refilled from disconnected
/// blocks (Core <c>MaybeUpdateMempoolForReorg</c>). Two transactions spending one outpoint: the first seen stays.
/// </para>
/// <para>Not thread-safe: one owner (an actor) calls it.</para></summary>
public sealed class TxPool
{
    /// <summary>Core MAX_STANDARD_TX_WEIGHT.</summary>
    public const int MaxStandardTxWeight = 400_000;

    /// <summary>Core MIN_STANDARD_TX_NONWITNESS_SIZE.</summary>
    public const int MinStandardTxNonWitnessSize = 65;

    /// <summary>Heap bytes an entry costs beyond its serialized bytes, whatever its shape: the transaction object,
    /// the entry, its place in arrival order, and one slot in each of the two id maps (64-bit .NET). With the per-input,
    /// per-output and per-witness-item figures below, the estimate came within 1% of the managed heap growth
    /// (GC.GetTotalMemory) measured filling a pool with the 3,543 payments of blocks 574,200 and 540,107: 8.15 MB
    /// estimated, 8.16–8.20 MB measured, for 3.50 MB serialized (docs/mempool.md).</summary>
    public const int EntryOverhead = 560;

    /// <summary>Heap bytes per input: the decoded input (72) and its slot in the spent-outpoint map (~64), with the
    /// maps' spare capacity.</summary>
    public const int InputOverhead = 160;

    /// <summary>Heap bytes per output: the decoded output (value and script reference).</summary>
    public const int OutputOverhead = 24;

    /// <summary>Heap bytes per witness item: its reference in the input's witness array.</summary>
    public const int WitnessItemOverhead = 16;

    private readonly TimeProvider _time;
    private readonly Dictionary<Hash256, TxPoolEntry> _byTxid = [];
    private readonly Dictionary<Hash256, TxPoolEntry> _byWtxid = [];
    private readonly Dictionary<OutPoint, TxPoolEntry> _spentBy = [];
    private readonly LinkedList<TxPoolEntry> _arrivalOrder = new();
    private readonly RecentSet _recentRejects;
    private readonly RecentSet _recentConfirmed;

    public TxPool(TxPoolOptions? options = null, TimeProvider? time = null)
    {
        Options = options ?? TxPoolOptions.Default;
        ArgumentOutOfRangeException.ThrowIfNegative(Options.MaxBytes);
        _time = time ?? TimeProvider.System;
        _recentRejects = new RecentSet(Options.RecentRejectsCapacity);
        _recentConfirmed = new RecentSet(Options.RecentConfirmedCapacity);
    }

    public TxPoolOptions Options { get; }

    /// <summary>Transactions in the pool.</summary>
    public int Count => _byTxid.Count;

    /// <summary>The bytes accounted for the pool: serialized sizes plus <see cref="EstimateOverhead"/> for each.</summary>
    public long Bytes { get; private set; }

    /// <summary>What an entry counts against the byte limit beyond its serialized size.</summary>
    public static long EstimateOverhead(Transaction tx)
    {
        long items = 0;
        foreach (var input in tx.Inputs) items += input.Witness.Length;
        return EntryOverhead + (long)InputOverhead * tx.Inputs.Length + (long)OutputOverhead * tx.Outputs.Length
            + WitnessItemOverhead * items;
    }

    /// <summary>Takes a transaction received from a peer, or says why not. A refused transaction's wtxid is
    /// remembered until the next block (Core m_recent_rejects), so it is not fetched again; its txid is not, when it
    /// has a witness: another peer may have the same txid with a valid witness.</summary>
    public TxAcceptResult TryAdd(Transaction tx)
    {
        ArgumentNullException.ThrowIfNull(tx);
        Expire();
        var wtxid = tx.Wtxid;
        if (_byWtxid.ContainsKey(wtxid)) return new(TxPoolError.AlreadyInPool);
        if (_recentRejects.Contains(wtxid)) return new(TxPoolError.RecentlyRejected);
        if (_recentConfirmed.Contains(wtxid) || _recentConfirmed.Contains(tx.Txid))
            return new(TxPoolError.RecentlyConfirmed);

        var result = Admit(tx, restoring: false);
        if (!result.IsAccepted && result.Error != TxPoolError.PoolFull) _recentRejects.Add(wtxid);
        return result;
    }

    private TxAcceptResult Admit(Transaction tx, bool restoring)
    {
        if (_byTxid.ContainsKey(tx.Txid)) return new(TxPoolError.SameNonWitnessData);
        if (tx.IsCoinbase) return new(TxPoolError.Coinbase);
        var check = TransactionSanity.Check(tx);
        if (check != TxCheckError.None) return new(TxPoolError.Invalid, check);
        if (tx.Weight > MaxStandardTxWeight) return new(TxPoolError.TooLarge);
        if (tx.GetSerializedSize(WireEncoding.Base) < MinStandardTxNonWitnessSize) return new(TxPoolError.TooSmall);

        foreach (var input in tx.Inputs)
        {
            if (!_spentBy.TryGetValue(input.PreviousOutput, out var other)) continue;
            if (!restoring) return new(TxPoolError.Conflict);
            RemoveWithDescendants(other); // a transaction from a disconnected block beats a double-spend of it
        }

        var owned = Own(tx);
        long bytes = owned.TotalSize + EstimateOverhead(owned);
        if (bytes > Options.MaxBytes) return new(TxPoolError.PoolFull);
        while (Bytes + bytes > Options.MaxBytes && _arrivalOrder.First is { } oldest)
            RemoveWithDescendants(oldest.Value);

        var entry = new TxPoolEntry(owned, _time.GetUtcNow(), bytes);
        _byTxid.Add(entry.Txid, entry);
        _byWtxid.Add(entry.Wtxid, entry);
        foreach (var input in owned.Inputs) _spentBy[input.PreviousOutput] = entry;
        entry.Node = _arrivalOrder.AddLast(entry);
        Bytes += bytes;
        return TxAcceptResult.Accepted;
    }

    /// <summary>A copy that owns its bytes: a transaction decoded from a larger buffer (a block, a read frame)
    /// would otherwise keep all of that buffer alive while it sits in the pool.</summary>
    private static Transaction Own(Transaction tx) => Transaction.Parse(tx.ToArray(WireEncoding.Witness));

    /// <summary>Drops transactions that arrived more than <see cref="TxPoolOptions.Expiry"/> ago, with whatever in
    /// the pool spends them (Core Expire). Returns how many went.</summary>
    public int Expire()
    {
        var cutoff = _time.GetUtcNow() - Options.Expiry;
        int removed = 0;
        while (_arrivalOrder.First is { } oldest && oldest.Value.Arrival < cutoff)
            removed += RemoveWithDescendants(oldest.Value);
        return removed;
    }

    /// <summary>A block joined the best chain: its transactions leave the pool (their descendants stay: they are
    /// now spending confirmed outputs), so do pool transactions that spend the same outpoints as it, with their
    /// descendants (Core removeForBlock / removeConflicts). The recent-rejects set is cleared, since a new tip can
    /// make a refused transaction acceptable (Core resets m_recent_rejects when the tip changes), and the block's
    /// ids are remembered as recently confirmed.</summary>
    public void BlockConnected(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        foreach (var tx in block.Transactions)
        {
            if (_byTxid.TryGetValue(tx.Txid, out var included)) Remove(included);
            foreach (var input in tx.Inputs)
                if (_spentBy.TryGetValue(input.PreviousOutput, out var conflict)) RemoveWithDescendants(conflict);
            _recentConfirmed.Add(tx.Txid);
            if (tx.HasWitness) _recentConfirmed.Add(tx.Wtxid);
        }
        _recentRejects.Clear();
    }

    /// <summary>A block left the best chain (a reorganisation): its transactions other than the coinbase come back,
    /// through the same checks and byte limit as any other, and in place of any pool transaction that double-spends
    /// them. Returns how many came back. Both recent sets are cleared (Core resets them on a disconnect).</summary>
    public int BlockDisconnected(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        _recentRejects.Clear();
        _recentConfirmed.Clear();
        int restored = 0;
        foreach (var tx in block.Transactions)
        {
            if (tx.IsCoinbase || _byTxid.ContainsKey(tx.Txid)) continue;
            if (Admit(tx, restoring: true).IsAccepted) restored++;
        }
        return restored;
    }

    public bool Contains(Hash256 txid) => _byTxid.ContainsKey(txid);

    public bool ContainsWtxid(Hash256 wtxid) => _byWtxid.ContainsKey(wtxid);

    public bool TryGetByTxid(Hash256 txid, out TxPoolEntry entry) => _byTxid.TryGetValue(txid, out entry!);

    public bool TryGetByWtxid(Hash256 wtxid, out TxPoolEntry entry) => _byWtxid.TryGetValue(wtxid, out entry!);

    /// <summary>The transaction a getdata entry asks for: MSG_TX and MSG_WITNESS_TX by txid, MSG_WTX by wtxid
    /// (BIP339). Whether to send it with its witness is the caller's choice by the type.</summary>
    public bool TryGet(InvVector inv, out TxPoolEntry entry)
    {
        switch (inv.Type)
        {
            case InvType.Tx or InvType.WitnessTx: return TryGetByTxid(inv.Hash, out entry);
            case InvType.Wtx: return TryGetByWtxid(inv.Hash, out entry);
            default:
                entry = null!;
                return false;
        }
    }

    /// <summary>Core AlreadyHaveTx: no need to fetch an announced transaction that is in the pool, was refused
    /// since the last block, or was just confirmed.</summary>
    public bool AlreadyHave(InvVector inv) => inv.Type switch
    {
        InvType.Tx or InvType.WitnessTx => _byTxid.ContainsKey(inv.Hash) || IsRecentlyRejected(inv.Hash)
            || _recentConfirmed.Contains(inv.Hash),
        InvType.Wtx => _byWtxid.ContainsKey(inv.Hash) || IsRecentlyRejected(inv.Hash)
            || _recentConfirmed.Contains(inv.Hash),
        _ => false,
    };

    /// <summary>True when the wtxid (or the txid of a transaction without witness) was refused since the last block.
    /// </summary>
    public bool IsRecentlyRejected(Hash256 hash) => _recentRejects.Contains(hash);

    /// <summary>Every entry, oldest first: ids, sizes and arrival times for the <c>mempool</c> message and
    /// getrawmempool.</summary>
    public IReadOnlyList<TxPoolEntry> Snapshot() => [.. _arrivalOrder];

    private int RemoveWithDescendants(TxPoolEntry root)
    {
        int removed = 0;
        var pending = new Stack<TxPoolEntry>();
        pending.Push(root);
        while (pending.TryPop(out var entry))
        {
            if (entry.Node is null) continue; // already gone (reached twice)
            for (int i = 0; i < entry.Transaction.Outputs.Length; i++)
                if (_spentBy.TryGetValue(new OutPoint(entry.Txid, (uint)i), out var child)) pending.Push(child);
            Remove(entry);
            removed++;
        }
        return removed;
    }

    private void Remove(TxPoolEntry entry)
    {
        _byTxid.Remove(entry.Txid);
        _byWtxid.Remove(entry.Wtxid);
        foreach (var input in entry.Transaction.Inputs)
            if (_spentBy.TryGetValue(input.PreviousOutput, out var spender) && spender == entry)
                _spentBy.Remove(input.PreviousOutput);
        if (entry.Node is not null) _arrivalOrder.Remove(entry.Node);
        entry.Node = null;
        Bytes -= entry.AccountedBytes;
    }
}
