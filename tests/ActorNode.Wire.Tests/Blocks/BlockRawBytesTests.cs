using System.Runtime.InteropServices;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using static ActorNode.Wire.Tests.Blocks.BlockTestSupport;

namespace ActorNode.Wire.Tests.Blocks;

/// <summary>Decode once: a decoded block hands back the bytes it came from (what the store keeps) without a copy,
/// and they are the bytes a re-encode would write.</summary>
public class BlockRawBytesTests
{
    [Theory]
    [InlineData(TestData.Block574200)] // segwit: witness data inside
    [InlineData(TestData.Block540107)]
    public void DecodedFromABlockMessage_RawIsTheReceivedPayloadItself(string file)
    {
        byte[] payload = TestData.ReadAllBytes(file);
        var block = Decode<BlockMessage>("block", payload).Block;

        var raw = block.GetRawBytes();

        Assert.True(MemoryMarshal.TryGetArray(raw, out var segment));
        Assert.Same(payload, segment.Array); // no copy
        Assert.Equal((0, payload.Length), (segment.Offset, segment.Count));
        Assert.Equal(block.ToArray(), raw.ToArray()); // what a re-encode writes
    }

    [Fact]
    public void DecodedInsideALargerBuffer_RawIsExactlyItsSlice()
    {
        var small = TestData.ReadFramedBlocks(TestData.Blocks1To255);
        byte[] buffer = [.. small[168], .. small[169], 0xEE]; // block 170 (two transactions; small[169]) follows block 169
        var reader = new WireReader(buffer);
        Block.Read(ref reader, WireEncoding.Witness);
        var second = Block.Read(ref reader, WireEncoding.Witness);

        Assert.Equal(small[169], second.GetRawBytes().ToArray());
        Assert.Equal(2, second.Transactions.Length);
    }

    [Fact]
    public void ReadWithoutWitness_RawEqualsTheWitnessEncoding()
    {
        byte[] block1 = TestData.ReadFramedBlocks(TestData.Blocks1To255)[0];
        var block = Block.Parse(block1, WireEncoding.Base);
        Assert.Equal(block.ToArray(WireEncoding.Witness), block.GetRawBytes().ToArray());
    }

    [Fact]
    public void BuiltInCode_RawIsTheEncoding()
    {
        var decoded = Block.Parse(TestData.ReadFramedBlocks(TestData.Blocks1To255)[0]);
        var built = new Block(decoded.Header, decoded.Transactions);
        Assert.Equal(decoded.ToArray(), built.GetRawBytes().ToArray());
    }
}
