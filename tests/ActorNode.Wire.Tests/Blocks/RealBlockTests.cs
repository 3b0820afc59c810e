using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using static ActorNode.Wire.Tests.Blocks.BlockTestSupport;

namespace ActorNode.Wire.Tests.Blocks;

/// <summary>Real mainnet blocks from shared/data (facts from its README.md): every block decodes, re-encodes byte
/// for byte, has the merkle root its header commits to, and links to the one before.</summary>
public class RealBlockTests
{
    private static readonly Lazy<List<byte[]>> Blocks1To255 = new(() => TestData.ReadFramedBlocks(TestData.Blocks1To255));

    /// <summary>Heights in blocks1-256 with two transactions (README); all others have one.</summary>
    private static readonly int[] TwoTxHeights = [170, 181, 182, 183, 187, 221, 248];

    public static TheoryData<string, string, int, int, int> SegwitBlocks => new()
    {
        { TestData.Block574200, "0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2", 574200, 3315, 1341 },
        { TestData.Block540107, "00000000000000000021868c2cefc52a480d173c849412fe81c4e5ab806f94ab", 540107, 230, 104 },
    };

    private static void AssertMerkleRoot(Block block)
    {
        var root = MerkleTree.ComputeRoot(block, out bool mutated);
        Assert.Equal(block.Header.MerkleRoot, root);
        Assert.False(mutated);
    }

    [Fact]
    public void Blocks1To255_EachDecodesReencodesAndLinks()
    {
        var records = Blocks1To255.Value;
        Assert.Equal(255, records.Count);
        Assert.Equal(58_731, records.Sum(r => r.Length + 8));

        var previous = Hash256.Parse(MainNetGenesis);
        for (int i = 0; i < records.Count; i++)
        {
            int height = i + 1;
            var bytes = records[i];
            var block = Decode<BlockMessage>("block", bytes).Block;

            Assert.Equal(bytes, Encode(new BlockMessage(block)));
            Assert.Equal(bytes, block.ToArray(WireEncoding.Base));
            Assert.Equal(previous, block.Header.PreviousBlock);
            Assert.Equal(1, block.Header.Version);
            Assert.Equal(0x1d00ffffu, block.Header.Bits);
            Assert.Equal(TwoTxHeights.Contains(height) ? 2 : 1, block.Transactions.Length);
            Assert.True(block.Transactions[0].IsCoinbase);
            Assert.DoesNotContain(block.Transactions, tx => tx.HasWitness);
            AssertMerkleRoot(block);
            Assert.Equal(WitnessCommitmentStatus.NotPresent, WitnessCommitment.Verify(block));
            Assert.InRange(bytes.Length, 215, 492);
            Assert.Equal(bytes.Length * 4, block.Weight);
            previous = block.GetHash();
        }

        Assert.Equal("00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048",
            Block.Parse(records[0]).GetHash().ToString());
        Assert.Equal("00000000d0a75c861fabf9ff7b92022f60e4afeed9331fe5aa073d8e4706fe3c", previous.ToString());
    }

    [Fact]
    public void Blocks1To255_HeadersMatchHeaderFile()
    {
        var lines = TestData.ReadHexLines(TestData.HeadersMainnet1To11);
        var records = Blocks1To255.Value;
        for (int i = 0; i < lines.Count; i++) Assert.Equal(lines[i], records[i][..80]);
    }

    [Fact]
    public void Block277647_DecodesReencodesAndMatchesReadme()
    {
        var record = Assert.Single(TestData.ReadFramedBlocks(TestData.Block277647));
        Assert.Equal(149_164, record.Length);

        var block = Decode<BlockMessage>("block", record).Block;
        Assert.Equal(record, Encode(new BlockMessage(block)));
        Assert.Equal("0000000000000000054a714e580b16c583701712ab91060e92dbde6eb1e052a8", block.GetHash().ToString());
        Assert.Equal("0000000000000000c86826ab2fbe4639ec413004955a36e77c2267988579e653",
            block.Header.PreviousBlock.ToString());
        Assert.Equal(2, block.Header.Version);
        Assert.Equal(1388367102u, block.Header.Timestamp);
        Assert.Equal(0x1903a30cu, block.Header.Bits);
        Assert.Equal(213, block.Transactions.Length);
        Assert.DoesNotContain(block.Transactions, tx => tx.HasWitness);
        AssertMerkleRoot(block);
        Assert.Equal(WitnessCommitmentStatus.NotPresent, WitnessCommitment.Verify(block));
        Assert.True(block.Weight <= 4_000_000);

        // BIP34: the coinbase script starts with a push of the height, 277647 = 0x043c8f little-endian.
        Assert.Equal(new byte[] { 0x03, 0x8f, 0x3c, 0x04 }, block.Transactions[0].Inputs[0].ScriptSig[..4].ToArray());
    }

