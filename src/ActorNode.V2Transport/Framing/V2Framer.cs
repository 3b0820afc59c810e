using System.Buffers;
using System.Security.Cryptography;
using ActorNode.Wire;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;

namespace ActorNode.V2Transport.Framing;

/// <summary>BIP324 framing behind <see cref="IMessageFramer"/>: a <see cref="V2Session"/> plus the wire codec.
/// <para>Received payloads go through <see cref="MessageRegistry.DecodePayload"/> with the same checks as v1 after
/// the body (4,000,000-byte payload limit, each message's maximum and version gate, no trailing bytes); a message
/// that keeps slices of its payload gets its own copy unless the session already handed over the array. Messages
/// whose type does not decode are dropped (Core: "invalid message type", peer kept) and counted in
/// <see cref="DroppedMessages"/>.</para>
/// <para>Messages encoded before the peer's key has arrived (an initiator's version) are queued, bounded by
/// <see cref="MaxQueuedBytes"/>, and come out of <see cref="TakeOutput"/> right after the handshake bytes.</para></summary>
public sealed class V2Framer : IMessageFramer
{
    /// <summary>Bound on messages queued before the handshake allows encryption (a version is ~120 bytes).</summary>
    public const int MaxQueuedBytes = 64 * 1024;

    private readonly V2Session _session;
    private readonly ArrayBufferWriter<byte> _payload = new(256);
    private readonly List<(string Command, byte[] Payload)> _queued = [];
    private int _queuedBytes;

    public V2Framer(V2Role role, uint networkMagic, WireContext context, RandomNumberGenerator random,
        V2SessionOptions? options = null)
        : this(new V2Session(role, networkMagic, random, options), context)
    {
    }

    public V2Framer(V2Session session, WireContext context)
    {
        _session = session ?? throw new ArgumentNullException(nameof(session));
        Context = context;
    }

    public TransportProtocol Protocol => TransportProtocol.V2;

    public WireContext Context { get; set; }

    public int LastFrameLength { get; private set; }

    public byte[]? SessionId => _session.SessionId;

    /// <summary>The session underneath (state, counters, memory).</summary>
    public V2Session Session => _session;

    /// <summary>Messages dropped because their type did not decode.</summary>
    public long DroppedMessages { get; private set; }

    public bool TryRead(ref ReadOnlySpan<byte> input, out IWireMessage message)
    {
        message = null!;
        while (_session.TryReceive(ref input, out var received))
        {
            if (received.Command is null)
            {
                DroppedMessages++;
                continue;
            }
            LastFrameLength = received.WireLength;
            var payload = received.Payload;
            if (payload.Length > WireLimits.MaxProtocolMessageLength)
                throw new WireException(WireError.Oversized,
                    $"{received.Command}: payload of {payload.Length} bytes exceeds the protocol limit of {WireLimits.MaxProtocolMessageLength}");
            if (!received.PayloadOwned && MessageRegistry.TryGet(received.Command, out var descriptor) && descriptor.RetainsPayload)
                payload = payload.ToArray();
            message = MessageRegistry.DecodePayload(received.Command, payload, Context);
            return true;
        }
        return false;
    }

    public byte[] Encode(IWireMessage message, WireContext context)
    {
        ArgumentNullException.ThrowIfNull(message);
        var payload = EncodePayload(message, context);
        if (!_session.CanSend)
        {
            if (_queuedBytes + payload.Length > MaxQueuedBytes)
                throw new InvalidOperationException($"more than {MaxQueuedBytes} bytes queued before the v2 handshake");
            _queued.Add((message.Command, payload.ToArray()));
            _queuedBytes += payload.Length;
            return [];
        }
        FlushQueued();
        var bytes = _session.EncodeMessage(message.Command, payload);
        if (_flushed.Count == 0) return bytes;
        _flushed.Add(bytes);
        return DrainFlushed(null)!;
    }

    public byte[]? TakeOutput()
    {
        if (_session.CanSend) FlushQueued();
        return DrainFlushed(_session.TakeOutput());
    }

    /// <summary><paramref name="first"/> (if any) then every flushed packet, as one array; null when empty.</summary>
    private byte[]? DrainFlushed(byte[]? first)
    {
        if (_flushed.Count == 0) return first;
        int total = (first?.Length ?? 0) + _flushed.Sum(p => p.Length);
        var all = new byte[total];
        int at = 0;
        if (first is not null)
        {
            first.CopyTo(all, 0);
            at = first.Length;
        }
        foreach (var part in _flushed)
        {
            part.CopyTo(all, at);
            at += part.Length;
        }
        _flushed.Clear();
        return all;
    }

    public void Dispose() => _session.Dispose();

    private readonly List<byte[]> _flushed = [];

    /// <summary>Encrypts the messages queued before the handshake, in order; their packets follow the handshake
    /// bytes (the first one carries them, as <see cref="V2Session.EncodeMessage"/> prepends what is queued).</summary>
    private void FlushQueued()
    {
        if (_queued.Count == 0) return;
        foreach (var (command, payload) in _queued)
            _flushed.Add(_session.EncodeMessage(command, payload));
        _queued.Clear();
        _queuedBytes = 0;
    }

    private ReadOnlySpan<byte> EncodePayload(IWireMessage message, WireContext context)
    {
        if (MessageRegistry.TryGet(message.Command, out var descriptor) && context.ProtocolVersion < descriptor.MinProtocolVersion)
            throw new WireException(WireError.UnsupportedVersion,
                $"{message.Command} is not valid at protocol version {context.ProtocolVersion}");
        _payload.ResetWrittenCount();
        message.WritePayload(new WireWriter(_payload), context);
        int length = _payload.WrittenCount;
        if (length > WireLimits.MaxProtocolMessageLength)
            throw new WireException(WireError.Oversized, $"{message.Command}: payload of {length} bytes exceeds the protocol limit");
        if (descriptor is not null && length > descriptor.MaxPayload(context.ProtocolVersion))
            throw new WireException(WireError.Oversized, $"{message.Command}: payload of {length} bytes exceeds its maximum");
        var span = _payload.WrittenSpan;
        if (_payload.Capacity > 1 << 20)
        {
            var copy = span.ToArray(); // do not pin a large block's buffer forever
            _payload.Clear();
            return copy;
        }
        return span;
    }
}
