using System.Net;
using System.Net.Sockets;

namespace ActorNode.Connections.Bans;

/// <summary>Addresses and subnets whose peers are never scored or banned (btcd <c>--whitelist</c>,
/// <c>isWhitelisted</c> in server.go). Each entry is a CIDR subnet ("192.0.2.0/24", "2001:db8::/32") or a single
/// IP, which means /32 or /128 (btcd config.go). As with Go's <c>ParseCIDR</c>, host bits after the prefix are
/// ignored ("192.0.2.7/24" is 192.0.2.0/24). An IPv4-mapped IPv6 peer matches IPv4 entries (Go's
/// <c>IPNet.Contains</c> does the same). Whitelisting does not bypass inbound admission limits (btcd passes
/// "no bypass" there too). Immutable.</summary>
public sealed class IpWhitelist
{
    private readonly IPNetwork[] networks;

    /// <summary>A whitelist of exactly <paramref name="subnets"/> (already-masked networks).</summary>
    public IpWhitelist(IEnumerable<IPNetwork> subnets)
    {
        ArgumentNullException.ThrowIfNull(subnets);
        networks = subnets.ToArray();
    }

    /// <summary>No entries: nobody is whitelisted (the default).</summary>
    public static IpWhitelist Empty { get; } = new([]);

    /// <summary>The subnets, in the order given.</summary>
    public IReadOnlyList<IPNetwork> Subnets => networks;

    /// <summary>Whether <paramref name="address"/> is in any entry.</summary>
    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (networks.Length == 0)
            return false;
        IPAddress ip = IpKey.Normalize(address);
        foreach (IPNetwork network in networks)
        {
            if (network.Contains(ip))
                return true;
        }
        return false;
    }

    /// <summary>Parses btcd-style entries (CIDR or single IP).</summary>
    /// <exception cref="FormatException">An entry is neither (btcd: "the whitelist value of '…' is invalid").</exception>
    public static IpWhitelist Parse(IEnumerable<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return new IpWhitelist(entries.Select(ParseEntry));
    }

    /// <summary>One entry: "a.b.c.d", "a.b.c.d/n", an IPv6 address, or "ipv6/n". An IPv4-mapped IPv6 address
    /// without a prefix is taken as its IPv4 host.</summary>
    /// <exception cref="FormatException">Not an address or subnet.</exception>
    public static IPNetwork ParseEntry(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string text = entry.Trim();
        int slash = text.IndexOf('/');
        string addressText = slash < 0 ? text : text[..slash];
        if (!IpKey.TryParseStrict(addressText, out IPAddress? address))
            throw new FormatException($"the whitelist value of '{entry}' is invalid");

        int maxBits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        int prefix = maxBits;
        if (slash >= 0)
        {
            string bits = text[(slash + 1)..];
            if (bits.Length == 0 || bits.Length > 3 || !bits.All(char.IsAsciiDigit) || (prefix = int.Parse(bits)) > maxBits)
                throw new FormatException($"the whitelist value of '{entry}' is invalid");
        }
        else if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
            prefix = 32;
        }
        return new IPNetwork(Mask(address, prefix), prefix);
    }

    /// <summary><paramref name="address"/> with every bit after the first <paramref name="prefix"/> cleared.</summary>
    internal static IPAddress Mask(IPAddress address, int prefix)
    {
        byte[] bytes = address.GetAddressBytes();
        for (int i = 0; i < bytes.Length; i++)
        {
            int keep = Math.Clamp(prefix - i * 8, 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }
        return new IPAddress(bytes);
    }
}
