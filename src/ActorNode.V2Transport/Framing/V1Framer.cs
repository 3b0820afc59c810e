using ActorNode.Wire;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;

namespace ActorNode.V2Transport.Framing;

/// <summary>v1 framing (24-byte header with magic and checksum) behind <see cref="IMessageFramer"/>: the existing
/// <see cref="FrameDecoder"/> and <see cref="MessageEncoder"/>, unchanged.</summary>
public sealed class V1Framer(uint networkMagic, WireContext context) : IMessageFramer
{
    private readonly FrameDecoder _decoder = new(networkMagic, context);
    private readonly MessageEncoder _encoder = new(networkMagic);

    public TransportProtocol Protocol => TransportProtocol.V1;

    public WireContext Context
    {
        get => _decoder.Context;
        set => _decoder.Context = value;
    }

    public int LastFrameLength => _decoder.LastFrameLength;

    public byte[]? SessionId => null;

    public bool TryRead(ref ReadOnlySpan<byte> input, out IWireMessage message) => _decoder.TryRead(ref input, out message);

    public byte[] Encode(IWireMessage message, WireContext context) => _encoder.Encode(message, context);

    public byte[]? TakeOutput() => null;

    public void Dispose()
    {
    }
}
