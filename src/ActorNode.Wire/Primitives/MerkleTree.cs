namespace ActorNode.Wire.Primitives;

/// <summary>Bitcoin's merkle tree: pairs hashed with dsha, an odd last node paired with itself.</summary>
public static class MerkleTree
{
    /// <summary>The merkle root of <paramref name="leaves"/>. <paramref name="mutated"/> is set when two equal
    /// siblings were hashed at any level, the CVE-2012-2459 duplicate-transaction mutation that Bitcoin Core's
    /// ComputeMerkleRoot reports.</summary>
    public static Hash256 ComputeRoot(ReadOnlySpan<Hash256> leaves, out bool mutated)
    {
        mutated = false;
        if (leaves.IsEmpty) return Hash256.Zero;
        var level = leaves.ToArray();
        int count = level.Length;
        while (count > 1)
        {
            for (int i = 0; i + 1 < count; i += 2)
                if (level[i] == level[i + 1]) mutated = true;
            int next = 0;
            for (int i = 0; i < count; i += 2)
            {
                var right = i + 1 < count ? level[i + 1] : level[i];
                level[next++] = Hash256.HashPair(level[i], right);
            }
            count = next;
        }
        return level[0];
    }

    public static Hash256 ComputeRoot(ReadOnlySpan<Hash256> leaves) => ComputeRoot(leaves, out _);

    /// <summary>The merkle root over the block's txids (the header's MerkleRoot).</summary>
    public static Hash256 ComputeRoot(Block block, out bool mutated)
    {
        var leaves = new Hash256[block.Transactions.Length];
        for (int i = 0; i < leaves.Length; i++) leaves[i] = block.Transactions[i].Txid;
        return ComputeRoot(leaves, out mutated);
    }

    /// <summary>The BIP141 witness merkle root: over wtxids, with the coinbase's taken as zero.</summary>
    public static Hash256 ComputeWitnessRoot(Block block)
    {
        var leaves = new Hash256[block.Transactions.Length];
        for (int i = 1; i < leaves.Length; i++) leaves[i] = block.Transactions[i].Wtxid;
        return ComputeRoot(leaves, out _);
    }
}
