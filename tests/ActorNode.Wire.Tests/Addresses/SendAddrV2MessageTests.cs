using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using static ActorNode.Wire.Tests.Addresses.AddressTestHelpers;

namespace ActorNode.Wire.Tests.Addresses;

/// <summary>sendaddrv2: btcd wire/msgsendaddrv2_test.go (empty payload, gated at AddrV2Version 70016).</summary>
public class SendAddrV2MessageTests
{
    [Theory]
    [InlineData(ProtocolVersion.AddrV2)]
    [InlineData(ProtocolVersion.AddrV2 + 1)]
    public void Wire_FromAddrV2Version_EmptyPayload(uint pver)
    {
        Assert.Empty(Encode(SendAddrV2Message.Instance, pver));
        Assert.Same(SendAddrV2Message.Instance, Decode<SendAddrV2Message>("sendaddrv2", [], pver));
        Assert.Equal("sendaddrv2", SendAddrV2Message.Instance.Command);
    }

    [Fact]
    public void Wire_BeforeAddrV2Version_FailsBothWays()
    {
        const uint pver = ProtocolVersion.AddrV2 - 1;
        var encodeError = Assert.Throws<WireException>(() => Encode(SendAddrV2Message.Instance, pver));
        Assert.Equal(WireError.UnsupportedVersion, encodeError.Reason);
        var decodeError = Assert.Throws<WireException>(() => Decode<SendAddrV2Message>("sendaddrv2", [], pver));
        Assert.Equal(WireError.UnsupportedVersion, decodeError.Reason);
    }

    [Fact]
    public void Decode_AnyPayloadByte_Fails()
    {
        Assert.True(MessageRegistry.TryGet("sendaddrv2", out var descriptor));
        Assert.Equal(0, descriptor.MaxPayload(ProtocolVersion.Current));
        var error = Assert.Throws<WireException>(() =>
            Decode<SendAddrV2Message>("sendaddrv2", [0x00], ProtocolVersion.Current));
        Assert.Equal(WireError.Oversized, error.Reason);
    }

    [Fact]
    public void Frame_MainNet_HeaderWithEmptyChecksum()
    {
        // An empty payload's checksum is 5df6e0e2 (btcd wire/message.go).
        var frame = new MessageEncoder(0xD9B4BEF9).Encode(SendAddrV2Message.Instance, WireContext.Latest);
        Assert.Equal(Hex("f9beb4d9 73656e6461646472763200 00 00000000 5df6e0e2"), frame);

        var decoder = new FrameDecoder(0xD9B4BEF9, WireContext.Latest);
        ReadOnlySpan<byte> input = frame;
        Assert.True(decoder.TryRead(ref input, out var message));
        Assert.Same(SendAddrV2Message.Instance, message);
    }
}
