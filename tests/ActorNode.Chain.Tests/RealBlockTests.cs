using ActorNode.Wire;
using ActorNode.Wire.Primitives;

namespace ActorNode.Chain.Tests;

/// <summary>Real mainnet blocks from shared/data (copied from btcd's test data; see its README.md).</summary>
public class RealBlockTests
{
    private static readonly ChainParams Main = ChainParams.Mainnet;

    [Fact]
    public void Blocks1To255_EachMeetsItsTargetAndLinksToTheOneBefore()
    {
        var records = SharedData.ReadFramedBlocks("blocks1-256.bz2");

        Assert.Equal(255, records.Count);
        var previous = Main.GenesisBlock.GetHash();
        Assert.Equal("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f", previous.ToString());
        foreach (var record in records)
        {
            Assert.Equal(Main.Magic, record.Magic);
            var block = Block.Parse(record.Block, WireEncoding.Witness);
            var hash = block.GetHash();

            Assert.Equal(previous, block.Header.PreviousBlock);
            Assert.Equal(Main.PowLimitBits, block.Header.Bits);
            Assert.True(ProofOfWork.CheckProofOfWork(hash, block.Header.Bits, Main.PowLimit), $"block {hash}");
            Assert.Equal(block.Header.MerkleRoot, MerkleTree.ComputeRoot(block, out _));
            previous = hash;
        }
        Assert.Equal("00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048",
            Block.Parse(records[0].Block).GetHash().ToString());
        Assert.Equal("00000000d0a75c861fabf9ff7b92022f60e4afeed9331fe5aa073d8e4706fe3c", previous.ToString());
    }

    [Fact]
    public void Block277647_MeetsItsTarget()
    {
        var records = SharedData.ReadFramedBlocks("277647.dat.bz2");

        var record = Assert.Single(records);
        Assert.Equal(Main.Magic, record.Magic);
        var block = Block.Parse(record.Block);
        Assert.Equal("0000000000000000054a714e580b16c583701712ab91060e92dbde6eb1e052a8", block.GetHash().ToString());
        Assert.Equal(0x1903a30cu, block.Header.Bits);
        Assert.True(ProofOfWork.CheckProofOfWork(block.Header, Main));
    }

    [Fact]
    public void Block277647_ChangedNonce_FailsItsTarget()
    {
        var block = Block.Parse(Assert.Single(SharedData.ReadFramedBlocks("277647.dat.bz2")).Block);
        var tampered = block.Header with { Nonce = block.Header.Nonce + 1 };

        Assert.False(ProofOfWork.CheckProofOfWork(tampered, Main));
    }

    [Theory]
    [InlineData("0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2", 0x172c4e11u)]
    [InlineData("00000000000000000021868c2cefc52a480d173c849412fe81c4e5ab806f94ab", 0x1729d72du)]
    public void SegwitBlock_MeetsItsTarget(string hash, uint bits)
    {
        var bytes = File.ReadAllBytes(SharedData.PathOf($"block-{hash}.blk"));
        var header = BlockHeader.Parse(bytes.AsSpan(0, BlockHeader.Size));

        Assert.Equal(hash, header.GetHash().ToString());
        Assert.Equal(bits, header.Bits);
        Assert.True(ProofOfWork.CheckProofOfWork(header, Main));
        // Not easy enough for a limit below its own target.
        Assert.False(ProofOfWork.CheckProofOfWork(header.GetHash(), bits, ProofOfWork.CompactToBig(bits) - 1));
    }
}
