using ActorNode.Wire;

namespace ActorNode.Fuzz.Targets;

/// <summary>Picks the negotiated protocol version and encoding from one input byte, so every version gate of the
/// codec is reachable: bits 0-2 choose the version, bit 3 the encoding (0 = witness).</summary>
public static class WireContexts
{
    /// <summary>Versions at and around the codec's gates (btcd wire/protocol.go).</summary>
    public static readonly uint[] Versions =
    [
        ProtocolVersion.Current, ProtocolVersion.CompactBlocks, ProtocolVersion.SendHeaders, ProtocolVersion.Bip0037,
        ProtocolVersion.Bip0031 + 1, ProtocolVersion.Bip0031, ProtocolVersion.NetAddressTime, ProtocolVersion.MultipleAddress,
    ];

    public static WireContext FromByte(byte selector) =>
        new(Versions[selector & 7], (selector & 8) == 0 ? WireEncoding.Witness : WireEncoding.Base);

    /// <summary>The selector byte for a context (the inverse of <see cref="FromByte"/>, for seeds).</summary>
    public static byte ToByte(WireContext context) =>
        (byte)(Array.IndexOf(Versions, context.ProtocolVersion) | (context.Encoding == WireEncoding.Base ? 8 : 0));

    public const uint MainNetMagic = 0xD9B4BEF9;
}
