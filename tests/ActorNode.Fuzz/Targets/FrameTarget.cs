using ActorNode.Wire;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;

namespace ActorNode.Fuzz.Targets;

/// <summary>The v1 frame decoder (src/ActorNode.Wire/Encoding/FrameDecoder.cs) fed a byte stream in chunks the
/// input chooses.
/// <para>Input: byte 0 = context (<see cref="WireContexts"/>, bits 0-3), chunk-table length k (bits 4-6) and a
/// large-chunk flag (bit 7); then k chunk lengths (one byte each: 1 + b, times 64 with the flag; the table cycles;
/// k = 0 feeds the stream whole); then the stream itself.</para>
/// <para>Checks: the decoder buffers no more than four times the bytes it was given; the frames it reports add
/// and the bytes it holds add up to exactly what it consumed; after a header fault every call throws; and the sequence of outcomes
/// (each message's command and frame length, each error's reason) is the same as when the stream is fed in one
/// piece, so no chunk boundary changes what is decoded.</para></summary>
public sealed class FrameTarget : FuzzTarget
{
    public override string Name => "frame";

    public override string Description => "FrameDecoder.TryRead over a stream cut into input-chosen chunks";

    public override bool IsExpected(Exception exception) => exception is WireException;

    public override void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty) return;
        byte control = input[0];
        var context = WireContexts.FromByte(control);
        int tableLength = Math.Min((control >> 4) & 7, input.Length - 1);
        var table = input.Slice(1, tableLength);
        var stream = input[(1 + tableLength)..];
        int scale = (control & 0x80) != 0 ? 64 : 1;

        var chunked = Decode(stream, context, table, scale);
        if (tableLength == 0) return;
        var whole = Decode(stream, context, [], 1);
        if (!chunked.SequenceEqual(whole))
            throw new FuzzContractException(
                $"frame: chunked decode gave [{string.Join(", ", chunked)}] but whole decode gave [{string.Join(", ", whole)}]");
    }

    private static List<string> Decode(ReadOnlySpan<byte> stream, WireContext context, ReadOnlySpan<byte> table, int scale)
    {
        var decoder = new FrameDecoder(WireContexts.MainNetMagic, context);
        var outcomes = new List<string>();
        long fed = 0, framed = 0;
        int next = 0;
        while (!stream.IsEmpty)
        {
            int length = table.IsEmpty ? stream.Length : Math.Min(stream.Length, (1 + table[next++ % table.Length]) * scale);
            var chunk = stream[..length];
            stream = stream[length..];
            fed += length;
            while (true)
            {
                try
                {
                    if (!decoder.TryRead(ref chunk, out IWireMessage message))
                    {
                        CheckBuffers(decoder, fed, fed - chunk.Length, framed);
                        break;
                    }
                    if (decoder.LastFrameLength < FrameHeader.Size)
                        throw new FuzzContractException($"frame: a {message.Command} frame of {decoder.LastFrameLength} bytes");
                    framed += decoder.LastFrameLength;
                    outcomes.Add($"{message.Command}/{decoder.LastFrameLength}");
                }
                catch (WireException e)
                {
                    if (IsFaulted(decoder))
                    {
                        outcomes.Add("error:" + e.Reason);
                        return outcomes; // a header fault: no frame boundary any more, the stream ends here
                    }
                    // A body fault: the frame was consumed and the decoder stands at the next one; btcd would
                    // disconnect, we read on.
                    framed += decoder.LastFrameLength;
                    outcomes.Add($"error:{e.Reason}/{decoder.LastFrameLength}");
                }
                CheckBuffers(decoder, fed, fed - chunk.Length, framed);
            }
        }
        return outcomes;
    }

    private static bool IsFaulted(FrameDecoder decoder)
    {
        var empty = ReadOnlySpan<byte>.Empty;
        try
        {
            decoder.TryRead(ref empty, out _);
            return false;
        }
        catch (WireException)
        {
            // A faulted decoder must go on refusing, whatever it is given.
            var more = new byte[FrameHeader.Size].AsSpan();
            ReadOnlySpan<byte> bytes = more;
            try
            {
                decoder.TryRead(ref bytes, out _);
            }
            catch (WireException)
            {
                return true;
            }
            throw new FuzzContractException("frame: a faulted decoder accepted more bytes");
        }
    }

    private static void CheckBuffers(FrameDecoder decoder, long fed, long consumed, long framed)
    {
        if (decoder.BufferCapacity > 4 * fed + 64)
            throw new FuzzContractException(
                $"frame: {decoder.BufferCapacity:N0} bytes of buffer after {fed:N0} bytes fed (the limit is four times)");
        if (framed + decoder.BufferedBytes != consumed)
            throw new FuzzContractException(
                $"frame: {framed:N0} bytes framed and {decoder.BufferedBytes:N0} buffered, but {consumed:N0} consumed");
    }
}
