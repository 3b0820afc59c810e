using System.Net;
using ActorNode.Connections.Handshake;
using ActorNode.Wire;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;

namespace ActorNode.P2P.Peers;

// ---- Asked of a PeerActor ----------------------------------------------------------------------------------------

/// <summary>Write a message to the peer (in order, behind anything queued). <paramref name="AnswerOwed"/> false: a
/// request the peer may rightly ignore (a <c>getheaders</c> to a peer that is not our sync peer and claims no longer
/// chain): its response deadline is not armed, so it lapses unanswered without a disconnect or a score.</summary>
public sealed record SendToPeer(IWireMessage Message, bool AnswerOwed = true);

/// <summary>Announce inventory to the peer unless it already knows it: blocks at once, transactions on the next
/// trickle tick (btcd QueueInventory).</summary>
public sealed record AnnounceInventory(InvVector Item);

/// <summary>Announce a new block: as a one-header <c>headers</c> message to a peer that sent <c>sendheaders</c>
/// (BIP130), else as an inv, at once and only if the peer does not know it already (btcd/Core announce).</summary>
public sealed record AnnounceBlock(BlockHeader Header);

/// <summary>Announce a transaction on the next trickle: by wtxid (MSG_WTX) to a peer that negotiated
/// <c>wtxidrelay</c> (BIP339), else by txid (MSG_TX); never to a peer whose version said relay = false (unless it
/// loaded a bloom filter since). To a peer with a bloom filter, only when <paramref name="Transaction"/> is given and
/// matches the filter (Core/btcd relay to BIP37 peers).</summary>
public sealed record AnnounceTransaction(Hash256 Txid, Hash256 Wtxid, Transaction? Transaction = null);

/// <summary>Answer a getdata MSG_FILTERED_BLOCK: the block as a <c>merkleblock</c> filtered by the peer's bloom
/// filter, then each matched transaction as <c>tx</c> without witness (Core ProcessGetBlockData); nothing when the
/// peer has loaded no filter (Core, btcd).</summary>
public sealed record SendFilteredBlock(Block Block);

/// <summary>Answer a <c>mempool</c> request (BIP35): an inv of the pool's transactions that the peer's bloom filter
/// matches (all of them without a filter), in messages of at most 50,000 (Core SendMessages m_send_mempool, btcd
/// OnMemPool).</summary>
public sealed record AnnouncePoolTransactions(IReadOnlyList<Transaction> Transactions);

/// <summary>Send addresses to the peer, as addrv2 if it asked for that (sendaddrv2) or else as addr without the
/// entries addr cannot express; more than 1,000 are sampled down to 1,000 (btcd PushAddrMsg / PushAddrV2Msg).</summary>
public sealed record SendAddresses(IReadOnlyList<NetAddressV2> Addresses);

/// <summary>Disconnect the peer (btcd Disconnect).</summary>
public sealed record DisconnectPeer(string Reason);

/// <summary>The node's ruling on the peer's version message: go on with the handshake.</summary>
public sealed record VersionAccepted
{
    public static readonly VersionAccepted Instance = new();
}

/// <summary>The node's ruling on the peer's version message: refuse it (self connection, banned, service policy),
/// sending <paramref name="Reject"/> first when not null.</summary>
public sealed record VersionRefused(string Reason, RejectMessage? Reject = null);

/// <summary>Asks for the peer's statistics (getpeerinfo); answered with <see cref="PeerStats"/>.</summary>
public sealed record GetPeerStats
{
    public static readonly GetPeerStats Instance = new();
}

/// <summary>Send a ping now rather than at the next tick (the ping RPC); its round trip shows in the stats.</summary>
public sealed record PingNow
{
    public static readonly PingNow Instance = new();
}

// ---- Told by a PeerActor -----------------------------------------------------------------------------------------

/// <summary>The peer's version arrived: the node must answer with <see cref="VersionAccepted"/> or
/// <see cref="VersionRefused"/> (btcd server OnVersion, self-connection nonce check, ban check).</summary>
public sealed record RuleOnVersion(long PeerId, IPEndPoint Remote, bool Inbound, VersionMessage Version);

/// <summary>The handshake completed: the peer is ready (btcd peer verack → server peerAdd).</summary>
public sealed record PeerReady(long PeerId, IPEndPoint Remote, bool Inbound, HandshakeResult Handshake);

/// <summary>A message from a ready peer for the actor that owns its kind (addresses, filters, mempool, and getdata and
/// notfound to the connection manager, which scores the last two and forwards them to the sync actor; inventory,
/// headers, blocks and transactions to the sync actor).
/// <para>Whoever finishes with it answers the PeerActor (the <c>Sender</c>) with <see cref="PeerMessageHandled"/>: a
/// peer has at most <see cref="PeerSettings.ForwardWindow"/> messages unanswered, and stops reading its socket until
/// an answer comes, so a flooding peer is held back by TCP rather than by the consumers' mailboxes.</para></summary>
public sealed record ReceivedFromPeer(long PeerId, IWireMessage Message);

