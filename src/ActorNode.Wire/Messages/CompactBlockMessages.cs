using ActorNode.Wire.Encoding;
using ActorNode.Wire.Primitives;

namespace ActorNode.Wire.Messages;

// BIP152 compact blocks. btcd has none of these; the layouts and limits follow Bitcoin Core's
// blockencodings.h/.cpp and net_processing.cpp. Core only speaks compact-block version 2, so every transaction in
// these messages is written and read with its witness (BIP144), whatever the connection's encoding.

/// <summary>Negotiates compact blocks (BIP152 <c>sendcmpct</c>): whether the sender wants new blocks announced
/// as <c>cmpctblock</c> straight away (high-bandwidth mode), and the compact-block version (2 = with witnesses).
/// A byte other than 0 reads as true, as in Core, and is written back as 1.</summary>
public sealed record SendCompactMessage(bool Announce, ulong Version) : IWireMessage
{
    public const string CommandName = "sendcmpct";
    public const int MaxPayload = 1 + 8;
    /// <summary>Core's CMPCTBLOCKS_VERSION: version 2 uses wtxids and carries witnesses.</summary>
    public const ulong WitnessVersion = 2;

    public string Command => CommandName;

    public void WritePayload(WireWriter writer, WireContext context)
    {
        writer.WriteBool(Announce);
        writer.WriteUInt64(Version);
    }

    public static SendCompactMessage Decode(ref WireReader reader, WireContext context) =>
        new(reader.ReadBool(), reader.ReadUInt64());
}

/// <summary>A transaction sent in full inside a <see cref="CompactBlockMessage"/>. <see cref="Index"/> is the
/// transaction's absolute position in the block; on the wire it is differentially encoded (the difference from
/// the previous prefilled index, minus one).</summary>
public readonly record struct PrefilledTransaction(ushort Index, Transaction Transaction);

