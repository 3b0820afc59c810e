using ActorNode.Connections.Bloom;
using ActorNode.Wire;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;

namespace ActorNode.Connections.Tests.Bloom;

/// <summary>CMerkleBlock / CPartialMerkleTree against Bitcoin Core's src/test/bloom_tests.cpp (merkle_block_1 to
/// merkle_block_4 and their UPDATE_NONE / P2PUBKEY_ONLY variants), and the partial tree against an independent route
/// (the full merkle root of <see cref="MerkleTree"/>).</summary>
public class MerkleBlockBuilderTests
{
    private static Block Parse(string hex) => Block.Parse(Convert.FromHexString(hex));

    private static Hash256 H(string hex) => Hash256.Parse(hex);

    /// <summary>Parses the merkleblock back and checks what Core's tests check: the header is the block's, the tree
    /// proves the header's merkle root, and its matches are the builder's, in order.</summary>
    private static List<(int Index, Hash256 Txid)> AssertProves(Block block, FilteredBlock filtered)
    {
        Assert.Equal(block.GetHash(), filtered.Message.Header.GetHash());
        Assert.Equal((uint)block.Transactions.Length, filtered.Message.TotalTransactions);
        var root = PartialMerkleTree.Parse(filtered.Message).ExtractMatches(out var matches);
        Assert.Equal(block.Header.MerkleRoot, root);
        Assert.Equal(filtered.Matched.Select(m => (m.Index, m.Transaction.Txid)), matches);
        return matches;
    }

    [Fact]
    public void MerkleBlock1_LastThenEighth_AreProved()
    {
        var block = Parse(CoreBloomVectors.Block13b8a);
        Assert.Equal(H("0000000000013b8ab2cd513b0261a14096412195a72a0c4827d229dcc7e0f7af"), block.GetHash());
        var filter = new BloomFilter(10, 0.000001, 0, BloomUpdate.All);
        filter.Insert(H("74d681e0e03bafa802c8aa084379aa98d9fcd632ddc2ed9782b586ec87451f20")); // the last transaction

        var matches = AssertProves(block, MerkleBlockBuilder.Build(block, filter));
        var last = Assert.Single(matches);
        Assert.Equal((8, H("74d681e0e03bafa802c8aa084379aa98d9fcd632ddc2ed9782b586ec87451f20")), last);

        filter.Insert(H("dd1fd2a6fc16404faf339881a90adbde7f4f728691ac62e8f168809cdfae1053")); // also the 8th
        matches = AssertProves(block, MerkleBlockBuilder.Build(block, filter));
        Assert.Equal([(7, H("dd1fd2a6fc16404faf339881a90adbde7f4f728691ac62e8f168809cdfae1053")), last], matches);
    }

    [Fact]
    public void MerkleBlock2_UpdateAll_MatchesTheSpendOfAMatchedOutput()
    {
        var block = Parse(CoreBloomVectors.Block2);
        Assert.Equal(H("000000005a4ded781e667e06ceefafb71410b511fe0d5adc3e5a27ecbec34ae6"), block.GetHash());
        var filter = new BloomFilter(10, 0.000001, 0, BloomUpdate.All);
        filter.Insert(H("e980fe9f792d014e73b95203dc1335c5f9ce19ac537a419e6df5b47aecb93b70")); // the first transaction
        var first = Assert.Single(AssertProves(block, MerkleBlockBuilder.Build(block, filter)));
        Assert.Equal((0, H("e980fe9f792d014e73b95203dc1335c5f9ce19ac537a419e6df5b47aecb93b70")), first);

        // The pubkey of an output of the second transaction: the third spends that output, the fourth pays it again.
        filter.Insert(Convert.FromHexString("044a656f065871a353f216ca26cef8dde2f03e8c16202d2e8ad769f02032cb86a5eb5e56842e92e19141d60a01928f8dd2c875a390f67c1f6c94cfc617c0ea45af"));
        Assert.Equal([first,
            (1, H("28204cad1d7fc1d199e8ef4fa22f182de6258a3eaafe1bbe56ebdcacd3069a5f")),
            (2, H("6b0f8a73a56c04b519f1883e8aafda643ba61a30bd1439969df21bea5f4e27e2")),
            (3, H("3c1d7e82342158e4109df2e0b6348b6e84e403d8b4046d7007663ace63cddb23"))],
            AssertProves(block, MerkleBlockBuilder.Build(block, filter)));
    }

