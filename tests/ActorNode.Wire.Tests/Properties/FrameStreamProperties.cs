using System.Buffers;
using System.Buffers.Binary;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using CsCheck;

namespace ActorNode.Wire.Tests.Properties;

/// <summary>A stream of several random messages, framed by <see cref="MessageEncoder"/> and fed to one
/// <see cref="FrameDecoder"/> cut into chunks of random sizes, comes out as the same messages in the same order.
/// All messages are compared only after the whole stream is read, so a decoded message that kept a slice of the
/// decoder's reused buffer would show up as changed bytes.</summary>
public class FrameStreamProperties
{
    /// <summary>Chunk sizes: many runs of single bytes, small odd cuts around the 24-byte header, and large bites.</summary>
    private static readonly Gen<int[]> ChunkSizes = Gen.Frequency(
        (1, Gen.Const(new[] { 1 })),
        (3, Gen.Int[1, 30].Array[1, 20]),
        (2, Gen.Frequency((3, Gen.Const(1)), (2, Gen.Int[2, 64]), (1, Gen.Int[65, 5000])).Array[1, 20]));

    [Fact]
    public void FrameDecoder_RandomMessagesInRandomChunks_YieldsSameMessagesInOrder()
    {
        Gen.Select(Gen.UInt, WireGen.AnyMessage.Array[1, 8], ChunkSizes).Sample((magic, messages, chunks) =>
        {
            var context = WireContext.Latest;
            var encoder = new MessageEncoder(magic);
            var stream = new ArrayBufferWriter<byte>();
            foreach (var message in messages) encoder.Encode(message, context, stream);

            var decoder = new FrameDecoder(magic, context);
            var decoded = new List<IWireMessage>();
            var bytes = stream.WrittenSpan;
            for (int offset = 0, i = 0; offset < bytes.Length; i++)
            {
                int size = Math.Min(chunks[i % chunks.Length], bytes.Length - offset);
                var chunk = bytes.Slice(offset, size);
                while (decoder.TryRead(ref chunk, out var message)) decoded.Add(message);
                Assert.True(chunk.IsEmpty, "the decoder consumes every byte it is given");
                offset += size;
            }

            Assert.Equal(0, decoder.BufferedBytes);
            Assert.Equal(messages.Select(m => m.Command), decoded.Select(m => m.Command));
            for (int i = 0; i < messages.Length; i++)
                Assert.Equal(WireAssert.Encode(messages[i], context), WireAssert.Encode(decoded[i], context));
        }, iter: 1500);
    }

    /// <summary>The array overload of the encoder frames exactly what the buffer-writer overload writes, and a frame is
    /// the 24-byte header (magic, command, length, dsha checksum) followed by the payload.</summary>
    [Fact]
    public void MessageEncoder_BothOverloads_WriteTheSameFrame()
    {
        Gen.Select(Gen.UInt, WireGen.AnyMessage).Sample((magic, message) =>
        {
            var context = WireContext.Latest;
            var encoder = new MessageEncoder(magic);
            byte[] frame = encoder.Encode(message, context);
            var buffer = new ArrayBufferWriter<byte>();
            encoder.Encode(message, context, buffer);
            Assert.Equal(frame, buffer.WrittenSpan.ToArray());

            byte[] payload = WireAssert.Encode(message, context);
            var header = FrameHeader.Parse(frame.AsSpan(0, FrameHeader.Size));
            Assert.Equal(new FrameHeader(magic, message.Command, (uint)payload.Length,
                BinaryPrimitives.ReadUInt32LittleEndian(Reference.DoubleSha256(payload))), header);
            Assert.Equal(payload, frame[FrameHeader.Size..]);
        }, iter: 1000);
    }
}
