using System.Net;
using ActorNode.P2P.Peers;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;

namespace ActorNode.P2P.Connections;

/// <summary>Asks for the endpoints the node listens on (useful with port 0); answered with <see cref="ListeningOn"/>.</summary>
public sealed record GetListenEndpoints
{
    public static readonly GetListenEndpoints Instance = new();
}

/// <summary>The answer to <see cref="GetListenEndpoints"/>: an empty list until the listeners are bound.</summary>
public sealed record ListeningOn(IReadOnlyList<IPEndPoint> Endpoints);

/// <summary>Asks for every connected peer's statistics (getpeerinfo); answered with <see cref="PeerInfoList"/>.</summary>
public sealed record GetPeerInfo
{
    public static readonly GetPeerInfo Instance = new();
}

/// <summary>The answer to <see cref="GetPeerInfo"/>.</summary>
public sealed record PeerInfoList(IReadOnlyList<PeerStats> Peers);

/// <summary>Asks how many peers have completed the handshake; answered with <see cref="ConnectionCount"/>.</summary>
public sealed record GetConnectionCount
{
    public static readonly GetConnectionCount Instance = new();
}

/// <summary>The answer to <see cref="GetConnectionCount"/>.</summary>
public sealed record ConnectionCount(int Inbound, int Outbound)
{
    public int Total => Inbound + Outbound;
}

/// <summary>Asks how many peer connections the node has started since it began; answered with <see cref="PeersStarted"/>.</summary>
public sealed record GetPeersStarted
{
    public static readonly GetPeersStarted Instance = new();
}

/// <summary>The answer to <see cref="GetPeersStarted"/>: every PeerActor ever started (inbound and outbound).</summary>
public sealed record PeersStarted(long Count);

/// <summary>Asks for the permanent peers (getaddednodeinfo); answered with <see cref="AddedNodeInfo"/>.</summary>
public sealed record GetAddedNodeInfo
{
    public static readonly GetAddedNodeInfo Instance = new();
}

/// <summary>One permanent peer and whether it is connected now.</summary>
public sealed record AddedNode(IPEndPoint Address, bool Connected);

/// <summary>The answer to <see cref="GetAddedNodeInfo"/>.</summary>
public sealed record AddedNodeInfo(IReadOnlyList<AddedNode> Nodes);

/// <summary>The sync actor learnt the height of a block (btcd UpdatePeerHeights): peers that announced it, other than
/// <paramref name="SourcePeer"/>, are at least that high now.</summary>
public sealed record UpdatePeerHeights(Hash256 Block, int Height, long? SourcePeer = null);

/// <summary>The sync actor's best block height changed: new connections advertise it as the start height of our
/// version message (btcd newestBlock for peer.Config).</summary>
public sealed record OurBestHeight(int Height);

/// <summary>The sync actor caught a peer breaking a rule: score its IP (unless whitelisted) and, when
/// <paramref name="Disconnect"/>, drop it even if the score does not ban.</summary>
public sealed record ScorePeer(long PeerId, ActorNode.Connections.Bans.BanPenalty Penalty, bool Disconnect);

/// <summary>Dial a peer and keep it (addnode / --addnode: permanent, redialled with backoff; onetry: once).</summary>
public sealed record AddNode(IPEndPoint Address, bool Permanent = true);

/// <summary>Stop redialling a permanent peer and drop its connection (addnode remove).</summary>
public sealed record RemoveNode(IPEndPoint Address);

/// <summary>Drop the connection to a peer; a permanent one is redialled (disconnectnode).</summary>
public sealed record DisconnectNode(IPEndPoint Address);

/// <summary>Announce inventory to every ready peer but <paramref name="ExceptPeer"/> (btcd RelayInventory).</summary>
public sealed record RelayInventory(InvVector Item, long? ExceptPeer = null);

/// <summary>Announce a new block to every ready peer but <paramref name="ExceptPeer"/> and <paramref name="Skip"/> (the
/// sync actor pushed it to those as a BIP152 cmpctblock): headers to those that sent sendheaders, inv to the others
/// (<see cref="Peers.AnnounceBlock"/>).</summary>
public sealed record RelayBlock(BlockHeader Header, long? ExceptPeer = null, IReadOnlySet<long>? Skip = null);

/// <summary>Announce a transaction to every ready peer but <paramref name="ExceptPeer"/>, by wtxid or txid as each
/// negotiated (<see cref="Peers.AnnounceTransaction"/>). <paramref name="Transaction"/>, when given, lets a peer with a
/// bloom filter be told only of a matching transaction (without it such a peer is not told).</summary>
public sealed record RelayTransaction(Hash256 Txid, Hash256 Wtxid, long? ExceptPeer = null, Transaction? Transaction = null);

/// <summary>Send a message to every ready peer but those excluded (btcd BroadcastMessage).</summary>
public sealed record Broadcast(IWireMessage Message, IReadOnlySet<long>? Exclude = null);

/// <summary>Ban an address now, whatever its score (setban add); it is disconnected.</summary>
public sealed record BanAddress(IPAddress Address, TimeSpan? Duration = null, string? Reason = null);

/// <summary>Lift a ban (setban remove).</summary>
public sealed record UnbanAddress(IPAddress Address);

/// <summary>Asks for the current bans (listbanned); answered with <see cref="BanListAnswer"/>.</summary>
public sealed record GetBanList
{
    public static readonly GetBanList Instance = new();
}

/// <summary>The answer to <see cref="GetBanList"/>.</summary>
public sealed record BanListAnswer(IReadOnlyList<ActorNode.Connections.Bans.BanEntry> Bans);

/// <summary>Ask every ready peer to ping now (bitcoind's ping RPC); the times show in getpeerinfo.</summary>
public sealed record PingPeers
{
    public static readonly PingPeers Instance = new();
}

/// <summary>Asks for the bytes the node has sent and received since it started, over every peer it ever had (those
/// gone included); answered with <see cref="NetTotalsAnswer"/>.</summary>
public sealed record GetNetTotals
{
    public static readonly GetNetTotals Instance = new();
}

/// <summary>The answer to <see cref="GetNetTotals"/>: wire bytes (frame headers included) since the node started.
/// Live peers are asked for their counts (a peer that does not answer within 5 s counts as nothing more than its
/// earlier answers); a peer that went gave its final counts as it stopped. The figures never go down from one
/// answer to the next.</summary>
public sealed record NetTotalsAnswer(long BytesSent, long BytesReceived);

/// <summary>Drop the connection to the peer with this id (Core's disconnectnode by nodeid); a permanent peer is
/// redialled, as after <see cref="DisconnectNode"/>. An unknown id is ignored.</summary>
public sealed record DisconnectPeerById(long PeerId, string Reason);
