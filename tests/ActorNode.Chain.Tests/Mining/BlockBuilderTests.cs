using ActorNode.Chain.Mining;
using ActorNode.Wire.Primitives;
using ActorNode.Wire.Tests;

namespace ActorNode.Chain.Tests.Mining;

public sealed class BlockBuilderTests
{
    private static readonly ChainParams Regtest = ChainParams.Regtest;
    private const uint RegtestBits = 0x207fffff;

    [Fact]
    public void Mine_OnGenesis_GivesAValidBlock()
    {
        var block = BlockBuilder.Mine(Regtest, Regtest.GenesisHash, 1, Regtest.GenesisBlock.Header.Timestamp + 1, RegtestBits);

        Assert.Equal(Regtest.GenesisHash, block.Header.PreviousBlock);
        Assert.True(ProofOfWork.CheckProofOfWork(block.Header, Regtest));
        Assert.Equal(MerkleTree.ComputeRoot(block, out bool mutated), block.Header.MerkleRoot);
        Assert.False(mutated);
        var coinbase = Assert.Single(block.Transactions);
        Assert.True(coinbase.Inputs[0].PreviousOutput.IsNull);
        Assert.Equal(50 * 100_000_000L, coinbase.Outputs[0].Value);
        Assert.True(ActorNode.Chain.Blocks.BlockSanity.Check(block, ActorNode.Chain.Blocks.BlockCheckContext.For(Regtest, 1)).IsValid);
        // Round trip through the wire form.
        Assert.Equal(block.GetHash(), Block.Parse(block.ToArray()).GetHash());
    }

    [Fact]
    public void Mine_TwoForksAtOneHeight_DifferByTag()
    {
        var a = BlockBuilder.Mine(Regtest, Regtest.GenesisHash, 1, 1_700_000_000, RegtestBits, tag: 1);
        var b = BlockBuilder.Mine(Regtest, Regtest.GenesisHash, 1, 1_700_000_000, RegtestBits, tag: 2);
        Assert.NotEqual(a.GetHash(), b.GetHash());
        Assert.NotEqual(a.Transactions[0].Txid, b.Transactions[0].Txid);
    }

    [Fact]
    public void Mine_WithWitnessTransactions_CommitsToTheirWitnesses()
    {
        var real = Block.Parse(TestData.ReadAllBytes("block-0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2.blk"));
        var witnessTxs = real.Transactions.Skip(1).Where(t => t.HasWitness).Take(5).ToList();
        Assert.Equal(5, witnessTxs.Count);

        var block = BlockBuilder.Mine(Regtest, Regtest.GenesisHash, 1, 1_700_000_000, RegtestBits, witnessTxs);

        Assert.Equal(WitnessCommitmentStatus.Valid, WitnessCommitment.Verify(block));
        var check = ActorNode.Chain.Blocks.BlockSanity.Check(block, ActorNode.Chain.Blocks.BlockCheckContext.For(Regtest, 1));
        Assert.True(check.IsValid, check.ToString());
        Assert.Equal(MerkleTree.ComputeRoot(block, out _), block.Header.MerkleRoot);
    }

    [Fact]
    public void CoinbaseScript_HeightOf277647_MatchesTheRealMainnetCoinbase()
    {
        // Mainnet block 277,647 (BIP34 active) starts its coinbase script with the push of its height.
        var block = Block.Parse(TestData.ReadFramedBlocks("277647.dat.bz2").Single());
        var real = block.Transactions[0].Inputs[0].ScriptSig.Span;
        var ours = BlockBuilder.CoinbaseScript(277_647);
        Assert.True(real.StartsWith(ours.AsSpan(0, 4)), $"{Convert.ToHexString(real[..4])} vs {Convert.ToHexString(ours)}");
        Assert.Equal([0x03, 0x8f, 0x3c, 0x04, 0x00], ours);
    }

    [Theory]
    [InlineData(1, new byte[] { 0x51, 0x00 })]          // OP_1 OP_0
    [InlineData(16, new byte[] { 0x60, 0x00 })]         // OP_16 OP_0
    [InlineData(17, new byte[] { 0x01, 0x11, 0x00 })]
    [InlineData(128, new byte[] { 0x02, 0x80, 0x00, 0x00 })] // 0x80 needs a sign byte
    [InlineData(255, new byte[] { 0x02, 0xff, 0x00, 0x00 })]
    [InlineData(256, new byte[] { 0x02, 0x00, 0x01, 0x00 })]
    public void CoinbaseScript_SmallHeights_AsCoreWritesThem(int height, byte[] expected) =>
        Assert.Equal(expected, BlockBuilder.CoinbaseScript(height));

    [Theory]
    [InlineData(0, 5_000_000_000L)]
    [InlineData(149, 5_000_000_000L)]
    [InlineData(150, 2_500_000_000L)]   // regtest halves every 150 blocks
    [InlineData(300, 1_250_000_000L)]
    [InlineData(150 * 64, 0L)]
    public void Subsidy_Regtest_HalvesEvery150Blocks(int height, long expected) =>
        Assert.Equal(expected, BlockBuilder.Subsidy(Regtest, height));
}
