using ActorNode.Chain.Blocks;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;

namespace ActorNode.Sync.Compact;

/// <summary>What reading a compact block or filling it came to (Bitcoin Core <c>ReadStatus</c>).</summary>
public enum CompactReadStatus
{
    /// <summary>Usable (Core READ_STATUS_OK).</summary>
    Ok,

    /// <summary>The peer sent something no honest peer sends: an empty compact block, too many transactions,
    /// prefilled indexes out of order or beyond the block, a blocktxn with too few or too many transactions
    /// (Core READ_STATUS_INVALID: misbehaviour).</summary>
    Invalid,

    /// <summary>Not the peer's fault, but the compact form cannot be used: two short ids in the message are equal,
    /// or the filled block does not match its header (a short-id collision picked the wrong pool transaction).
    /// Ask for the full block (Core READ_STATUS_FAILED).</summary>
    Failed,
}

/// <summary>The outcome of <see cref="PartialBlock.Create"/>.</summary>
public sealed record PartialBlockInit(CompactReadStatus Status, PartialBlock? Block, string? Reason = null);

/// <summary>The outcome of <see cref="PartialBlock.Fill"/>: the block when <see cref="Status"/> is Ok.</summary>
public sealed record PartialBlockFill(CompactReadStatus Status, Block? Block, string? Reason = null);

/// <summary>A block being rebuilt from a <c>cmpctblock</c> and our relay pool (Bitcoin Core
/// <c>PartiallyDownloadedBlock::InitData</c> and <c>FillBlock</c>, blockencodings.cpp, compact-block version 2).
/// <para><see cref="Create"/> places the prefilled transactions, maps every short id to its position, and looks each
/// candidate transaction's wtxid short id up in that map: a position matched by one candidate takes it, a position
/// matched by two candidates is left empty (asked for, as Core does). The positions still empty are
/// <see cref="MissingIndexes"/>, to ask for with <c>getblocktxn</c>. <see cref="Fill"/> puts the
/// <c>blocktxn</c> answer into them and checks the result against the header (merkle root, the CVE-2012-2459
/// duplication, the witness commitment: Core <c>IsBlockMutated</c>); a mismatch means a short-id collision, and the
/// full block must be fetched.</para>
/// <para>Not done (Core does): the extra pool of recently evicted or orphan transactions (we keep none), and the
/// hash-table bucket-size guard (our dictionary hashes with a per-process random seed).</para>
/// <para>Immutable once created: <see cref="Fill"/> can be called again with other transactions.</para></summary>
public sealed class PartialBlock
{
    /// <summary>Core: no block can hold more transactions than MAX_BLOCK_WEIGHT / MIN_SERIALIZABLE_TRANSACTION_WEIGHT
    /// (4,000,000 / 40).</summary>
    public const int MaxTransactions = 4_000_000 / 40;

    private readonly Transaction?[] _available;

    private PartialBlock(BlockHeader header, Transaction?[] available, ushort[] missing, int prefilled, int fromPool)
    {
        Header = header;
        Hash = header.GetHash();
        _available = available;
        MissingIndexes = missing;
        PrefilledCount = prefilled;
        FromPoolCount = fromPool;
    }

    public BlockHeader Header { get; }

    public Hash256 Hash { get; }

    /// <summary>Transactions in the block.</summary>
    public int TransactionCount => _available.Length;

    /// <summary>Transactions the message carried in full.</summary>
    public int PrefilledCount { get; }

    /// <summary>Transactions found among the candidates (our relay pool).</summary>
    public int FromPoolCount { get; }

    /// <summary>The positions to ask for with <c>getblocktxn</c>, increasing.</summary>
    public IReadOnlyList<ushort> MissingIndexes { get; }

    /// <summary>Nothing to ask for: <see cref="Fill"/> with no transactions builds the block.</summary>
    public bool IsComplete => MissingIndexes.Count == 0;

