using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace ActorNode.Connections.Bans;

/// <summary>The canonical form of a peer's IP for bans, scores and admission: an IPv4-mapped IPv6 address
/// becomes plain IPv4 and an IPv6 scope (zone) is dropped, so that one host has one key however the socket
/// reported it. btcd keys bans by the host string of <c>net.SplitHostPort(addr)</c>, where
/// "::ffff:1.2.3.4" and "1.2.3.4" would be two keys; <c>internal/inbound</c> already unmaps and drops zones
/// (<c>inboundSourceAddr</c>), and we do the same everywhere.</summary>
public static class IpKey
{
    /// <summary>The canonical address (a new instance when it differs from <paramref name="address"/>).</summary>
    public static IPAddress Normalize(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
            return address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0)
            return new IPAddress(address.GetAddressBytes());
        return address;
    }

    /// <summary>The text of the canonical address ("192.0.2.1", "2001:db8::1"): the key of bans and scores.</summary>
    public static string Of(IPAddress address) => Normalize(address).ToString();

    /// <summary>Parses an IP literal as strictly as Go's <c>net.ParseIP</c>: IPv4 only as four decimal parts
    /// ("10.1" and "0x7f.1" are refused, though <see cref="IPAddress.TryParse(string, out IPAddress)"/> takes them),
    /// IPv6 without brackets or zone. The result is not normalised.</summary>
    public static bool TryParseStrict(string text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (text.Length == 0 || text.Contains('%') || text.Contains('[') || !IPAddress.TryParse(text, out IPAddress? parsed))
            return false;
        if (parsed.AddressFamily == AddressFamily.InterNetwork)
        {
            string[] parts = text.Split('.');
            if (parts.Length != 4 || parts.Any(p => p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit)))
                return false;
        }
        address = parsed;
        return true;
    }
}
