using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;

namespace ActorNode.Sync.Compact;

/// <summary>The sending side of BIP152 (version 2): a block as a <c>cmpctblock</c> (Bitcoin Core
/// <c>CBlockHeaderAndShortTxIDs(block, nonce)</c>: a fresh random nonce, the SipHash keys from header and nonce, the
/// coinbase prefilled, every other transaction as the 6-byte short id of its wtxid) and the answer to a
/// <c>getblocktxn</c> (Core net_processing <c>SendBlockTransactions</c>).</summary>
public static class CompactBlockBuilder
{
    /// <summary>A <c>getdata MSG_CMPCT_BLOCK</c> for a block at most this far below our tip gets a <c>cmpctblock</c>,
    /// an older one the full block (Core MAX_CMPCTBLOCK_DEPTH).</summary>
    public const int MaxCompactBlockDepth = 5;

    /// <summary>A <c>getblocktxn</c> for a block at most this far below our tip is answered with <c>blocktxn</c>, an
    /// older one with the full block (Core MAX_BLOCKTXN_DEPTH).</summary>
    public const int MaxBlockTransactionsDepth = 10;

    /// <summary>The compact form of <paramref name="block"/> with a nonce from <paramref name="random"/> (Core draws a
    /// new 64-bit nonce for every compact block it builds, so that short-id collisions differ between blocks).</summary>
    public static CompactBlockMessage Build(Block block, Random random)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(random);
        Span<byte> nonce = stackalloc byte[8];
        random.NextBytes(nonce);
        return Build(block, System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(nonce));
    }

    /// <summary>The compact form of <paramref name="block"/> with a given nonce.</summary>
    public static CompactBlockMessage Build(Block block, ulong nonce)
    {
        ArgumentNullException.ThrowIfNull(block);
        return CompactBlockMessage.FromBlock(block, nonce);
    }

    /// <summary>The transactions a <c>getblocktxn</c> names, in the order named, or null when an index lies beyond the
    /// block (Core: "getblocktxn with out-of-bounds tx indices", a misbehaviour that disconnects).</summary>
    public static BlockTransactionsMessage? AnswerRequest(Block block, GetBlockTransactionsMessage request)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(request);
        var txs = block.Transactions;
        var answer = new Transaction[request.Indexes.Length];
        for (int i = 0; i < answer.Length; i++)
        {
            int index = request.Indexes[i];
            if (index >= txs.Length) return null;
            answer[i] = txs[index];
        }
        return new BlockTransactionsMessage(block.GetHash(), answer);
    }
}
