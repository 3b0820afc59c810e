using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ActorNode.Wire;
using ActorNode.Wire.Primitives;

namespace ActorNode.AddrBook;

/// <summary>The <c>host:port</c> key that indexes the address book and names addresses in peers.json (btcd
/// NetAddressKey = Go <c>net.JoinHostPort(addr.String(), port)</c>): <c>1.2.3.4:8333</c>,
/// <c>[2001:db8::1]:8333</c>, <c>&lt;16 base32&gt;.onion:8333</c> (Tor v2), <c>&lt;56 base32&gt;.onion:8333</c>
/// (Tor v3). The same host with another port is another key.
/// <para><see cref="TryParse"/> reads a key back as btcd DeserializeNetAddress does (Go net.SplitHostPort, a port
/// that fits 16 bits, then HostToNetAddress), except that a host name is refused rather than resolved through
/// DNS: btcd never writes one.</para></summary>
public static class AddressKey
{
    private const string Base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const int TorV2EncodedSize = 16 + 6;
    private const int TorV3EncodedSize = 56 + 6;

    private static ReadOnlySpan<byte> OnionCatPrefix => [0xfd, 0x87, 0xd8, 0x7e, 0xeb, 0x43];
    private static ReadOnlySpan<byte> IPv4MappedPrefix => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

    /// <summary>The key of an address (btcd NetAddressKey). IPv6 (and CJDNS) hosts are bracketed as
    /// net.JoinHostPort brackets any host containing a colon.</summary>
    public static string Format(NetAddressV2 address)
    {
        address = Normalize(address);
        string host = address.Host;
        string port = address.Port.ToString(CultureInfo.InvariantCulture);
        return host.Contains(':') ? $"[{host}]:{port}" : $"{host}:{port}";
    }

    /// <summary>The BIP155 form btcd would hold for these bytes (btcd NetAddressV2FromBytes): an IPv6 address that
    /// is IPv4-mapped becomes IPv4 and an OnionCat one becomes Tor v2, so one endpoint always has one key. Anything
    /// else is returned unchanged.</summary>
    public static NetAddressV2 Normalize(NetAddressV2 address)
    {
        if (address.Network != AddressNetwork.IPv6) return address;
        var bytes = address.Address.Span;
        if (bytes.StartsWith(IPv4MappedPrefix))
            return new NetAddressV2(address.Timestamp, address.Services, AddressNetwork.IPv4, bytes[12..], address.Port);
        if (bytes.StartsWith(OnionCatPrefix))
            return new NetAddressV2(address.Timestamp, address.Services, AddressNetwork.TorV2, bytes[6..], address.Port);
        return address;
    }

    /// <summary>Reads a key back into an address with the given services and timestamp; throws
    /// <see cref="FormatException"/> when it is not a key btcd could have written.</summary>
    public static NetAddressV2 Parse(string key, ServiceFlags services, uint timestamp = 0) =>
        TryParse(key, services, timestamp, out var address, out string? error)
            ? address
            : throw new FormatException($"address key '{key}': {error}");

