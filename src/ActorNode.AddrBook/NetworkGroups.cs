using ActorNode.Wire;
using ActorNode.Wire.Primitives;

namespace ActorNode.AddrBook;

/// <summary>Address classification (btcd addrmgr/network.go): the RFC range checks,
/// routability, and the network group key that bucket placement hashes and the dialler uses to keep one outbound
/// connection per group.
/// <para>Every check works on btcd's legacy 16-byte form (<see cref="NetAddressV2.ToLegacy"/>: IPv4 as
/// <c>::ffff:a.b.c.d</c>, Tor v2 as OnionCat). As Go's <c>net.IPNet.Contains</c> does, an IPv4 range only matches IPv4
/// addresses and an IPv6 range only matches non-IPv4 ones. Tor v3 has no legacy form and is always routable. I2P and
/// CJDNS never reach btcd's address manager (its wire decoder drops them); here they are not routable, so the book
/// never stores them, and every range check is false for them.</para></summary>
public static class NetworkGroups
{
    private static ReadOnlySpan<byte> OnionCat => [0xfd, 0x87, 0xd8, 0x7e, 0xeb, 0x43];
    private static ReadOnlySpan<byte> Rfc6145 => [0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0];
    private static ReadOnlySpan<byte> Rfc6052 => [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];
    private static ReadOnlySpan<byte> Rfc3964 => [0x20, 0x02];
    private static ReadOnlySpan<byte> Rfc4380 => [0x20, 0x01, 0x00, 0x00];
    private static ReadOnlySpan<byte> Rfc4843 => [0x20, 0x01, 0x00, 0x10];
    private static ReadOnlySpan<byte> Rfc7343 => [0x20, 0x01, 0x00, 0x20];
    private static ReadOnlySpan<byte> Rfc3849 => [0x20, 0x01, 0x0d, 0xb8];
    private static ReadOnlySpan<byte> Rfc4862 => [0xfe, 0x80, 0, 0, 0, 0, 0, 0];
    private static ReadOnlySpan<byte> Rfc4193 => [0xfc];
    private static ReadOnlySpan<byte> HurricaneElectric => [0x20, 0x01, 0x04, 0x70];
    private static ReadOnlySpan<byte> IPv4MappedPrefix => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

    /// <summary>The group an address belongs to, as btcd GroupKey spells it (the exact strings are hashed, so they
    /// must match btcd's for a btcd peers.json to keep its bucket layout): <c>"tor:N"</c> for Tor (N = the low 4 bits
    /// of the first key byte), <c>"local"</c>, <c>"unroutable"</c>, the IPv4 /16 as <c>"a.b.0.0"</c> (also for the
    /// IPv4 inside RFC 6145/6052, 6to4 and Teredo addresses), else the IPv6 /32 (/36 inside Hurricane Electric's
    /// 2001:470::/32) printed as Go's net.IP does, e.g. <c>"2001:470:1000::"</c>.</summary>
    public static string GroupKey(NetAddressV2 address)
    {
        if (address.Network == AddressNetwork.TorV3) return $"tor:{address.Address.Span[0] & 0x0F}";
        Span<byte> ip = stackalloc byte[16];
        if (!TryGetLegacy(address, ip)) return "unroutable";

        if (IsLocal(ip)) return "local";
        if (!IsRoutable(ip)) return "unroutable";
        if (IsIPv4(ip)) return Slash16(ip[12..]);
        if (InPrefix(ip, Rfc6145, 96) || InPrefix(ip, Rfc6052, 96)) return Slash16(ip[12..]);
        if (InPrefix(ip, Rfc3964, 16)) return Slash16(ip[2..6]);
        if (InPrefix(ip, Rfc4380, 32))
        {
            Span<byte> v4 = stackalloc byte[4];
            for (int i = 0; i < 4; i++) v4[i] = (byte)(ip[12 + i] ^ 0xff);
            return Slash16(v4);
        }
        if (InPrefix(ip, OnionCat, 48)) return $"tor:{ip[6] & 0x0F}";

        int bits = InPrefix(ip, HurricaneElectric, 32) ? 36 : 32;
        Span<byte> masked = stackalloc byte[16];
        masked.Clear();
        ip[..(bits / 8)].CopyTo(masked);
        if (bits % 8 != 0) masked[bits / 8] = (byte)(ip[bits / 8] & (0xFF << (8 - bits % 8)));
        // Go prints a 16-byte IP as RFC 5952 text; a masked /32 or /36 is never IPv4-mapped, so no dotted tail.
        return new NetAddressV2(0, ServiceFlags.None, AddressNetwork.IPv6, masked, 0).Host;
    }