/// <summary>A compact block (BIP152 <c>cmpctblock</c>, Core <c>CBlockHeaderAndShortTxIDs</c>): the header, a nonce,
/// the 6-byte short ids of the transactions the receiver probably has, and the transactions sent in full.
/// <para>Decoding enforces what Core's deserialiser does (every prefilled delta and the total transaction count fit
/// in 16 bits) and also the index checks Core's <c>PartiallyDownloadedBlock::InitData</c> applies before it uses
/// the message: the i-th prefilled index is at most (short ids + i), so every position in the block is covered
/// by exactly one short id or prefilled transaction. Whether the message is empty is left to the caller.
/// Prefilled transactions keep zero-copy slices of the payload.</para></summary>
public sealed record CompactBlockMessage(BlockHeader Header, ulong Nonce, ulong[] ShortIds,
    PrefilledTransaction[] PrefilledTransactions) : IWireMessage
{
    public const string CommandName = "cmpctblock";

    /// <summary>Core: a compact block's transaction count must fit in 16 bits ("indexes overflowed 16 bits").</summary>
    public const int MaxTransactions = ushort.MaxValue;

    /// <summary>Smallest prefilled entry: a 1-byte index and a 10-byte transaction.</summary>
    private const int MinPrefilledSize = 1 + CompactBlocks.MinTransactionSize;

    public string Command => CommandName;

    /// <summary>The number of transactions in the block this message describes.</summary>
    public int TransactionCount => ShortIds.Length + PrefilledTransactions.Length;

    /// <summary>The SipHash keys for this message's short ids.</summary>
    public ShortTxIdKeys GetShortIdKeys() => ShortTxId.ComputeKeys(Header, Nonce);

    /// <summary>Builds the compact form of <paramref name="block"/> as Core does: the coinbase prefilled, every
    /// other transaction as the short id of its wtxid.</summary>
    public static CompactBlockMessage FromBlock(Block block, ulong nonce)
    {
        var txs = block.Transactions;
        bool prefillCoinbase = txs.Length > 0 && txs[0].IsCoinbase;
        int skip = prefillCoinbase ? 1 : 0;
        var keys = ShortTxId.ComputeKeys(block.Header, nonce);
        var shortIds = new ulong[txs.Length - skip];
        for (int i = skip; i < txs.Length; i++) shortIds[i - skip] = keys.Compute(txs[i].Wtxid);
        PrefilledTransaction[] prefilled = prefillCoinbase ? [new PrefilledTransaction(0, txs[0])] : [];
        return new CompactBlockMessage(block.Header, nonce, shortIds, prefilled);
    }

    public void WritePayload(WireWriter writer, WireContext context)
    {
        if (TransactionCount > MaxTransactions)
            throw new WireException(WireError.TooMany,
                $"cmpctblock: {TransactionCount} transactions exceed the limit of {MaxTransactions}");
        Header.Write(writer);
        writer.WriteUInt64(Nonce);
        writer.WriteCompactSize((ulong)ShortIds.Length);
        foreach (ulong id in ShortIds)
        {
            if (id > ShortTxId.Mask)
                throw new WireException(WireError.Malformed, $"cmpctblock: short id 0x{id:x} is wider than 6 bytes");
            writer.WriteUInt32((uint)id);
            writer.WriteUInt16((ushort)(id >> 32));
        }
        writer.WriteCompactSize((ulong)PrefilledTransactions.Length);
        int next = 0;
        for (int i = 0; i < PrefilledTransactions.Length; i++)
        {
            var (index, tx) = PrefilledTransactions[i];
            if (index < next || index > ShortIds.Length + i)
                throw new WireException(WireError.Malformed,
                    $"cmpctblock: prefilled index {index} is out of order or beyond the block");
            writer.WriteCompactSize((ulong)(index - next));
            tx.Write(writer, WireEncoding.Witness);
            next = index + 1;
        }
    }

    public static CompactBlockMessage Decode(ref WireReader reader, WireContext context)
    {
        var header = BlockHeader.Read(ref reader);
        ulong nonce = reader.ReadUInt64();

        int shortCount = reader.ReadCount(MaxTransactions, ShortTxId.Size, "cmpctblock short ids");
        var shortIds = new ulong[shortCount];
        for (int i = 0; i < shortCount; i++)
        {
            uint low = reader.ReadUInt32();
            ushort high = reader.ReadUInt16();
            shortIds[i] = ((ulong)high << 32) | low;
        }

        int prefilledCount = reader.ReadCount((ulong)(MaxTransactions - shortCount), MinPrefilledSize,
            "cmpctblock prefilled transactions");
        var prefilled = new PrefilledTransaction[prefilledCount];
        long last = -1;
        for (int i = 0; i < prefilledCount; i++)
        {
            ulong delta = reader.ReadCompactSize();
            if (delta > ushort.MaxValue)
                throw new WireException(WireError.Malformed, $"cmpctblock: prefilled index delta {delta} overflows 16 bits");
            long index = last + 1 + (long)delta;
            if (index > shortCount + i)
                throw new WireException(WireError.Malformed,
                    $"cmpctblock: prefilled transaction {i} at index {index} lies beyond the {shortCount + prefilledCount} transactions");
            prefilled[i] = new PrefilledTransaction((ushort)index, Transaction.Read(ref reader, WireEncoding.Witness));
            last = index;
        }
        return new CompactBlockMessage(header, nonce, shortIds, prefilled);
    }
}

/// <summary>Asks for the transactions of a compact block the receiver could not fill (BIP152 <c>getblocktxn</c>,
/// Core <c>BlockTransactionsRequest</c>). <see cref="Indexes"/> are absolute and strictly increasing; on the wire
/// they are differentially encoded, and Core refuses any that passes 65,535 ("differential value overflow").</summary>
public sealed record GetBlockTransactionsMessage(Hash256 BlockHash, ushort[] Indexes) : IWireMessage
{
    public const string CommandName = "getblocktxn";

    /// <summary>Indexes 0..65535, each at most once.</summary>
    public const int MaxIndexes = ushort.MaxValue + 1;

    /// <summary>Hash, a CompactSize count (5 bytes for 65,536), and 65,536 deltas of at most 3 bytes each
    /// (a canonical CompactSize below 0x10000). Core sets no tighter bound than the 4,000,000-byte frame limit.</summary>
    public const int MaxPayload = Hash256.Size + 5 + MaxIndexes * 3;

