using System.Buffers.Binary;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using CsCheck;

namespace ActorNode.Wire.Tests.Core;

public class FrameDecoderTests
{
    private const uint Mainnet = 0xD9B4BEF9;
    private static readonly WireContext Context = WireContext.Latest;

    private static byte[] Frame(string command, byte[] payload) =>
        new MessageEncoder(Mainnet).Encode(new UnknownMessage(command, payload), Context);

    private static byte[] Header(uint magic, string command, uint length, uint checksum = 0)
    {
        var header = new byte[24];
        new FrameHeader(magic, command, length, checksum).WriteTo(header);
        return header;
    }

    [Fact]
    public void Encode_EmptyPayload_HasTheKnownChecksum()
    {
        // btcd wire/message_test.go: a mainnet verack is f9beb4d9 "verack" 00000000 5df6e0e2.
        var frame = Frame("verack", []);
        Assert.Equal("f9beb4d976657261636b000000000000000000005df6e0e2", Convert.ToHexStringLower(frame));
    }

    [Fact]
    public void TryRead_UnknownCommand_YieldsUnknownMessageAndGoesOn()
    {
        var stream = Frame("foo", [1, 2, 3]).Concat(Frame("bar", [])).ToArray();
        var decoder = new FrameDecoder(Mainnet, Context);
        var messages = new List<IWireMessage>();
        decoder.ReadAll(stream, messages);

        Assert.Equal(2, messages.Count);
        var first = Assert.IsType<UnknownMessage>(messages[0]);
        Assert.Equal("foo", first.Command);
        Assert.Equal(new byte[] { 1, 2, 3 }, first.Payload.ToArray());
        Assert.Equal("bar", messages[1].Command);
    }

    [Fact]
    public void TryRead_OneByteAtATime_YieldsEachMessageOnItsLastByte()
    {
        var frame = Frame("foo", [9, 8, 7, 6]);
        var decoder = new FrameDecoder(Mainnet, Context);
        for (int i = 0; i < frame.Length; i++)
        {
            ReadOnlySpan<byte> one = frame.AsSpan(i, 1);
            bool done = decoder.TryRead(ref one, out var message);
            Assert.Equal(i == frame.Length - 1, done);
            Assert.True(one.IsEmpty);
            if (done) Assert.Equal(new byte[] { 9, 8, 7, 6 }, ((UnknownMessage)message).Payload.ToArray());
        }
        Assert.Equal(0, decoder.BufferedBytes);
    }

    /// <summary>Feeds <paramref name="bytes"/> and returns the codec error it raised and how many bytes were consumed.</summary>
    private static (WireException Error, int Consumed) ReadFails(FrameDecoder decoder, byte[] bytes)
    {
        ReadOnlySpan<byte> input = bytes;
        try
        {
            while (decoder.TryRead(ref input, out _)) { }
        }
        catch (WireException e)
        {
            return (e, bytes.Length - input.Length);
        }
        throw new Xunit.Sdk.XunitException("expected a WireException");
    }

    [Fact]
    public void TryRead_WrongMagic_FailsOnTheHeaderAndStaysFaulted()
    {
        var decoder = new FrameDecoder(Mainnet, Context);
        Assert.Equal(WireError.BadMagic, ReadFails(decoder, Header(0x0709110B, "ping", 8)).Error.Reason);
        Assert.Equal(WireError.BadMagic, ReadFails(decoder, Frame("foo", [])).Error.Reason);
    }

    [Fact]
    public void TryRead_LengthAboveProtocolLimit_FailsBeforeAnyBodyByte()
    {
        var decoder = new FrameDecoder(Mainnet, Context);
        var (error, consumed) = ReadFails(decoder, Header(Mainnet, "foo", 4_000_001));
        Assert.Equal(WireError.Oversized, error.Reason);
        Assert.Equal(24, consumed);
    }

