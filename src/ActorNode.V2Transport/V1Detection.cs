using System.Buffers.Binary;

namespace ActorNode.V2Transport;

/// <summary>What the first bytes of an inbound connection say.</summary>
public enum InboundProtocol
{
    /// <summary>Every byte so far matches the v1 prefix: wait for more (at most 16).</summary>
    Undecided,
    /// <summary>The 16 bytes are magic ‖ "version\0\0\0\0\0": a v1 peer's version message.</summary>
    V1,
    /// <summary>A byte differs from the v1 prefix: run the v2 responder.</summary>
    V2,
}

/// <summary>Inbound v1 detection (BIP324 responder, Core's <c>KEY_MAYBE_V1</c>): the connection is v1 exactly when
/// its first 16 bytes are the network magic followed by "version" and five NULs.</summary>
public static class V1Detection
{
    public const int PrefixLength = 16;

    private static ReadOnlySpan<byte> VersionCommand => "version\0\0\0\0\0"u8;

    /// <summary>The 16-byte v1 prefix for a network.</summary>
    public static byte[] Prefix(uint networkMagic)
    {
        var prefix = new byte[PrefixLength];
        BinaryPrimitives.WriteUInt32LittleEndian(prefix, networkMagic);
        VersionCommand.CopyTo(prefix.AsSpan(4));
        return prefix;
    }

    /// <summary>Classifies the bytes received so far (only the first 16 matter).</summary>
    public static InboundProtocol Classify(ReadOnlySpan<byte> received, uint networkMagic)
    {
        Span<byte> prefix = stackalloc byte[PrefixLength];
        BinaryPrimitives.WriteUInt32LittleEndian(prefix, networkMagic);
        VersionCommand.CopyTo(prefix[4..]);
        int n = Math.Min(received.Length, PrefixLength);
        for (int i = 0; i < n; i++)
            if (received[i] != prefix[i]) return InboundProtocol.V2;
        return n == PrefixLength ? InboundProtocol.V1 : InboundProtocol.Undecided;
    }

    /// <summary>True when 16 bytes are a v1 version header for some other network's magic (btcd answers "peer is
    /// v1 and using the wrong network"; Core treats it as a v2 attempt that then fails on the terminator).</summary>
    public static bool IsV1VersionForOtherNetwork(ReadOnlySpan<byte> first16, uint networkMagic) =>
        first16.Length >= PrefixLength && first16.Slice(4, 12).SequenceEqual(VersionCommand)
        && BinaryPrimitives.ReadUInt32LittleEndian(first16) != networkMagic;
}
