using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;

namespace ActorNode.Wire.Tests.Core;

/// <summary>Issue 16, fault 2: a BIP324 initiator opens with its 64-byte ellswift public key, which is
/// indistinguishable from random bytes. To a v1-only reader those bytes are a frame header whose magic is not this
/// network's, and the magic is compared before the command field is looked at (Core's
/// <c>V1Transport::readHeader</c>), so they are <see cref="WireError.BadMagic"/>, never
/// <see cref="WireError.InvalidCommand"/>.</summary>
public class V2InitiatorBytesTests
{
    private const uint Regtest = 0xDAB5BFFA;

    /// <summary>The first 64 bytes a BIP324 initiator sends: random (ellswift), here drawn from a seed.</summary>
    public static byte[] EllswiftBytes(int seed)
    {
        var bytes = new byte[64];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static TheoryData<int> Seeds() => [1, 2, 3, 16, 324, 2026, 0x5eed, 987_654_321];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomBytes_WhoseCommandFieldIsInvalid_AreBadMagic(int seed)
    {
        var bytes = EllswiftBytes(seed);
        // The fault was real for this input: the command field alone would have been rejected as InvalidCommand.
        var parsedAlone = Assert.Throws<WireException>(() => FrameHeader.Parse(bytes.AsSpan(0, FrameHeader.Size)));
        Assert.Equal(WireError.InvalidCommand, parsedAlone.Reason);

        var decoder = new FrameDecoder(Regtest, WireContext.Latest);
        var error = Assert.Throws<WireException>(() => Drain(decoder, bytes));
        Assert.Equal(WireError.BadMagic, error.Reason);
        Assert.Contains("is not this network's", error.Message);
        // And the decoder stays faulted with the same reason (no frame boundary to resume at).
        Assert.Equal(WireError.BadMagic, Assert.Throws<WireException>(() => Drain(decoder, bytes)).Reason);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomBytes_ChunkedAnyway_AreBadMagic(int seed)
    {
        // A v2 initiator's key may arrive in several TCP segments: the header is judged once its 24 bytes are in.
        var bytes = EllswiftBytes(seed);
        var decoder = new FrameDecoder(Regtest, WireContext.Latest);
        for (int i = 0; i < FrameHeader.Size - 1; i++)
        {
            ReadOnlySpan<byte> one = bytes.AsSpan(i, 1);
            Assert.False(decoder.TryRead(ref one, out _));
        }
        Assert.Equal(WireError.BadMagic, Assert.Throws<WireException>(() => Drain(decoder, bytes[(FrameHeader.Size - 1)..])).Reason);
    }

    [Fact]
    public void ParseWithExpectedMagic_ChecksTheMagicBeforeTheCommand()
    {
        var header = new byte[FrameHeader.Size];
        new FrameHeader(Regtest, "ping", 8, 0).WriteTo(header);
        Assert.Equal("ping", FrameHeader.Parse(header, Regtest).Command);

        header[8] = 0x0d; // "pi\rg": an invalid command
        Assert.Equal(WireError.InvalidCommand, Assert.Throws<WireException>(() => FrameHeader.Parse(header, Regtest)).Reason);
        Assert.Equal(WireError.BadMagic, Assert.Throws<WireException>(() => FrameHeader.Parse(header, 0xD9B4BEF9)).Reason);
    }

    [Fact]
    public void RightMagic_InvalidCommand_IsStillInvalidCommand()
    {
        var header = new byte[FrameHeader.Size];
        new FrameHeader(Regtest, "ping", 0, 0).WriteTo(header);
        header[6] = 0xe9;
        var decoder = new FrameDecoder(Regtest, WireContext.Latest);
        Assert.Equal(WireError.InvalidCommand, Assert.Throws<WireException>(() => Drain(decoder, header)).Reason);
    }

    private static void Drain(FrameDecoder decoder, byte[] bytes)
    {
        ReadOnlySpan<byte> input = bytes;
        while (decoder.TryRead(ref input, out _)) { }
    }
}