    public string Command => CommandName;

    public void WritePayload(WireWriter writer, WireContext context)
    {
        if (Indexes.Length > MaxIndexes)
            throw new WireException(WireError.TooMany, $"getblocktxn: {Indexes.Length} indexes exceed {MaxIndexes}");
        writer.WriteHash(BlockHash);
        CompactBlocks.WriteDifferentialIndexes(writer, Indexes, "getblocktxn");
    }

    public static GetBlockTransactionsMessage Decode(ref WireReader reader, WireContext context)
    {
        var hash = reader.ReadHash();
        int count = reader.ReadCount(MaxIndexes, 1, "getblocktxn indexes");
        var indexes = CompactBlocks.ReadDifferentialIndexes(ref reader, count, "getblocktxn");
        return new GetBlockTransactionsMessage(hash, indexes);
    }
}

/// <summary>The transactions a <c>getblocktxn</c> asked for, in the order asked (BIP152 <c>blocktxn</c>, Core
/// <c>BlockTransactions</c>), each with its witness. At most 65,536 (one per index a request can name).
/// Transactions keep zero-copy slices of the payload.</summary>
public sealed record BlockTransactionsMessage(Hash256 BlockHash, Transaction[] Transactions) : IWireMessage
{
    public const string CommandName = "blocktxn";

    public const int MaxTransactions = GetBlockTransactionsMessage.MaxIndexes;

    public string Command => CommandName;

    public void WritePayload(WireWriter writer, WireContext context)
    {
        if (Transactions.Length > MaxTransactions)
            throw new WireException(WireError.TooMany,
                $"blocktxn: {Transactions.Length} transactions exceed the limit of {MaxTransactions}");
        writer.WriteHash(BlockHash);
        writer.WriteCompactSize((ulong)Transactions.Length);
        foreach (var tx in Transactions) tx.Write(writer, WireEncoding.Witness);
    }

    public static BlockTransactionsMessage Decode(ref WireReader reader, WireContext context)
    {
        var hash = reader.ReadHash();
        int count = reader.ReadCount(MaxTransactions, CompactBlocks.MinTransactionSize, "blocktxn transactions");
        var txs = new Transaction[count];
        for (int i = 0; i < count; i++) txs[i] = Transaction.Read(ref reader, WireEncoding.Witness);
        return new BlockTransactionsMessage(hash, txs);
    }
}

/// <summary>Shared BIP152 encoding helpers.</summary>
public static class CompactBlocks
{
    /// <summary>The smallest serialised transaction: version, two empty counts, lock time.</summary>
    public const int MinTransactionSize = 4 + 1 + 1 + 4;

    /// <summary>Reads <paramref name="count"/> differentially encoded indexes (BIP152: each value is the
    /// difference from the previous index minus one) as Core's <c>DifferenceFormatter</c> does: any index above
    /// 65,535 is an error.</summary>
    public static ushort[] ReadDifferentialIndexes(ref WireReader reader, int count, string what)
    {
        var indexes = new ushort[count];
        ulong shift = 0;
        for (int i = 0; i < count; i++)
        {
            ulong delta = reader.ReadCompactSize();
            if (delta > ushort.MaxValue || shift + delta > ushort.MaxValue)
                throw new WireException(WireError.Malformed,
                    $"{what}: differential index overflow at entry {i} (delta {delta} after {shift})");
            shift += delta;
            indexes[i] = (ushort)shift;
            shift++;
        }
        return indexes;
    }

    /// <summary>Writes strictly increasing absolute indexes differentially.</summary>
    public static void WriteDifferentialIndexes(WireWriter writer, ReadOnlySpan<ushort> indexes, string what)
    {
        writer.WriteCompactSize((ulong)indexes.Length);
        int next = 0;
        foreach (ushort index in indexes)
        {
            if (index < next)
                throw new WireException(WireError.Malformed, $"{what}: index {index} is not increasing");
            writer.WriteCompactSize((ulong)(index - next));
            next = index + 1;
        }
    }
}