    /// <summary>Reads a key back (see <see cref="Parse"/>); on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(string? key, ServiceFlags services, uint timestamp,
        [NotNullWhen(true)] out NetAddressV2? address, [NotNullWhen(false)] out string? error)
    {
        address = null;
        if (key is null)
        {
            error = "missing";
            return false;
        }
        if (!TrySplitHostPort(key, out string? host, out string? portText, out error)) return false;
        if (!TryParsePort(portText, out ushort port))
        {
            error = $"invalid port '{portText}'";
            return false;
        }
        address = ParseHost(host, services, timestamp, port, out error);
        return address is not null;
    }

    private static NetAddressV2? ParseHost(string host, ServiceFlags services, uint timestamp, ushort port,
        out string? error)
    {
        error = null;
        if (host.Length == TorV2EncodedSize && host.EndsWith(".onion", StringComparison.Ordinal))
        {
            var data = Base32Decode(host.AsSpan(0, 16));
            if (data is null) error = $"invalid base32 in '{host}'";
            else return new NetAddressV2(timestamp, services, AddressNetwork.TorV2, data, port);
            return null;
        }
        if (host.Length == TorV3EncodedSize && host.EndsWith(".onion", StringComparison.Ordinal))
        {
            // As btcd: the first 32 decoded bytes are the ed25519 key; the checksum and version are not checked
            // (the key written back is rebuilt from the public key).
            var data = Base32Decode(host.AsSpan(0, 56));
            if (data is null) error = $"invalid base32 in '{host}'";
            else return new NetAddressV2(timestamp, services, AddressNetwork.TorV3, data.AsSpan(0, 32), port);
            return null;
        }
        var ip = ParseIP(host);
        if (ip is null)
        {
            error = $"'{host}' is not an IP address or .onion name (host names are not resolved)";
            return null;
        }
        return NetAddressV2.FromBytes(timestamp, services, ip, port);
    }

    /// <summary>Go net.SplitHostPort.</summary>
    private static bool TrySplitHostPort(string hostPort, [NotNullWhen(true)] out string? host,
        [NotNullWhen(true)] out string? port, [NotNullWhen(false)] out string? error)
    {
        host = port = null;
        int colon = hostPort.LastIndexOf(':');
        if (colon < 0)
        {
            error = "missing port";
            return false;
        }
        int j = 0, k = 0;
        if (hostPort.Length > 0 && hostPort[0] == '[')
        {
            int end = hostPort.IndexOf(']');
            if (end < 0)
            {
                error = "missing ']'";
                return false;
            }
            if (end + 1 == hostPort.Length)
            {
                error = "missing port";
                return false;
            }
            if (end + 1 != colon)
            {
                error = hostPort[end + 1] == ':' ? "too many colons" : "missing port";
                return false;
            }
            host = hostPort[1..end];
            j = 1;
            k = end + 1;
        }
        else
        {
            host = hostPort[..colon];
            if (host.Contains(':'))
            {
                error = "too many colons";
                return false;
            }
        }
        if (hostPort.IndexOf('[', j) >= 0)
        {
            error = "unexpected '['";
            return false;
        }
        if (hostPort.IndexOf(']', k) >= 0)
        {
            error = "unexpected ']'";
            return false;
        }
        port = hostPort[(colon + 1)..];
        error = null;
        return true;
    }

    /// <summary>Go strconv.ParseUint(s, 10, 16): decimal digits only, at most 65535.</summary>
    private static bool TryParsePort(string text, out ushort port)
    {
        port = 0;
        if (text.Length == 0 || text.Length > 10) return false;
        uint value = 0;
        foreach (char c in text)
        {
            if (c is < '0' or > '9') return false;
            value = value * 10 + (uint)(c - '0');
            if (value > ushort.MaxValue) return false;
        }
        port = (ushort)value;
        return true;
    }

    /// <summary>Go net.ParseIP: dotted-quad IPv4 (four decimal fields, no leading zeros) or textual IPv6 (an
    /// embedded dotted IPv4 tail allowed, no zone). Returns 4 or 16 bytes, or null.</summary>
    internal static byte[]? ParseIP(string text)
    {
        if (text.Contains(':'))
        {
            foreach (char c in text)
                if (!(char.IsAsciiHexDigit(c) || c == ':' || c == '.')) return null;
            return IPAddress.TryParse(text, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6
                ? v6.GetAddressBytes()
                : null;
        }
        var parts = text.Split('.');
        if (parts.Length != 4) return null;
        var bytes = new byte[4];
        for (int i = 0; i < 4; i++)
        {
            string part = parts[i];
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0')) return null;
            int value = 0;
            foreach (char c in part)
            {
                if (c is < '0' or > '9') return null;
                value = value * 10 + (c - '0');
            }
            if (value > 255) return null;
            bytes[i] = (byte)value;
        }
        return bytes;
    }

    /// <summary>RFC 4648 base32 without padding, case-insensitive (btcd upper-cases before Go's StdEncoding). The
    /// lengths used here (16 and 56 characters) hold whole bytes, so no trailing bits are left over.</summary>
    private static byte[]? Base32Decode(ReadOnlySpan<char> text)
    {
        var bytes = new byte[text.Length * 5 / 8];
        int buffer = 0, bits = 0, n = 0;
        foreach (char c in text)
        {
            int value = Base32Alphabet.IndexOf(char.ToUpperInvariant(c));
            if (value < 0) return null;
            buffer = (buffer << 5 | value) & 0xFFF; // at most 12 bits are pending
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes[n++] = (byte)(buffer >> bits);
            }
        }
        return bytes;
    }
}
