using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using static ActorNode.Wire.Tests.Messages.MessageTestKit;

namespace ActorNode.Wire.Tests.Reconciliation;

/// <summary>BIP330 messages: byte layouts, the version gate, and the bounds a hostile peer meets.</summary>
public class ReconciliationMessageTests
{
    [Fact]
    public void SendTxRcncl_IsVersionThenSalt_LittleEndian()
    {
        var message = Decode<SendTxReconciliationMessage>("sendtxrcncl", "01000000 efcdab8967452301");
        Assert.Equal(new SendTxReconciliationMessage(1, 0x0123456789abcdef), message);
        Assert.Equal("01000000efcdab8967452301", Encode(message));
    }

    [Fact]
    public void SendTxRcncl_BeforeWtxidRelayVersion_IsRefused()
    {
        var e = Assert.Throws<WireException>(() =>
            Decode<SendTxReconciliationMessage>("sendtxrcncl", "01000000efcdab8967452301", protocolVersion: 70015));
        Assert.Equal(WireError.UnsupportedVersion, e.Reason);
    }

    [Theory]
    [InlineData("01000000efcdab89674523", WireError.Truncated)]
    [InlineData("01000000efcdab896745230100", WireError.Oversized)]
    public void SendTxRcncl_WrongLength_Throws(string hex, WireError reason)
    {
        var e = Assert.Throws<WireException>(() => Decode<SendTxReconciliationMessage>("sendtxrcncl", hex));
        Assert.Equal(reason, e.Reason);
    }

    [Fact]
    public void ReqRecon_IsSetSizeThenQ()
    {
        var message = Decode<RequestReconciliationMessage>("reqrecon", "2a00 ff1f");
        Assert.Equal(new RequestReconciliationMessage(42, 0x1fff), message);
        Assert.Equal("2a00ff1f", Encode(message));
    }

    [Fact]
    public void Sketch_IsVarBytes_AndKnowsItsCapacity()
    {
        var message = Decode<SketchMessage>("sketch", "08 0102030405060708");
        Assert.Equal(2, message.Capacity);
        Assert.Equal("080102030405060708", Encode(message));
        Assert.Equal(0, Decode<SketchMessage>("sketch", "00").Capacity);
    }

    [Fact]
    public void Sketch_AtTheCapacityLimit_Decodes()
    {
        byte[] payload = [0xfd, 0x00, 0x80, .. new byte[SketchMessage.MaxSketchBytes]];
        var message = Assert.IsType<SketchMessage>(MessageRegistry.DecodePayload("sketch", payload, WireContext.Latest));
        Assert.Equal(8192, message.Capacity);
    }

    [Fact]
    public void Sketch_OverTheCapacityLimit_IsRefusedFromItsLength()
    {
        // 8193 syndromes: the declared length alone is over the limit, before any byte of it is read.
        byte[] payload = [0xfd, 0x04, 0x80, 1, 2, 3, 4];
        var e = Assert.Throws<WireException>(() => MessageRegistry.DecodePayload("sketch", payload, WireContext.Latest));
        Assert.Equal(WireError.TooMany, e.Reason);
    }

    [Fact]
    public void Sketch_PayloadLargerThanAnySketch_IsOversized()
    {
        var e = Assert.Throws<WireException>(() =>
            MessageRegistry.DecodePayload("sketch", new byte[SketchMessage.MaxPayload + 1], WireContext.Latest));
        Assert.Equal(WireError.Oversized, e.Reason);
    }

    [Fact]
    public void Sketch_ClaimingMoreBytesThanSent_IsTruncated()
    {
        var e = Assert.Throws<WireException>(() => Decode<SketchMessage>("sketch", "fd0080 01020304"));
        Assert.Equal(WireError.Truncated, e.Reason);
    }

    [Theory]
    [InlineData("03 010203")]
    [InlineData("05 0102030405")]
    public void Sketch_NotWholeSyndromes_IsMalformed(string hex)
    {
        var e = Assert.Throws<WireException>(() => Decode<SketchMessage>("sketch", hex));
        Assert.Equal(WireError.Malformed, e.Reason);
        Assert.Throws<WireException>(() => Encode(new SketchMessage(Hex(hex)[1..])));
    }

    [Fact]
    public void ReconcilDiff_IsSuccessThenShortIdVector()
    {
        var message = Decode<ReconciliationDifferenceMessage>("reconcildiff", "01 02 07000000 ffffffff");
        Assert.True(message.Success);
        Assert.Equal([7u, 0xFFFFFFFFu], message.AskShortIds);
        Assert.Equal("010207000000ffffffff", Encode(message));
        var failure = Decode<ReconciliationDifferenceMessage>("reconcildiff", "00 00");
        Assert.False(failure.Success);
        Assert.Empty(failure.AskShortIds);
    }

    [Fact]
    public void ReconcilDiff_NonZeroSuccessByte_ReadsAsTrue_AndIsWrittenAsOne()
    {
        var message = Decode<ReconciliationDifferenceMessage>("reconcildiff", "0200");
        Assert.True(message.Success);
        Assert.Equal("0100", Encode(message));
    }

    [Fact]
    public void ReconcilDiff_CountAboveTheLimit_IsRefusedBeforeAllocation()
    {
        // 2^32 − 1 ids claimed in a 10-byte payload: refused from the count.
        var e = Assert.Throws<WireException>(() => Decode<ReconciliationDifferenceMessage>("reconcildiff", "01 feffffffff 00000000"));
        Assert.Equal(WireError.TooMany, e.Reason);
        // 8193 ids: over the limit even if the bytes were there.
        var over = new byte[] { 1, 0xfd, 0x01, 0x20 }.Concat(new byte[8193 * 4]).ToArray();
        Assert.Throws<WireException>(() => MessageRegistry.DecodePayload("reconcildiff", over, WireContext.Latest));
    }

    [Fact]
    public void ReconcilDiff_CountLargerThanTheBytes_IsRefused()
    {
        var e = Assert.Throws<WireException>(() => Decode<ReconciliationDifferenceMessage>("reconcildiff", "01 03 07000000"));
        Assert.Equal(WireError.TooMany, e.Reason);
    }

    [Fact]
    public void ReconcilDiff_AtTheLimit_RoundTrips()
    {
        var ids = Enumerable.Range(1, ReconciliationDifferenceMessage.MaxAskShortIds).Select(i => (uint)i).ToArray();
        var message = new ReconciliationDifferenceMessage(true, ids);
        var payload = MessageEncoder.EncodePayloadToArray(message, WireContext.Latest);
        Assert.True(payload.Length <= ReconciliationDifferenceMessage.MaxPayload);
        var decoded = Assert.IsType<ReconciliationDifferenceMessage>(MessageRegistry.DecodePayload("reconcildiff", payload, WireContext.Latest));
        Assert.Equal(ids, decoded.AskShortIds);
        Assert.Throws<WireException>(() => Encode(new ReconciliationDifferenceMessage(true, new uint[ids.Length + 1])));
    }
}
