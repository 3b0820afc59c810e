using ActorNode.Wire.Primitives;
using CsCheck;

namespace ActorNode.Wire.Tests.Properties;

/// <summary><see cref="MerkleTree"/> against <see cref="Reference.MerkleRoot"/>, a plain transcription of Bitcoin
/// Core's ComputeMerkleRoot over raw SHA-256.</summary>
public class MerkleProperties
{
    /// <summary>Leaves drawn from a small pool, so equal siblings (the CVE-2012-2459 mutation) occur often.</summary>
    private static readonly Gen<Hash256[]> Leaves = Gen.Frequency(
        (2, WireGen.Hash.Array[0, 70]),
        (1, WireGen.Hash.Array[1, 3].SelectMany(pool => Gen.Int[0, pool.Length - 1].Array[0, 40]
            .Select(picks => picks.Select(i => pool[i]).ToArray()))));

    [Fact]
    public void MerkleRoot_AnyLeaves_EqualsReferenceRootAndMutationFlag()
    {
        Leaves.Sample(leaves =>
        {
            var expected = Reference.MerkleRoot(leaves.Select(h => h.ToArray()).ToList(), out bool expectedMutated);
            var root = MerkleTree.ComputeRoot(leaves, out bool mutated);
            Assert.Equal(new Hash256(expected), root);
            Assert.Equal(expectedMutated, mutated);
        }, iter: 2000);
    }

    /// <summary>CVE-2012-2459: repeating the last leaf of an odd list of three or more gives the same root, and the
    /// list with the repetition is flagged as mutated.</summary>
    [Fact]
    public void MerkleRoot_OddListWithLastLeafRepeated_SameRootAndMutated()
    {
        WireGen.Hash.Array[1, 30].Select(h => h.Length % 2 == 1 ? h : h[..^1]).Where(h => h.Length >= 3)
            .Sample(leaves =>
            {
                var root = MerkleTree.ComputeRoot(leaves, out _);
                var repeated = MerkleTree.ComputeRoot([.. leaves, leaves[^1]], out bool mutated);
                Assert.Equal(root, repeated);
                Assert.True(mutated);
            }, iter: 500);
    }

    /// <summary>A block's merkle root is the reference root over dsha of each transaction's legacy serialisation
    /// (reference writer, not the codec's), and its witness root the reference root over the wtxids with the
    /// coinbase's taken as zero; the same holds after the block is encoded and decoded (zero-copy txids).</summary>
    [Fact]
    public void BlockMerkleRoots_ConstructedAndDecoded_EqualReferenceComputation()
    {
        WireGen.Blocks.Sample(block =>
        {
            var txids = block.Transactions
                .Select(tx => Reference.DoubleSha256(Reference.Serialize(tx, withWitness: false))).ToList();
            var wtxids = block.Transactions
                .Select((tx, i) => i == 0 ? new byte[32] : Reference.DoubleSha256(Reference.Serialize(tx, true)))
                .ToList();
            var root = new Hash256(Reference.MerkleRoot(txids, out bool mutated));
            var witnessRoot = new Hash256(Reference.MerkleRoot(wtxids, out _));

            var decoded = Block.Parse(block.ToArray(WireEncoding.Witness), WireEncoding.Witness);
            foreach (var b in new[] { block, decoded })
            {
                Assert.Equal(root, MerkleTree.ComputeRoot(b, out bool m));
                Assert.Equal(mutated, m);
                Assert.Equal(witnessRoot, MerkleTree.ComputeWitnessRoot(b));
            }
        }, iter: 500);
    }
}
