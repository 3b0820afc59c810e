using ActorNode.Wire;
using ActorNode.Wire.Messages;

namespace ActorNode.V2Transport.Framing;

/// <summary>What a connection speaks, as Core's getpeerinfo <c>transport_protocol_type</c> names it.</summary>
public enum TransportProtocol
{
    /// <summary>An inbound connection whose first 16 bytes have not yet decided between v1 and v2.</summary>
    Detecting,
    V1,
    V2,
}

/// <summary>The common shape of v1 and v2 framing for one connection, so the peer layer can hold either behind
/// the same transport adapter: feed received bytes, get whole messages; give a message, get the bytes to write.
/// <para>Usage per received chunk: <c>while (framer.TryRead(ref data, out var m)) ...;</c> then send
/// <see cref="TakeOutput"/> if not null. After construction, send <see cref="TakeOutput"/> too (a v2 initiator's key
/// and garbage). Faults: <see cref="WireException"/> for a message that does not decode (as v1 today) and
/// <see cref="V2TransportException"/> for a broken v2 stream; both mean disconnect.</para>
/// Not thread-safe: one framer per connection, used by its owner only.</summary>
public interface IMessageFramer : IDisposable
{
    TransportProtocol Protocol { get; }

    /// <summary>The protocol version and encoding messages are decoded with; set after the version handshake.</summary>
    WireContext Context { get; set; }

    /// <summary>Bytes on the wire of the message <see cref="TryRead"/> last returned.</summary>
    int LastFrameLength { get; }

    /// <summary>The v2 session id once known (32 bytes), else null.</summary>
    byte[]? SessionId { get; }

    /// <summary>Consumes bytes until one message is complete (true, input advanced past it) or the input is used
    /// up (false). Transport-level packets (v2 handshake, decoys, undecodable message types) are consumed silently.</summary>
    bool TryRead(ref ReadOnlySpan<byte> input, out IWireMessage message);

    /// <summary>The bytes that carry <paramref name="message"/>. A v2 framer whose handshake has not yet reached
    /// the point where messages can be encrypted queues the message and returns an empty array; its bytes come out
    /// of <see cref="TakeOutput"/> later, in order. Throws <see cref="WireException"/> for a message over its limit
    /// or not valid at the context's version (ours to fix, not the peer's).</summary>
    byte[] Encode(IWireMessage message, WireContext context);

    /// <summary>Bytes the framer itself needs written now (v2 handshake, queued messages), or null.</summary>
    byte[]? TakeOutput();
}