    [Fact]
    public void MerkleBlock2_UpdateNone_DoesNotMatchTheSpend()
    {
        var block = Parse(CoreBloomVectors.Block2);
        var filter = new BloomFilter(10, 0.000001, 0, BloomUpdate.None);
        filter.Insert(H("e980fe9f792d014e73b95203dc1335c5f9ce19ac537a419e6df5b47aecb93b70"));
        filter.Insert(Convert.FromHexString("044a656f065871a353f216ca26cef8dde2f03e8c16202d2e8ad769f02032cb86a5eb5e56842e92e19141d60a01928f8dd2c875a390f67c1f6c94cfc617c0ea45af"));
        Assert.Equal([
            (0, H("e980fe9f792d014e73b95203dc1335c5f9ce19ac537a419e6df5b47aecb93b70")),
            (1, H("28204cad1d7fc1d199e8ef4fa22f182de6258a3eaafe1bbe56ebdcacd3069a5f")),
            (3, H("3c1d7e82342158e4109df2e0b6348b6e84e403d8b4046d7007663ace63cddb23"))],
            AssertProves(block, MerkleBlockBuilder.Build(block, filter)));
    }

    [Fact]
    public void MerkleBlock3_OneTransaction_SerialisesAsCore()
    {
        var block = Parse(CoreBloomVectors.Block3);
        Assert.Equal(H("000000000000dab0130bbcc991d3d7ae6b81aa6f50a798888dfe62337458dc45"), block.GetHash());
        var filter = new BloomFilter(10, 0.000001, 0, BloomUpdate.All);
        filter.Insert(H("63194f18be0af63f2c6bc9dc0f777cbefed3d9415c4af83f3ee3a3d669c00cb5"));
        var filtered = MerkleBlockBuilder.Build(block, filter);
        Assert.Equal((0, H("63194f18be0af63f2c6bc9dc0f777cbefed3d9415c4af83f3ee3a3d669c00cb5")),
            Assert.Single(AssertProves(block, filtered)));

        var bytes = MessageEncoder.EncodePayloadToArray(filtered.Message, new WireContext(ProtocolVersion.Current));
        Assert.Equal(CoreBloomVectors.Block3MerkleBlock, Convert.ToHexStringLower(bytes));
    }

    [Fact]
    public void MerkleBlock4_LastThenFourth_AreProved()
    {
        var block = Parse(CoreBloomVectors.Block4);
        Assert.Equal(H("000000000000b731f2eef9e8c63173adfb07e41bd53eb0ef0a6b720d6cb6dea4"), block.GetHash());
        var filter = new BloomFilter(10, 0.000001, 0, BloomUpdate.All);
        filter.Insert(H("0a2a92f0bda4727d0a13eaddf4dd9ac6b5c61a1429e6b2b818f19b15df0ac154"));
        var last = Assert.Single(AssertProves(block, MerkleBlockBuilder.Build(block, filter)));
        Assert.Equal((6, H("0a2a92f0bda4727d0a13eaddf4dd9ac6b5c61a1429e6b2b818f19b15df0ac154")), last);

        filter.Insert(H("02981fa052f0481dbc5868f4fc2166035a10f27a03cfd2de67326471df5bc041"));
        Assert.Equal([(3, H("02981fa052f0481dbc5868f4fc2166035a10f27a03cfd2de67326471df5bc041")), last],
            AssertProves(block, MerkleBlockBuilder.Build(block, filter)));
    }

