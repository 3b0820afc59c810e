using System.Net;
using ActorNode.AddrBook;
using ActorNode.Chain;
using ActorNode.Connections.Bans;
using ActorNode.Connections.Inventory;
using ActorNode.P2P.Transport;
using ActorNode.Wire;

namespace ActorNode.P2P.Connections;

/// <summary>What the connection manager runs with (btcd config.go and server.go defaults, btcd config.go, params.go).</summary>
public sealed record ConnManagerSettings
{
    public required ChainParams Chain { get; init; }
    /// <summary>Where to accept peers. Empty: no listening.</summary>
    public IReadOnlyList<IPEndPoint> Listen { get; init; } = [];
    /// <summary>The kernel's queue of connections accepted by TCP but not yet taken by the listener (the
    /// <c>listen(2)</c> backlog, capped by net.core.somaxconn). A burst of dials beyond it loses SYNs, which clients
    /// retry only after a second. The default is Akka.IO 1.5.73's own default for <c>Tcp.Bind</c>.</summary>
    public int ListenBacklog { get; init; } = 1024;
    /// <summary><c>--connect</c>: only these peers, permanent; automatic outbound is off.</summary>
    public IReadOnlyList<IPEndPoint> Connect { get; init; } = [];
    /// <summary><c>--addnode</c>: these peers too, permanent, besides automatic outbound.</summary>
    public IReadOnlyList<IPEndPoint> AddNodes { get; init; } = [];
    public int MaxPeers { get; init; } = 125;
    /// <summary>Automatic outbound peers wanted (btcd defaultTargetOutbound); the budget may lower it.</summary>
    public int TargetOutbound { get; init; } = 8;
    public TimeSpan DialTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan RetryDuration { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Where banlist.json lives; null keeps bans in memory only.</summary>
    public string? DataDirectory { get; init; }
    public BanPolicy Bans { get; init; } = BanPolicy.Default;
    public IReadOnlyList<IPNetwork> Whitelist { get; init; } = [];
    /// <summary>How outbound peers are grouped (one automatic outbound per group) and which gossiped addresses are
    /// relayed; must match the address book's <see cref="AddressBookOptions.Scope"/>.</summary>
    public AddressScope AddressScope { get; init; } = AddressScope.Internet;

    public ServiceFlags Services { get; init; } = ServiceFlags.Network | ServiceFlags.Witness | ServiceFlags.NetworkLimited;
    public string UserAgent { get; init; } = Peers.PeerSettings.DefaultUserAgent;
    public bool BlocksOnly { get; init; }
    /// <summary>Serve BIP37 bloom filters (Core <c>-peerbloomfilters</c>, default off as in Core; btcd's default is
    /// on): we advertise NODE_BLOOM, keep each peer's filter, answer <c>mempool</c> and MSG_FILTERED_BLOCK, and
    /// announce to a peer with a filter only the transactions that match it. Off: filter messages and
    /// <c>mempool</c> disconnect (docs/peers.md).</summary>
    public bool PeerBloomFilters { get; init; }
    /// <summary>How peers time queued transaction announcements (<see cref="Peers.PeerSettings.Relay"/>): btcd's
    /// fixed tick by default here; the console node and the lab choose Core's Poisson rounds.</summary>
    public RelayPolicy Relay { get; init; } = RelayPolicy.FixedInterval;
    /// <summary>With <see cref="RelayPolicy.FixedInterval"/>: how often queued transaction announcements go out (btcd
    /// trickle, 10 s); zero or less: at once.</summary>
    public TimeSpan TrickleInterval { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>The lab's link shaping (docs/lab.md "Shaping"): asked once per connection, with the remote end and
    /// whether it dialled us, for the <see cref="Transport.Shaping.LinkShaper"/> of that connection, or null for an
    /// unshaped one. Null (the default): no connection is shaped.</summary>
    public Func<IPEndPoint, bool, Transport.Shaping.LinkShaper?>? LinkShaping { get; init; }
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Each peer's ping interval (btcd pingInterval, 2 minutes).</summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>How long a ping may go unanswered (Core TIMEOUT_INTERVAL, 20 minutes).</summary>
    public TimeSpan PingTimeout { get; init; } = TimeSpan.FromMinutes(20);
    public TransportOptions Transport { get; init; } = TransportOptions.Default;

    /// <summary>The settings of the PeerActor of connection <paramref name="peerId"/>, which advertises
    /// <paramref name="bestHeight"/> as its start height.</summary>
    public Peers.PeerSettings ForPeer(long peerId, IPEndPoint remote, IPEndPoint local, bool inbound, ulong nonce, int bestHeight,
        SharedPoissonSchedule? inboundSchedule = null, Transport.Shaping.LinkShaper? shaper = null) => new()
    {
        PeerId = peerId,
        Remote = remote,
        Local = local,
        Inbound = inbound,
        Magic = Chain.Magic,
        Nonce = nonce,
        Services = (PeerBloomFilters ? Services | ServiceFlags.Bloom : Services & ~ServiceFlags.Bloom) is var services && V2Transport
            ? services | ServiceFlags.P2PV2 : services & ~ServiceFlags.P2PV2,
        UserAgent = UserAgent,
        RelayTransactions = !BlocksOnly,
        StartHeight = bestHeight,
        Relay = Relay,
        TrickleInterval = TrickleInterval,
        InboundSchedule = inboundSchedule,
        HandshakeTimeout = HandshakeTimeout,
        PingInterval = PingInterval,
        PingTimeout = PingTimeout,
        // Every connection is opened in pull mode: a peer's reads are paced by its actor (TcpTransport).
        Transport = Transport with { PullMode = true, Shaper = shaper },
    };
    /// <summary>BIP324 v2 transport (<c>--v2transport</c>; the node's default is on, as in Core, set by the host):
    /// advertise NODE_P2P_V2, accept v2 inbound (v1 detected from the first 16 bytes), dial v2 to addresses that
    /// advertise it and to manual peers, and redial once with v1 when a v2 attempt is closed unanswered
    /// (docs/v2transport.md). Off here by default so that a bare settings record (tests, tools) speaks v1 only.</summary>
    public bool V2Transport { get; init; }
}