/// <summary>The answer to a <see cref="ReceivedFromPeer"/>: its consumer is done with it (btcd: the peer's
/// inHandler waits on the sync manager's done channel for blocks and transactions).</summary>
public sealed record PeerMessageHandled
{
    public static PeerMessageHandled Instance { get; } = new();
    private PeerMessageHandled() { }
}

/// <summary>The peer broke a rule; the connection manager scores it (ban score, btcd server.go).</summary>
public sealed record PeerMisbehaved(long PeerId, IPEndPoint Remote, PeerFault Fault, WireError? CodecError, string Detail);

/// <summary>A ping round trip was measured (its minimum protects the peer from inbound eviction).</summary>
public sealed record PingMeasured(long PeerId, TimeSpan RoundTrip);

/// <summary>The peer's connection is over; sent once, just before the PeerActor stops, with the bytes it sent and
/// received in all (the connection manager's <c>GetNetTotals</c> keeps them; zero in the copy the sync actor gets).</summary>
/// <para><paramref name="ReconnectV1"/>: we dialled BIP324, sent at least a v1 header's worth and received nothing
/// before it ended (Core <c>ShouldReconnectV1</c>): the connection manager redials once with v1.</para>
public sealed record PeerGone(long PeerId, IPEndPoint Remote, bool Inbound, string Reason, bool WasReady,
    long BytesSent = 0, long BytesReceived = 0, bool ReconnectV1 = false);

/// <summary>What a peer did wrong.</summary>
public enum PeerFault
{
    /// <summary>Bytes the codec refused (see <see cref="PeerMisbehaved.CodecError"/>).</summary>
    Codec,
    /// <summary>The version/verack exchange went wrong (message before version, obsolete version, ...).</summary>
    Handshake,
    /// <summary>A second version after the handshake.</summary>
    DuplicateVersion,
    /// <summary>A second verack after the handshake.</summary>
    DuplicateVerack,
    /// <summary>A handshake-only message (sendaddrv2, wtxidrelay) after the handshake.</summary>
    LateHandshakeMessage,
    /// <summary>No answer to a request within its deadline (btcd stallHandler).</summary>
    Stalled,
    /// <summary>Nothing received for the idle timeout.</summary>
    Idle,
    /// <summary>A ping unanswered for the ping timeout (Core "ping timeout").</summary>
    PingTimeout,
    /// <summary>The handshake did not finish within its deadline.</summary>
    HandshakeTimeout,
    /// <summary>The peer does not drain what we send.</summary>
    Slow,
    /// <summary>A bloom filter message against the rules while we offer NODE_BLOOM (too large a filter, filteradd of
    /// more than 520 bytes or without a filter).</summary>
    BloomFilter,
}

/// <summary>A peer's statistics (btcd peer.StatsSnap, btcd peer/peer.go; feeds getpeerinfo).</summary>
public sealed record PeerStats(
    long Id,
    IPEndPoint Remote,
    IPEndPoint? Local,
    bool Inbound,
    ServiceFlags Services,
    int ProtocolVersion,
    string UserAgent,
    int StartingHeight,
    int LastBlockHeight,
    DateTimeOffset ConnectedAt,
    DateTimeOffset? LastSend,
    DateTimeOffset? LastReceive,
    long BytesSent,
    long BytesReceived,
    TimeSpan TimeOffset,
    ulong? LastPingNonce,
    DateTimeOffset? LastPingTime,
    TimeSpan? PingTime,
    bool Ready,
    bool WantsAddrV2,
    bool PrefersHeaders,
    long FeeFilter,
    bool RelayTransactions,
    TimeSpan? PingWait,
    uint BanScore = 0,
    bool SyncNode = false,
    bool V2Connection = false,
    Hash256? LastAnnouncedBlock = null,
    IReadOnlyDictionary<string, long>? BytesSentPerMessage = null,
    IReadOnlyDictionary<string, long>? BytesReceivedPerMessage = null,
    int SendQueueFrames = 0,
    long SendQueueBytes = 0,
    // Core's getpeerinfo transport_protocol_type ("v1", "v2" or "detecting": inbound, first bytes not yet in) and
    // session_id (the BIP324 session id in hex, "" for v1).
    string TransportProtocolType = "v1",
    string SessionId = "");

/// <summary>A block's height became known (btcd UpdatePeerHeights): a peer whose last announced block is this one now
/// has at least this height.</summary>
public sealed record BlockHeightKnown(Hash256 Block, int Height);
