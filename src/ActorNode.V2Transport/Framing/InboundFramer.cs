using System.Security.Cryptography;
using ActorNode.Wire;
using ActorNode.Wire.Messages;

namespace ActorNode.V2Transport.Framing;

/// <summary>An inbound connection's framer: <see cref="TransportProtocol.Detecting"/> until the first bytes decide
/// (<see cref="V1Detection"/>: magic ‖ "version\0\0\0\0\0" means v1, any other byte v2), then a
/// <see cref="V1Framer"/> or a responder <see cref="V2Framer"/> fed the bytes already read. At most 16 bytes are
/// held while detecting. Messages encoded while detecting cannot happen in practice (an inbound peer waits for the
/// remote's version) and are refused.</summary>
public sealed class InboundFramer(uint networkMagic, WireContext context, RandomNumberGenerator random,
    V2SessionOptions? options = null) : IMessageFramer
{
    private readonly byte[] _prefix = new byte[V1Detection.PrefixLength];
    private int _prefixFilled;
    private IMessageFramer? _inner;
    private WireContext _context = context;

    public TransportProtocol Protocol => _inner?.Protocol ?? TransportProtocol.Detecting;

    /// <summary>The framer chosen, once detection is over.</summary>
    public IMessageFramer? Inner => _inner;

    public WireContext Context
    {
        get => _inner?.Context ?? _context;
        set
        {
            _context = value;
            if (_inner is not null) _inner.Context = value;
        }
    }

    public int LastFrameLength => _inner?.LastFrameLength ?? 0;

    public byte[]? SessionId => _inner?.SessionId;

    public bool TryRead(ref ReadOnlySpan<byte> input, out IWireMessage message)
    {
        if (_inner is null)
        {
            int take = Math.Min(V1Detection.PrefixLength - _prefixFilled, input.Length);
            input[..take].CopyTo(_prefix.AsSpan(_prefixFilled));
            _prefixFilled += take;
            input = input[take..];
            var seen = _prefix.AsSpan(0, _prefixFilled);
            switch (V1Detection.Classify(seen, networkMagic))
            {
                case InboundProtocol.Undecided:
                    message = null!;
                    return false;
                case InboundProtocol.V1:
                    _inner = new V1Framer(networkMagic, _context);
                    break;
                default:
                    _inner = new V2Framer(V2Role.Responder, networkMagic, _context, random, options);
                    break;
            }
            // Replay what detection read. A v1 version header is 24 bytes, so 16 bytes never complete a message;
            // nor do the first bytes of a v2 key.
            ReadOnlySpan<byte> replay = _prefix.AsSpan(0, _prefixFilled);
            if (_inner.TryRead(ref replay, out message))
                throw new InvalidOperationException("a message cannot complete within the detection prefix");
        }
        return _inner.TryRead(ref input, out message);
    }

    public byte[] Encode(IWireMessage message, WireContext context) =>
        _inner is null
            ? throw new InvalidOperationException("the inbound transport protocol is not known yet")
            : _inner.Encode(message, context);

    public byte[]? TakeOutput() => _inner?.TakeOutput();

    public void Dispose() => _inner?.Dispose();
}