    [Fact]
    public void TryRead_HugeDeclaredLengthWithFewBytes_AllocatesOnlyWhatArrived()
    {
        var decoder = new FrameDecoder(Mainnet, Context);
        ReadOnlySpan<byte> header = Header(Mainnet, "foo", 4_000_000);
        Assert.False(decoder.TryRead(ref header, out _));

        long before = GC.GetAllocatedBytesForCurrentThread();
        var ten = new byte[10];
        for (int i = 0; i < ten.Length; i++)
        {
            ReadOnlySpan<byte> one = ten.AsSpan(i, 1);
            Assert.False(decoder.TryRead(ref one, out _));
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(34, decoder.BufferedBytes);
        Assert.True(decoder.BufferCapacity <= 40, $"buffer capacity {decoder.BufferCapacity}");
        Assert.True(allocated < 512, $"allocated {allocated} bytes for 10 received");
    }

    [Fact]
    public void TryRead_BadChecksum_FailsAndResumesAtTheNextFrame()
    {
        var bad = Frame("foo", [1, 2, 3]);
        bad[^1] ^= 0xff;
        var next = Frame("bar", [4]);
        var decoder = new FrameDecoder(Mainnet, Context);

        var (error, consumed) = ReadFails(decoder, bad.Concat(next).ToArray());
        Assert.Equal(WireError.BadChecksum, error.Reason);
        Assert.Equal(bad.Length, consumed);

        ReadOnlySpan<byte> rest = next;
        Assert.True(decoder.TryRead(ref rest, out var message));
        Assert.Equal("bar", message.Command);
    }

    [Theory]
    [InlineData("f9beb4d9" + "70696e6700ff000000000000" + "00000000" + "5df6e0e2")] // byte after the NUL padding
    [InlineData("f9beb4d9" + "70e96e670000000000000000" + "00000000" + "5df6e0e2")] // non-ASCII byte
    [InlineData("f9beb4d9" + "0a0000000000000000000000" + "00000000" + "5df6e0e2")] // control character
    public void TryRead_InvalidCommandField_IsRejected(string hex)
    {
        var decoder = new FrameDecoder(Mainnet, Context);
        Assert.Equal(WireError.InvalidCommand, ReadFails(decoder, Convert.FromHexString(hex)).Error.Reason);
    }

    [Fact]
    public void Header_ParsesFieldsLittleEndian()
    {
        var frame = Frame("foo", [1, 2, 3]);
        var header = FrameHeader.Parse(frame.AsSpan(0, 24));
        Assert.Equal(Mainnet, header.Magic);
        Assert.Equal("foo", header.Command);
        Assert.Equal(3u, header.PayloadLength);
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(Hashing(frame[24..])), header.Checksum);
    }

    private static byte[] Hashing(byte[] payload) =>
        Primitives.Hash256.DoubleSha256(payload).ToArray()[..4];

    private static readonly Gen<(string Command, byte[] Payload)> AnyFrame =
        Gen.Select(Gen.String[Gen.Char['A', 'Z'], 1, 12], Gen.Byte.Array[0, 300]); // upper case: never a registered command

    [Fact]
    public void Property_AnyChunking_YieldsTheSameMessages()
    {
        Gen.Select(AnyFrame.Array[1, 8], Gen.Int[1, 64].Array[1, 40])
            .Sample((frames, cuts) =>
            {
                var stream = frames.SelectMany(f => Frame(f.Command, f.Payload)).ToArray();
                var decoder = new FrameDecoder(Mainnet, Context);
                var decoded = new List<IWireMessage>();
                int offset = 0, cut = 0;
                while (offset < stream.Length)
                {
                    int size = Math.Min(cuts[cut++ % cuts.Length], stream.Length - offset);
                    decoder.ReadAll(stream.AsSpan(offset, size), decoded);
                    offset += size;
                }
                return decoded.Count == frames.Length
                       && decoded.Zip(frames).All(p => p.First.Command == p.Second.Command
                           && ((UnknownMessage)p.First).Payload.Span.SequenceEqual(p.Second.Payload))
                       && decoder.BufferedBytes == 0;
            }, iter: 300);
    }
}