    /// <summary>Whether the transaction at <paramref name="index"/> is known (Core <c>IsTxAvailable</c>).</summary>
    public bool IsTxAvailable(int index) => _available[index] is not null;

    /// <summary>Reads <paramref name="message"/> and fills what it can from <paramref name="candidates"/> (the relay
    /// pool's transactions; each is matched by the short id of its wtxid).</summary>
    public static PartialBlockInit Create(CompactBlockMessage message, IEnumerable<Transaction> candidates)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(candidates);
        var shortIds = message.ShortIds;
        var prefilled = message.PrefilledTransactions;
        int count = shortIds.Length + prefilled.Length;
        if (count == 0) return new(CompactReadStatus.Invalid, null, "empty compact block");
        if (count > MaxTransactions || count > CompactBlockMessage.MaxTransactions + 1)
            return new(CompactReadStatus.Invalid, null, $"compact block of {count} transactions");

        var available = new Transaction?[count];
        int last = -1;
        for (int i = 0; i < prefilled.Length; i++)
        {
            int index = prefilled[i].Index;
            // Core: strictly increasing, and never beyond what the short ids and the prefilled so far can cover.
            if (index <= last || index > shortIds.Length + i)
                return new(CompactReadStatus.Invalid, null, $"prefilled transaction {i} at index {index} out of order or beyond the block");
            available[index] = prefilled[i].Transaction;
            last = index;
        }

        // Each short id names the next position not prefilled.
        var positions = new Dictionary<ulong, int>(shortIds.Length);
        int offset = 0;
        for (int i = 0; i < shortIds.Length; i++)
        {
            while (available[i + offset] is not null) offset++;
            if (!positions.TryAdd(shortIds[i], i + offset))
                return new(CompactReadStatus.Failed, null, "two transactions of the block share a short id");
        }

        int fromPool = 0;
        if (shortIds.Length > 0)
        {
            var keys = message.GetShortIdKeys();
            var matched = new bool[count];
            foreach (var tx in candidates)
            {
                if (!positions.TryGetValue(keys.Compute(tx.Wtxid), out int at)) continue;
                if (!matched[at])
                {
                    matched[at] = true;
                    available[at] = tx;
                    if (++fromPool == shortIds.Length) break;
                }
                else if (available[at] is not null)
                {
                    // Two candidates share the short id: ask for the transaction rather than guess (Core).
                    available[at] = null;
                    fromPool--;
                }
            }
        }

        var missing = new List<ushort>(shortIds.Length - fromPool);
        for (int i = 0; i < count; i++)
            if (available[i] is null) missing.Add((ushort)i);
        return new(CompactReadStatus.Ok, new PartialBlock(message.Header, available, [.. missing], prefilled.Length, fromPool));
    }

    /// <summary>The block with <paramref name="missing"/> (the <c>blocktxn</c> answer, in <see cref="MissingIndexes"/>
    /// order) in the empty positions. Too few or too many transactions: Invalid. A block that does not match its
    /// header: Failed (fetch the full block). <paramref name="segwitActive"/>: check the witness commitment too.</summary>
    public PartialBlockFill Fill(IReadOnlyList<Transaction> missing, bool segwitActive)
    {
        ArgumentNullException.ThrowIfNull(missing);
        if (missing.Count != MissingIndexes.Count)
            return new(CompactReadStatus.Invalid, null,
                $"{missing.Count} transactions for {MissingIndexes.Count} missing positions");
        var txs = new Transaction[_available.Length];
        int next = 0;
        for (int i = 0; i < txs.Length; i++) txs[i] = _available[i] ?? missing[next++];
        var block = new Block(Header, txs);
        var mutation = BlockSanity.CheckMutation(block, segwitActive);
        if (!mutation.IsValid)
            return new(CompactReadStatus.Failed, null, $"reconstructed block does not match its header: {mutation}");
        return new(CompactReadStatus.Ok, block);
    }
}
