using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;

namespace ActorNode.Connections.Bloom;

/// <summary>A filtered block: the merkleblock message and the block's transactions that matched, in block order
/// (Core CMerkleBlock: header, txn, vMatchedTxn). Core sends the merkleblock and then each matched transaction as
/// a <c>tx</c> message.</summary>
public sealed record FilteredBlock(MerkleBlockMessage Message, IReadOnlyList<(int Index, Transaction Transaction)> Matched);

/// <summary>Builds BIP37 merkle blocks (Bitcoin Core merkleblock.cpp CMerkleBlock, btcd bloom.NewMerkleBlock).</summary>
public static class MerkleBlockBuilder
{
    /// <summary>The block filtered by <paramref name="filter"/>: each transaction is tested in block order with
    /// <see cref="BloomFilter.IsRelevantAndUpdate"/>, so an output matched early makes a later spend of it match
    /// (and the filter keeps what it learnt, as Core's does).</summary>
    public static FilteredBlock Build(Block block, BloomFilter filter)
    {
        var txs = block.Transactions;
        var txids = new Hash256[txs.Length];
        var matches = new bool[txs.Length];
        var matched = new List<(int, Transaction)>();
        for (int i = 0; i < txs.Length; i++)
        {
            txids[i] = txs[i].Txid;
            if (filter.IsRelevantAndUpdate(txs[i]))
            {
                matches[i] = true;
                matched.Add((i, txs[i]));
            }
        }
        return new FilteredBlock(ToMessage(block.Header, PartialMerkleTree.Build(txids, matches)), matched);
    }

    /// <summary>The block with the transactions of <paramref name="txids"/> proved (Core's CMerkleBlock for a txid set,
    /// gettxoutproof); nothing is listed as matched, as in Core.</summary>
    public static MerkleBlockMessage Build(Block block, IReadOnlySet<Hash256> txids)
    {
        var all = block.Transactions.Select(tx => tx.Txid).ToArray();
        return ToMessage(block.Header, PartialMerkleTree.Build(all, [.. all.Select(txids.Contains)]));
    }

    private static MerkleBlockMessage ToMessage(BlockHeader header, PartialMerkleTree tree) =>
        new(header, tree.TransactionCount, [.. tree.Hashes], tree.FlagBytes());
}