    /// <summary>True when the address can be reached over the public internet (btcd IsRoutable): Tor v3 always;
    /// otherwise valid and in none of the reserved ranges (RFC 1918, 2544, 3927, 4862, 3849, 4843, 7343, 5737, 6598,
    /// local, zero, and RFC 4193 unless OnionCat). The book never stores an address that is not routable.</summary>
    public static bool IsRoutable(NetAddressV2 address)
    {
        if (address.Network == AddressNetwork.TorV3) return true;
        Span<byte> ip = stackalloc byte[16];
        return TryGetLegacy(address, ip) && IsRoutable(ip);
    }

    /// <summary>IPv4 (btcd IsIPv4: the legacy form is IPv4-mapped).</summary>
    public static bool IsIPv4(NetAddressV2 address) => Check(address, IsIPv4);

    /// <summary>Loopback (127/8, ::1) or 0.0.0.0/8 (btcd IsLocal).</summary>
    public static bool IsLocal(NetAddressV2 address) => Check(address, IsLocal);

    /// <summary>Neither unspecified (0.0.0.0, ::) nor the IPv4 broadcast address (btcd IsValid).</summary>
    public static bool IsValid(NetAddressV2 address) => Check(address, IsValid);

    /// <summary>0.0.0.0/8, or ::/16 except RFC 6145 (btcd IsZero).</summary>
    public static bool IsZero(NetAddressV2 address) => Check(address, IsZero);

    /// <summary>fd87:d87e:eb43::/48, the OnionCat range btcd uses for Tor v2 (btcd IsOnionCatTor).</summary>
    public static bool IsOnionCatTor(NetAddressV2 address) => Check(address, ip => InPrefix(ip, OnionCat, 48));

    /// <summary>10/8, 172.16/12, 192.168/16.</summary>
    public static bool IsRfc1918(NetAddressV2 address) => Check(address, IsRfc1918);

    /// <summary>198.18/15.</summary>
    public static bool IsRfc2544(NetAddressV2 address) => Check(address, ip => InIPv4(ip, [198, 18], 15));

    /// <summary>2001:db8::/32 (IPv6 documentation).</summary>
    public static bool IsRfc3849(NetAddressV2 address) => Check(address, ip => InPrefix(ip, Rfc3849, 32));

    /// <summary>169.254/16.</summary>
    public static bool IsRfc3927(NetAddressV2 address) => Check(address, ip => InIPv4(ip, [169, 254], 16));

    /// <summary>2002::/16 (6to4).</summary>
    public static bool IsRfc3964(NetAddressV2 address) => Check(address, ip => InPrefix(ip, Rfc3964, 16));

    /// <summary>fc00::/7 (unique local).</summary>
    public static bool IsRfc4193(NetAddressV2 address) => Check(address, ip => InPrefix(ip, Rfc4193, 7));

    /// <summary>2001::/32 (Teredo).</summary>
    public static bool IsRfc4380(NetAddressV2 address) => Check(address, ip => InPrefix(ip, Rfc4380, 32));

    /// <summary>2001:10::/28 (ORCHID).</summary>
    public static bool IsRfc4843(NetAddressV2 address) => Check(address, ip => InPrefix(ip, Rfc4843, 28));

    /// <summary>fe80::/64 (link local).</summary>
    public static bool IsRfc4862(NetAddressV2 address) => Check(address, ip => InPrefix(ip, Rfc4862, 64));

    /// <summary>192.0.2/24, 198.51.100/24, 203.0.113/24 (IPv4 documentation).</summary>
    public static bool IsRfc5737(NetAddressV2 address) => Check(address, IsRfc5737);

    /// <summary>64:ff9b::/96 (well-known NAT64 prefix).</summary>
    public static bool IsRfc6052(NetAddressV2 address) => Check(address, ip => InPrefix(ip, Rfc6052, 96));

    /// <summary>::ffff:0:0:0/96 (IPv4-translated).</summary>
    public static bool IsRfc6145(NetAddressV2 address) => Check(address, ip => InPrefix(ip, Rfc6145, 96));

    /// <summary>100.64/10 (carrier-grade NAT).</summary>
    public static bool IsRfc6598(NetAddressV2 address) => Check(address, ip => InIPv4(ip, [100, 64], 10));

    /// <summary>2001:20::/28 (ORCHIDv2).</summary>
    public static bool IsRfc7343(NetAddressV2 address) => Check(address, ip => InPrefix(ip, Rfc7343, 28));

