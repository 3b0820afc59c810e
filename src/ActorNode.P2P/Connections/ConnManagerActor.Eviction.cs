using System.Net;
using Akka.Actor;
using Akka.Event;
using ActorNode.AddrBook;
using ActorNode.Connections.Inbound;
using ActorNode.P2P.Peers;
using ActorNode.Wire;
using ActorNode.Wire.Primitives;
using PeerEntry = ActorNode.Connections.Peers.TablePeer<Akka.Actor.IActorRef>;

namespace ActorNode.P2P.Connections;

/// <summary>Beyond btcd, Bitcoin Core's inbound eviction: when the inbound slots are full, a new inbound connection
/// evicts the existing inbound peer Core would choose (protected: by keyed network group, low ping, recent novel
/// transactions and blocks, connection age), so an attacker holding every slot cannot lock honest peers out.</summary>
public sealed partial class ConnManagerActor
{
    private readonly NetGroupKeyer _groupKeyer = new();

    /// <summary>Picks an inbound peer to evict and tells it to go. False when Core's rules protect them all.</summary>
    private bool EvictAnInboundPeer()
    {
        var candidates = _peers.All.Where(p => p.Inbound && !p.Evicted).Select(Candidate).ToList();
        if (InboundEviction.SelectNodeToEvict(candidates) is not { } id || !_peers.TryGet(id, out var victim))
            return false;
        _peers.MarkEvicted(victim);
        _log.Info("Evicting inbound peer {PeerId} {Remote} to make room for a new connection", victim.Id, victim.Remote);
        victim.Handle.Tell(new DisconnectPeer("evicted to make room for a new inbound peer"));
        return true;
    }

    private EvictionCandidate Candidate(PeerEntry peer)
    {
        var address = peer.Remote.Address;
        var asBook = NetAddressV2.FromLegacy(new NetAddress(ServiceFlags.None, address, (ushort)peer.Remote.Port));
        bool local = IPAddress.IsLoopback(address);
        return new EvictionCandidate(
            peer.Id,
            peer.ConnectedAt,
            peer.MinPing,
            peer.LastNovelBlock,
            peer.LastNovelTransaction,
            RelevantServices: peer.Services.HasFlag(ServiceFlags.Network) && peer.Services.HasFlag(ServiceFlags.Witness),
            RelayTxs: peer.RelayTxs,
            BloomFilter: false, // we do not offer NODE_BLOOM: no peer can load a filter
            KeyedNetGroup: _groupKeyer.Key(_settings.AddressScope.GroupKey(asBook)),
            PreferEvict: false,
            IsLocal: local,
            Network: local ? NetworkKind.Unroutable
                : address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? NetworkKind.IPv6 : NetworkKind.IPv4,
            NoBan: peer.NoBan,
            Outbound: !peer.Inbound);
    }

    private void OnPingMeasured(PingMeasured ping)
    {
        if (_peers.TryGet(ping.PeerId, out var peer) && (peer.MinPing is null || ping.RoundTrip < peer.MinPing))
            peer.MinPing = ping.RoundTrip;
    }
}
