using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;

namespace ActorNode.Connections.Bloom;

/// <summary>BIP37's partial merkle tree (Bitcoin Core merkleblock.cpp CPartialMerkleTree): the block's transaction
/// count, the hashes and the flag bits of a depth-first walk that descends only into subtrees holding a matched
/// transaction. Built from all txids and a match per txid; parsed back (<see cref="ExtractMatches"/>) into the
/// merkle root and the matched txids with their positions, so a client checks the root against the header.</summary>
public sealed class PartialMerkleTree
{
    /// <summary>Core: MAX_BLOCK_WEIGHT / MIN_TRANSACTION_WEIGHT (4,000,000 / 240), the most transactions a block can
    /// hold; a tree claiming more is refused.</summary>
    public const uint MaxTransactions = 4_000_000 / 240;

    private readonly List<bool> _bits;
    private readonly List<Hash256> _hashes;

    private PartialMerkleTree(uint transactions, List<Hash256> hashes, List<bool> bits)
    {
        TransactionCount = transactions;
        _hashes = hashes;
        _bits = bits;
    }

    public uint TransactionCount { get; }
    public IReadOnlyList<Hash256> Hashes => _hashes;
    public IReadOnlyList<bool> Bits => _bits;

    /// <summary>The flag bits packed eight to a byte, least significant bit first (Core's serialisation).</summary>
    public byte[] FlagBytes()
    {
        var bytes = new byte[(_bits.Count + 7) / 8];
        for (int i = 0; i < _bits.Count; i++)
            if (_bits[i]) bytes[i / 8] |= (byte)(1 << (i % 8));
        return bytes;
    }

    /// <summary>The tree over <paramref name="txids"/> that proves those whose <paramref name="matches"/> is true.</summary>
    public static PartialMerkleTree Build(IReadOnlyList<Hash256> txids, IReadOnlyList<bool> matches)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(matches.Count, txids.Count, nameof(matches));
        var tree = new PartialMerkleTree((uint)txids.Count, [], []);
        if (txids.Count == 0) return tree;
        int height = 0;
        while (tree.Width(height) > 1) height++;
        tree.TraverseAndBuild(height, 0, txids, matches);
        return tree;
    }

    /// <summary>A tree as received (a merkleblock's count, hashes and flag bytes).</summary>
    public static PartialMerkleTree Parse(uint transactions, IReadOnlyList<Hash256> hashes, ReadOnlySpan<byte> flags)
    {
        var bits = new List<bool>(flags.Length * 8);
        for (int i = 0; i < flags.Length * 8; i++) bits.Add((flags[i / 8] & (1 << (i % 8))) != 0);
        return new PartialMerkleTree(transactions, [.. hashes], bits);
    }

    public static PartialMerkleTree Parse(MerkleBlockMessage message) =>
        Parse(message.TotalTransactions, message.Hashes, message.Flags.Span);

    /// <summary>Core ExtractMatches: the merkle root the tree proves and the matched txids with their positions in the
    /// block, or null for a malformed tree (no transactions, too many, more hashes than transactions, fewer bits
    /// than hashes, a walk that runs out of bits or hashes or leaves some unused beyond the byte padding, or two
    /// equal siblings: the CVE-2012-2459 mutation).</summary>
    public Hash256? ExtractMatches(out List<(int Index, Hash256 Txid)> matches)
    {
        matches = [];
        if (TransactionCount == 0 || TransactionCount > MaxTransactions) return null;
        if (_hashes.Count > TransactionCount) return null;
        if (_bits.Count < _hashes.Count) return null;
        int height = 0;
        while (Width(height) > 1) height++;
        int bitsUsed = 0, hashesUsed = 0;
        bool bad = false;
        var root = TraverseAndExtract(height, 0, ref bitsUsed, ref hashesUsed, matches, ref bad);
        if (bad) return null;
        if ((bitsUsed + 7) / 8 != (_bits.Count + 7) / 8) return null;
        if (hashesUsed != _hashes.Count) return null;
        return root;
    }

    private uint Width(int height) => (uint)(((ulong)TransactionCount + (1UL << height) - 1) >> height);

    private static Hash256 CalcHash(int height, uint position, IReadOnlyList<Hash256> txids, PartialMerkleTree tree)
    {
        if (height == 0) return txids[(int)position];
        var left = CalcHash(height - 1, position * 2, txids, tree);
        var right = position * 2 + 1 < tree.Width(height - 1) ? CalcHash(height - 1, position * 2 + 1, txids, tree) : left;
        return Hash256.HashPair(left, right);
    }

    private void TraverseAndBuild(int height, uint position, IReadOnlyList<Hash256> txids, IReadOnlyList<bool> matches)
    {
        bool parentOfMatch = false;
        ulong end = Math.Min(((ulong)position + 1) << height, TransactionCount);
        for (ulong p = (ulong)position << height; p < end && !parentOfMatch; p++) parentOfMatch |= matches[(int)p];
        _bits.Add(parentOfMatch);
        if (height == 0 || !parentOfMatch)
        {
            _hashes.Add(CalcHash(height, position, txids, this));
            return;
        }
        TraverseAndBuild(height - 1, position * 2, txids, matches);
        if (position * 2 + 1 < Width(height - 1)) TraverseAndBuild(height - 1, position * 2 + 1, txids, matches);
    }

    private Hash256 TraverseAndExtract(int height, uint position, ref int bitsUsed, ref int hashesUsed,
        List<(int Index, Hash256 Txid)> matches, ref bool bad)
    {
        if (bitsUsed >= _bits.Count)
        {
            bad = true;
            return default;
        }
        bool parentOfMatch = _bits[bitsUsed++];
        if (height == 0 || !parentOfMatch)
        {
            if (hashesUsed >= _hashes.Count)
            {
                bad = true;
                return default;
            }
            var hash = _hashes[hashesUsed++];
            if (height == 0 && parentOfMatch) matches.Add(((int)position, hash));
            return hash;
        }
        var left = TraverseAndExtract(height - 1, position * 2, ref bitsUsed, ref hashesUsed, matches, ref bad);
        Hash256 right;
        if (position * 2 + 1 < Width(height - 1))
        {
            right = TraverseAndExtract(height - 1, position * 2 + 1, ref bitsUsed, ref hashesUsed, matches, ref bad);
            if (right == left) bad = true; // CVE-2012-2459: a duplicated sibling would fake another tree
        }
        else
        {
            right = left;
        }
        return Hash256.HashPair(left, right);
    }
}
