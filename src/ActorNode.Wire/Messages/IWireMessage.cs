using ActorNode.Wire.Encoding;

namespace ActorNode.Wire.Messages;

/// <summary>A Bitcoin p2p message: its command and how its payload is written. Decoding lives in each type's
/// static <c>Decode(ref WireReader, WireContext)</c>, registered in <see cref="MessageRegistry"/>.</summary>
public interface IWireMessage
{
    /// <summary>The command string of the frame header ("version", "inv", ...).</summary>
    string Command { get; }

    /// <summary>Writes the payload (without the 24-byte frame header).</summary>
    void WritePayload(WireWriter writer, WireContext context);
}

/// <summary>A message whose command ActorNode does not know. Decoding never fails on it; the peer skips it.
/// The payload is copied so it stays valid after the frame buffer is reused.</summary>
public sealed record UnknownMessage(string Command, ReadOnlyMemory<byte> Payload) : IWireMessage
{
    public void WritePayload(WireWriter writer, WireContext context) => writer.WriteBytes(Payload.Span);
}
