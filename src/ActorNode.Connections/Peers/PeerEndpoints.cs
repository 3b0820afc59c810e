using System.Net;
using ActorNode.Wire;
using ActorNode.Wire.Primitives;

namespace ActorNode.Connections.Peers;

/// <summary>Peers' endpoints as the connection manager keys them.</summary>
public static class PeerEndpoints
{
    /// <summary>Akka.IO reports IPv4 peers as IPv4-mapped IPv6 on dual-stack sockets; everything is keyed by plain
    /// IPv4.</summary>
    public static IPEndPoint Normalize(IPEndPoint endpoint) =>
        endpoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endpoint.Address.MapToIPv4(), endpoint.Port) : endpoint;

    /// <summary>Where to dial an address of the book; null for Tor, I2P and CJDNS, which need a proxy we do not
    /// have.</summary>
    public static IPEndPoint? ToEndPoint(NetAddressV2 address) => address.Network switch
    {
        AddressNetwork.IPv4 or AddressNetwork.IPv6 => new IPEndPoint(new IPAddress(address.Address.Span), address.Port),
        _ => null,
    };
}
