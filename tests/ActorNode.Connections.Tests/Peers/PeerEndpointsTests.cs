using System.Net;
using ActorNode.Connections.Peers;
using ActorNode.Wire;
using ActorNode.Wire.Primitives;

namespace ActorNode.Connections.Tests.Peers;

public sealed class PeerEndpointsTests
{
    [Fact]
    public void Normalize_MapsIPv4MappedIPv6ToIPv4_AndLeavesOthers()
    {
        var mapped = new IPEndPoint(IPAddress.Parse("::ffff:192.0.2.7"), 8333);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.7"), 8333), PeerEndpoints.Normalize(mapped));
        var v6 = new IPEndPoint(IPAddress.Parse("2001:db8::1"), 8333);
        Assert.Same(v6, PeerEndpoints.Normalize(v6));
    }

    [Fact]
    public void ToEndPoint_DialsIPv4AndIPv6_NotTor()
    {
        var v4 = NetAddressV2.FromLegacy(new NetAddress(ServiceFlags.Network, IPAddress.Parse("198.51.100.4"), 18444));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("198.51.100.4"), 18444), PeerEndpoints.ToEndPoint(v4));
        var tor = new NetAddressV2(0, ServiceFlags.Network, AddressNetwork.TorV3, new byte[32], 8333);
        Assert.Null(PeerEndpoints.ToEndPoint(tor));
    }
}
