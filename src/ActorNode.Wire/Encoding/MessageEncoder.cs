using System.Buffers;
using ActorNode.Wire.Messages;

namespace ActorNode.Wire.Encoding;

/// <summary>Frames messages for one network (btcd WriteMessageWithEncodingN). Keeps one scratch buffer, so
/// encoding into a caller's reused buffer allocates nothing. Not thread-safe: one encoder per connection.</summary>
public sealed class MessageEncoder(uint magic)
{
    private readonly ArrayBufferWriter<byte> _payload = new(256);

    public uint Magic { get; } = magic;

    /// <summary>Writes the whole frame (header and payload) into <paramref name="output"/>.</summary>
    public void Encode(IWireMessage message, WireContext context, IBufferWriter<byte> output)
    {
        var payload = EncodePayload(message, context);
        var span = output.GetSpan(FrameHeader.Size + payload.Length);
        new FrameHeader(Magic, message.Command, (uint)payload.Length, FrameHeader.ComputeChecksum(payload))
            .WriteTo(span);
        payload.CopyTo(span[FrameHeader.Size..]);
        output.Advance(FrameHeader.Size + payload.Length);
        if (_payload.Capacity > 1 << 20) _payload.Clear(); // do not pin a large block's buffer forever
    }

    /// <summary>The whole frame as one exact-size array, ready for a socket write.</summary>
    public byte[] Encode(IWireMessage message, WireContext context)
    {
        var payload = EncodePayload(message, context);
        var frame = new byte[FrameHeader.Size + payload.Length];
        new FrameHeader(Magic, message.Command, (uint)payload.Length, FrameHeader.ComputeChecksum(payload))
            .WriteTo(frame);
        payload.CopyTo(frame.AsSpan(FrameHeader.Size));
        return frame;
    }

    private ReadOnlySpan<byte> EncodePayload(IWireMessage message, WireContext context)
    {
        CheckVersionGate(message.Command, context);
        _payload.ResetWrittenCount();
        message.WritePayload(new WireWriter(_payload), context);
        CheckLength(message.Command, _payload.WrittenCount, context);
        return _payload.WrittenSpan;
    }

    /// <summary>The payload alone, as the message would carry it.</summary>
    public static byte[] EncodePayloadToArray(IWireMessage message, WireContext context)
    {
        CheckVersionGate(message.Command, context);
        var buffer = new ArrayBufferWriter<byte>();
        message.WritePayload(new WireWriter(buffer), context);
        CheckLength(message.Command, buffer.WrittenCount, context);
        return buffer.WrittenSpan.ToArray();
    }

    private static void CheckVersionGate(string command, WireContext context)
    {
        if (MessageRegistry.TryGet(command, out var descriptor) && context.ProtocolVersion < descriptor.MinProtocolVersion)
            throw new WireException(WireError.UnsupportedVersion,
                $"{command} is not valid at protocol version {context.ProtocolVersion}");
    }

    private static void CheckLength(string command, int length, WireContext context)
    {
        if (length > WireLimits.MaxProtocolMessageLength)
            throw new WireException(WireError.Oversized,
                $"{command}: payload of {length} bytes exceeds the protocol limit");
        if (MessageRegistry.TryGet(command, out var descriptor) && length > descriptor.MaxPayload(context.ProtocolVersion))
            throw new WireException(WireError.Oversized, $"{command}: payload of {length} bytes exceeds its maximum");
    }
}