    [Theory]
    [MemberData(nameof(SegwitBlocks))]
    public void SegwitBlock_DecodesReencodesAndMatchesReadme(string file, string hash, int height, int txCount,
        int segwitCount)
    {
        var bytes = TestData.ReadAllBytes(file);
        var block = Decode<BlockMessage>("block", bytes).Block;

        Assert.Equal(bytes, Encode(new BlockMessage(block)));
        Assert.Equal(hash, block.GetHash().ToString());
        Assert.Equal(0x20000000, block.Header.Version);
        Assert.Equal(txCount, block.Transactions.Length);
        Assert.Equal(segwitCount, block.Transactions.Count(tx => tx.HasWitness));
        AssertMerkleRoot(block);
        Assert.Equal(WitnessCommitmentStatus.Valid, WitnessCommitment.Verify(block));
        Assert.InRange(block.Weight, 1, 4_000_000);
        Assert.Equal(bytes.Length, block.GetSerializedSize(WireEncoding.Witness));

        // BIP34 height push: 3 bytes little-endian.
        var script = block.Transactions[0].Inputs[0].ScriptSig.Span;
        Assert.Equal(3, script[0]);
        Assert.Equal(height, script[1] | script[2] << 8 | script[3] << 16);
    }

    [Theory]
    [MemberData(nameof(SegwitBlocks))]
    public void SegwitBlock_StrippedForm_DecodesBackWithSameTxids(string file, string hash, int height, int txCount,
        int segwitCount)
    {
        _ = (height, txCount, segwitCount);
        var block = Block.Parse(TestData.ReadAllBytes(file));
        var baseContext = new WireContext(ProtocolVersion.Current, WireEncoding.Base);
        var stripped = Encode(new BlockMessage(block), baseContext);
        Assert.True(stripped.Length < block.GetSerializedSize(WireEncoding.Witness));
        Assert.Equal(block.GetSerializedSize(WireEncoding.Base), stripped.Length);

        foreach (var context in new[] { baseContext, Latest })
        {
            var back = Decode<BlockMessage>("block", stripped, context).Block;
            Assert.Equal(hash, back.GetHash().ToString());
            Assert.DoesNotContain(back.Transactions, tx => tx.HasWitness);
            Assert.Equal(block.Transactions.Select(tx => tx.Txid), back.Transactions.Select(tx => tx.Txid));
            Assert.Equal(stripped, Encode(new BlockMessage(back), context));
            AssertMerkleRoot(back);
        }
    }

    [Theory]
    [MemberData(nameof(SegwitBlocks))]
    public void SegwitBlock_TxMessages_RoundTripEachTransaction(string file, string hash, int height, int txCount,
        int segwitCount)
    {
        _ = (hash, height, txCount, segwitCount);
        var block = Block.Parse(TestData.ReadAllBytes(file));
        foreach (var tx in block.Transactions)
        {
            var bytes = tx.ToArray();
            var back = Decode<TxMessage>("tx", bytes).Transaction;
            Assert.Equal(tx.Txid, back.Txid);
            Assert.Equal(tx.Wtxid, back.Wtxid);
            Assert.Equal(bytes, Encode(new TxMessage(back)));
        }
    }

    [Fact]
    public void BlockMessage_FedOneByteAtATime_GivesSameBlock()
    {
        var bytes = TestData.ReadAllBytes(TestData.Block574200);
        var frame = new MessageEncoder(TestData.MainNetMagic).Encode(new BlockMessage(Block.Parse(bytes)), Latest);
        Assert.Equal(24 + bytes.Length, frame.Length);

        var decoder = new FrameDecoder(TestData.MainNetMagic, Latest);
        IWireMessage? result = null;
        for (int i = 0; i < frame.Length; i++)
        {
            ReadOnlySpan<byte> one = frame.AsSpan(i, 1);
            bool done = decoder.TryRead(ref one, out var message);
            Assert.True(one.IsEmpty);
            Assert.Equal(i == frame.Length - 1, done);
            if (done) result = message;
        }
        var block = Assert.IsType<BlockMessage>(result).Block;
        Assert.Equal(bytes, block.ToArray());
        Assert.Equal(0, decoder.BufferedBytes);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void BlockMessages_FedInRandomChunks_GiveSameBlocks(int seed)
    {
        // Both segwit blocks and block 277647 back to back in one stream, cut at random.
        var blocks = new[]
        {
            TestData.ReadAllBytes(TestData.Block540107),
            Assert.Single(TestData.ReadFramedBlocks(TestData.Block277647)),
            TestData.ReadAllBytes(TestData.Block574200),
        };
        var encoder = new MessageEncoder(TestData.MainNetMagic);
        var stream = blocks.SelectMany(b => encoder.Encode(new BlockMessage(Block.Parse(b)), Latest)).ToArray();

        var random = new Random(seed);
        var decoder = new FrameDecoder(TestData.MainNetMagic, Latest);
        var received = new List<IWireMessage>();
        int offset = 0;
        while (offset < stream.Length)
        {
            int size = Math.Min(stream.Length - offset, random.Next(1, 70_000));
            decoder.ReadAll(stream.AsSpan(offset, size), received);
            offset += size;
        }

        Assert.Equal(blocks.Length, received.Count);
        for (int i = 0; i < blocks.Length; i++)
            Assert.Equal(blocks[i], Assert.IsType<BlockMessage>(received[i]).Block.ToArray());
    }
}
