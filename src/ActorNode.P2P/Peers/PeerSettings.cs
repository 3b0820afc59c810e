using System.Net;
using ActorNode.Connections.Inventory;
using ActorNode.P2P.Transport;
using ActorNode.Wire;

namespace ActorNode.P2P.Peers;

/// <summary>What a PeerActor is told at creation: who it is, what we advertise, and its timers (btcd peer.Config
/// and peer.go constants, btcd peer/peer.go).</summary>
public sealed record PeerSettings
{
    public required long PeerId { get; init; }
    public required IPEndPoint Remote { get; init; }
    public IPEndPoint? Local { get; init; }
    public required bool Inbound { get; init; }
    /// <summary>The network's frame magic (ChainParams.Magic).</summary>
    public required uint Magic { get; init; }

    public uint ProtocolVersion { get; init; } = Wire.ProtocolVersion.Current;
    public ServiceFlags Services { get; init; } = ServiceFlags.Network | ServiceFlags.Witness;
    public string UserAgent { get; init; } = DefaultUserAgent;
    /// <summary>Our version message's nonce; the connection manager keeps it to spot a connection to ourselves.</summary>
    public required ulong Nonce { get; init; }
    public int StartHeight { get; init; }
    /// <summary>False with --blocksonly: peers should not announce transactions to us.</summary>
    public bool RelayTransactions { get; init; } = true;

    /// <summary>BIP324: outbound, dial as a v2 initiator; inbound, detect v1 from the first 16 bytes and otherwise
    /// run the v2 responder. False: v1 frames only, either way.</summary>
    public bool V2Transport { get; init; }

    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>How long a ping may go unanswered before the peer is dropped (Core TIMEOUT_INTERVAL, 20 minutes;
    /// btcd has none, only the idle timeout). No new periodic ping is sent while one is unanswered (Core).</summary>
    public TimeSpan PingTimeout { get; init; } = TimeSpan.FromMinutes(20);
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);
    public TimeSpan StallTickInterval { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>How queued transaction announcements are timed: btcd's fixed <see cref="TrickleInterval"/> (this
    /// record's default, which tests rely on for determinism) or Bitcoin Core's Poisson rounds (the console node's
    /// and the lab's default, docs/peers.md "Relay timing").</summary>
    public RelayPolicy Relay { get; init; } = RelayPolicy.FixedInterval;
    /// <summary>With <see cref="RelayPolicy.FixedInterval"/>: how often queued transaction announcements go out
    /// (btcd trickle, 10 s); zero or less: at once.</summary>
    public TimeSpan TrickleInterval { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>With <see cref="RelayPolicy.CorePoisson"/> on an inbound peer: the schedule all the node's inbound
    /// peers share (Core's <c>NextInvToInbounds</c>); null: the peer draws its own with the inbound mean.</summary>
    public SharedPoissonSchedule? InboundSchedule { get; init; }
    public TransportOptions Transport { get; init; } = TransportOptions.Default;
    /// <summary>How many forwarded messages (<see cref="ReceivedFromPeer"/>) may wait for their
    /// <see cref="PeerMessageHandled"/> before the peer stops reading its socket.</summary>
    public int ForwardWindow { get; init; } = 16;

    public static string DefaultUserAgent { get; } =
        $"/ActorNode:{typeof(PeerSettings).Assembly.GetName().Version?.ToString(3) ?? "0.1.0"}/";
}