    [Theory]
    [InlineData(BloomUpdate.P2PubKeyOnly, true)]
    [InlineData(BloomUpdate.None, false)]
    public void MerkleBlock4_P2PubKeyOnly_AddsOnlyThePayToPubKeyOutpoint(BloomUpdate flags, bool coinbaseOutpointAdded)
    {
        var block = Parse(CoreBloomVectors.Block4);
        var filter = new BloomFilter(10, 0.000001, 0, flags);
        // The generation pubkey, and the output address of the 4th transaction (pay-to-pubkey-hash).
        filter.Insert(Convert.FromHexString("04eaafc2314def4ca98ac970241bcab022b9c1e1f4ea423a20f134c876f2c01ec0f0dd5b2e86e7168cefe0d81113c3807420ce13ad1357231a2252247d97a46a91"));
        filter.Insert(Convert.FromHexString("b6efd80d99179f4f4ff6f4dd0a007d018c385d21"));
        MerkleBlockBuilder.Build(block, filter);
        Assert.Equal(coinbaseOutpointAdded,
            filter.Contains(new OutPoint(H("147caa76786596590baa4e98f5d9f48b86c7765e489f7a6ff3360fe5c674360b"), 0)));
        Assert.False(filter.Contains(new OutPoint(H("02981fa052f0481dbc5868f4fc2166035a10f27a03cfd2de67326471df5bc041"), 0)));
    }

    [Fact]
    public void TxidSet_ProvesExactlyThoseTransactions()
    {
        var block = Parse(CoreBloomVectors.Block4);
        var wanted = new HashSet<Hash256> { block.Transactions[2].Txid, block.Transactions[5].Txid };
        var message = MerkleBlockBuilder.Build(block, wanted);
        Assert.Equal(block.Header.MerkleRoot, PartialMerkleTree.Parse(message).ExtractMatches(out var matches));
        Assert.Equal([(2, block.Transactions[2].Txid), (5, block.Transactions[5].Txid)], matches);
    }

    [Fact]
    public void PartialTree_RandomMatches_ProveTheFullMerkleRoot()
    {
        var random = new Random(37);
        for (int count = 1; count <= 70; count++)
        {
            var txids = Enumerable.Range(0, count).Select(i => Hash256.DoubleSha256(BitConverter.GetBytes(i * 1000 + count))).ToArray();
            var root = MerkleTree.ComputeRoot(txids);
            for (int round = 0; round < 4; round++)
            {
                var matches = txids.Select(_ => random.Next(4) == 0).ToArray();
                var tree = PartialMerkleTree.Build(txids, matches);
                var parsed = PartialMerkleTree.Parse(tree.TransactionCount, tree.Hashes, tree.FlagBytes());
                Assert.Equal(root, parsed.ExtractMatches(out var extracted));
                Assert.Equal(Enumerable.Range(0, count).Where(i => matches[i]).Select(i => (i, txids[i])), extracted);
                Assert.True(tree.Hashes.Count <= count);
            }
        }
    }

    [Fact]
    public void PartialTree_Malformed_IsRefused()
    {
        var txids = Enumerable.Range(0, 9).Select(i => Hash256.DoubleSha256(BitConverter.GetBytes(i))).ToArray();
        var tree = PartialMerkleTree.Build(txids, [.. txids.Select((_, i) => i == 4)]);
        var flags = tree.FlagBytes();

        Assert.Null(PartialMerkleTree.Parse(0, [], []).ExtractMatches(out _)); // no transactions
        Assert.Null(PartialMerkleTree.Parse(PartialMerkleTree.MaxTransactions + 1, tree.Hashes, flags).ExtractMatches(out _));
        Assert.Null(PartialMerkleTree.Parse(9, tree.Hashes.Take(tree.Hashes.Count - 1).ToList(), flags).ExtractMatches(out _));
        Assert.Null(PartialMerkleTree.Parse(9, [.. tree.Hashes, txids[0]], flags).ExtractMatches(out _)); // a hash unused
        Assert.Null(PartialMerkleTree.Parse(9, tree.Hashes, [.. flags, 0]).ExtractMatches(out _)); // a byte of bits unused
    }

    [Fact]
    public void PartialTree_DuplicatedSibling_IsRefused()
    {
        // CVE-2012-2459: three transactions whose last is repeated give the same root as the four; a tree that
        // proves the fourth as a sibling equal to the third must be refused.
        var txids = Enumerable.Range(0, 3).Select(i => Hash256.DoubleSha256(BitConverter.GetBytes(i))).ToArray();
        var four = txids.Append(txids[2]).ToArray();
        var tree = PartialMerkleTree.Build(four, [false, false, true, true]);
        Assert.Null(PartialMerkleTree.Parse(4, tree.Hashes, tree.FlagBytes()).ExtractMatches(out _));
    }
}
