using System.Buffers.Binary;
using System.Text;

namespace ActorNode.Wire.Primitives;

/// <summary>Text forms of network addresses, written by hand so they match Go's net.IP and Bitcoin Core byte for
/// byte: .NET's <see cref="System.Net.IPAddress"/> prints IPv4-compatible and SIIT addresses with a dotted tail
/// (<c>::1.2.3.4</c>), Core and Go print pure hex (<c>::102:304</c>).</summary>
internal static class AddressText
{
    private const string Base32Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string FormatIPv4(ReadOnlySpan<byte> ip4) => $"{ip4[0]}.{ip4[1]}.{ip4[2]}.{ip4[3]}";

    /// <summary>RFC 5952 §4: lowercase hex groups without leading zeros; the longest run of two or more zero groups
    /// (the first one on a tie) becomes <c>::</c>.</summary>
    public static string FormatIPv6(ReadOnlySpan<byte> ip16)
    {
        Span<ushort> groups = stackalloc ushort[8];
        for (int i = 0; i < 8; i++) groups[i] = BinaryPrimitives.ReadUInt16BigEndian(ip16[(2 * i)..]);

        int bestStart = -1, bestLength = 0;
        for (int i = 0; i < 8;)
        {
            if (groups[i] != 0)
            {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) i++;
            if (i - start > bestLength)
            {
                bestStart = start;
                bestLength = i - start;
            }
        }
        if (bestLength < 2) bestStart = -1;

        var text = new StringBuilder(39);
        for (int i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                text.Append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.Length > 0 && text[^1] != ':') text.Append(':');
            text.Append(groups[i].ToString("x"));
        }
        return text.ToString();
    }

    /// <summary>RFC 4648 base32, lowercase, without padding (what Tor and I2P names use).</summary>
    public static string Base32(ReadOnlySpan<byte> data)
    {
        var text = new StringBuilder((data.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (byte b in data)
        {
            buffer = ((buffer << 8) | b) & 0xFFFF; // at most 12 unused bits are kept
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                text.Append(Base32Alphabet[(buffer >> bits) & 31]);
            }
        }
        if (bits > 0) text.Append(Base32Alphabet[(buffer << (5 - bits)) & 31]);
        return text.ToString();
    }
}