    private delegate bool IPCheck(ReadOnlySpan<byte> ip16);

    private static bool Check(NetAddressV2 address, IPCheck check)
    {
        Span<byte> ip = stackalloc byte[16];
        return TryGetLegacy(address, ip) && check(ip);
    }

    /// <summary>btcd's legacy 16 bytes (ToLegacy); false for Tor v3, I2P and CJDNS, which have none.</summary>
    internal static bool TryGetLegacy(NetAddressV2 address, Span<byte> ip16)
    {
        var bytes = address.Address.Span;
        switch (address.Network)
        {
            case AddressNetwork.IPv4:
                IPv4MappedPrefix.CopyTo(ip16);
                bytes.CopyTo(ip16[12..]);
                return true;
            case AddressNetwork.IPv6:
                bytes.CopyTo(ip16);
                return true;
            case AddressNetwork.TorV2:
                OnionCat.CopyTo(ip16);
                bytes.CopyTo(ip16[6..]);
                return true;
            default:
                return false;
        }
    }

    internal static bool IsRoutable(ReadOnlySpan<byte> ip) =>
        IsValid(ip) && !(IsRfc1918(ip) || InIPv4(ip, [198, 18], 15) || InIPv4(ip, [169, 254], 16) ||
                         InPrefix(ip, Rfc4862, 64) || InPrefix(ip, Rfc3849, 32) || InPrefix(ip, Rfc4843, 28) ||
                         InPrefix(ip, Rfc7343, 28) || IsRfc5737(ip) || InIPv4(ip, [100, 64], 10) ||
                         IsLocal(ip) || IsZero(ip) ||
                         (InPrefix(ip, Rfc4193, 7) && !InPrefix(ip, OnionCat, 48)));

    internal static bool IsIPv4(ReadOnlySpan<byte> ip) => ip.StartsWith(IPv4MappedPrefix);

    private static bool IsLocal(ReadOnlySpan<byte> ip)
    {
        if (IsIPv4(ip)) return ip[12] == 127 || ip[12] == 0;
        return ip[..15].IndexOfAnyExcept((byte)0) < 0 && ip[15] == 1; // ::1
    }

    private static bool IsValid(ReadOnlySpan<byte> ip)
    {
        if (IsIPv4(ip)) return !ip[12..].SequenceEqual((ReadOnlySpan<byte>)[0, 0, 0, 0]) &&
                               !ip[12..].SequenceEqual((ReadOnlySpan<byte>)[255, 255, 255, 255]);
        return ip.IndexOfAnyExcept((byte)0) >= 0;
    }

    private static bool IsZero(ReadOnlySpan<byte> ip)
    {
        if (IsIPv4(ip)) return ip[12] == 0;
        return ip[0] == 0 && ip[1] == 0 && !InPrefix(ip, Rfc6145, 96);
    }

    private static bool IsRfc1918(ReadOnlySpan<byte> ip) =>
        InIPv4(ip, [10], 8) || InIPv4(ip, [172, 16], 12) || InIPv4(ip, [192, 168], 16);

    private static bool IsRfc5737(ReadOnlySpan<byte> ip) =>
        InIPv4(ip, [192, 0, 2], 24) || InIPv4(ip, [198, 51, 100], 24) || InIPv4(ip, [203, 0, 113], 24);

    /// <summary>An IPv4 range only contains IPv4 addresses (Go IPNet.Contains compares the 4-byte forms).</summary>
    private static bool InIPv4(ReadOnlySpan<byte> ip, ReadOnlySpan<byte> prefix, int bits) =>
        IsIPv4(ip) && MatchesPrefix(ip[12..], prefix, bits);

    /// <summary>An IPv6 range never contains an IPv4(-mapped) address (Go IPNet.Contains).</summary>
    private static bool InPrefix(ReadOnlySpan<byte> ip, ReadOnlySpan<byte> prefix, int bits) =>
        !IsIPv4(ip) && MatchesPrefix(ip, prefix, bits);

    private static bool MatchesPrefix(ReadOnlySpan<byte> ip, ReadOnlySpan<byte> prefix, int bits)
    {
        int whole = bits / 8;
        if (!ip[..whole].SequenceEqual(prefix[..whole])) return false;
        int rest = bits % 8;
        if (rest == 0) return true;
        int mask = 0xFF << (8 - rest) & 0xFF;
        return (ip[whole] & mask) == (prefix[whole] & mask);
    }

    private static string Slash16(ReadOnlySpan<byte> ip4) => $"{ip4[0]}.{ip4[1]}.0.0";
}
