using System.Net;
using ActorNode.Wire;
using ActorNode.Wire.Primitives;

namespace ActorNode.AddrBook.Tests;

/// <summary>Test helpers that build addresses the way btcd's tests do (net.ParseIP then NetAddressV2FromBytes).</summary>
internal static class Addr
{
    /// <summary>An address from an IP literal; IPv4-mapped becomes IPv4 and OnionCat Tor v2, as in btcd.</summary>
    public static NetAddressV2 IP(string ip, ushort port = 8333, ServiceFlags services = ServiceFlags.Network,
        uint timestamp = 0)
    {
        // 4 bytes for IPv4, 16 for IPv6; FromBytes classifies them as btcd's NetAddressV2FromBytes does.
        return NetAddressV2.FromBytes(timestamp, services, IPAddress.Parse(ip).GetAddressBytes(), port);
    }

    /// <summary>A Tor v3 address with the given first key byte.</summary>
    public static NetAddressV2 TorV3(byte first, ushort port = 8333, uint timestamp = 0)
    {
        var key = new byte[32];
        key[0] = first;
        for (int i = 1; i < 32; i++) key[i] = (byte)(i * 7);
        return new NetAddressV2(timestamp, ServiceFlags.Network, AddressNetwork.TorV3, key, port);
    }

    /// <summary>Unix seconds of a time.</summary>
    public static uint Unix(DateTimeOffset time) => (uint)time.ToUnixTimeSeconds();
}
