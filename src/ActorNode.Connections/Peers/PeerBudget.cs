namespace ActorNode.Connections.Peers;

/// <summary>How the peer limit is shared between outbound and inbound connections (btcd server.go
/// <c>targetOutboundPeers</c>, <c>reservedOutboundPeers</c>, <c>maxInboundPeers</c>; btcd server.go).
/// Permanent peers (<c>--connect</c>, else <c>--addpeer</c>) and the automatic outbound target are reserved out of
/// <see cref="MaxPeers"/>; inbound gets the rest (default 125 − 8 = 117), enforced at accept. Independently, no
/// peer of any kind is added once <see cref="MaxPeers"/> are connected (btcd <c>handleAddPeerMsg</c>).</summary>
/// <param name="MaxPeers">btcd <c>--maxpeers</c> (default 125).</param>
/// <param name="PermanentPeers">How many permanent peers are configured.</param>
/// <param name="AutomaticOutbound">Whether automatic outbound dialling exists (not simnet, no <c>--connect</c>).</param>
/// <param name="TargetOutbound">Automatic outbound connections to keep (0 to 8).</param>
/// <param name="ReservedOutbound">Slots reserved for outbound: permanent + target, at most <see cref="MaxPeers"/>.</param>
/// <param name="MaxInbound">Inbound connections accepted at once: <see cref="MaxPeers"/> − reserved, at least 0.</param>
public sealed record PeerBudget(
    int MaxPeers,
    int PermanentPeers,
    bool AutomaticOutbound,
    int TargetOutbound,
    int ReservedOutbound,
    int MaxInbound)
{
    /// <summary>btcd <c>defaultMaxPeers</c>.</summary>
    public const int DefaultMaxPeers = 125;

    /// <summary>btcd <c>defaultTargetOutbound</c>.</summary>
    public const int DefaultTargetOutbound = 8;

    /// <summary>The budget for <paramref name="maxPeers"/> with <paramref name="permanentPeers"/> permanent peers,
    /// with or without automatic outbound dialling.</summary>
    public static PeerBudget Compute(int maxPeers, int permanentPeers, bool automaticOutbound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPeers); // btcd config: --maxpeers must be > 0
        ArgumentOutOfRangeException.ThrowIfNegative(permanentPeers);
        int target = TargetOutboundPeers(maxPeers, permanentPeers, automaticOutbound);
        int reserved = ReservedOutboundPeers(maxPeers, target, permanentPeers, automaticOutbound);
        return new PeerBudget(maxPeers, permanentPeers, automaticOutbound, target, reserved, MaxInboundPeers(maxPeers, reserved));
    }

    /// <summary>The budget from the node's options, as btcd's server derives it: permanent = the <c>--connect</c>
    /// peers if any, else the <c>--addpeer</c> peers; automatic outbound unless simnet or <c>--connect</c>.</summary>
    public static PeerBudget FromOptions(int maxPeers, int connectPeers, int addPeers, bool simNet)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(connectPeers);
        ArgumentOutOfRangeException.ThrowIfNegative(addPeers);
        int permanent = connectPeers > 0 ? connectPeers : addPeers;
        return Compute(maxPeers, permanent, automaticOutbound: !simNet && connectPeers == 0);
    }

    /// <summary>The default budget: 125 peers, no permanent peers, automatic outbound (target 8, inbound 117).</summary>
    public static PeerBudget Default { get; } = Compute(DefaultMaxPeers, 0, automaticOutbound: true);

    /// <summary>Whether another inbound connection may be accepted while <paramref name="inboundConnections"/> are open
    /// (btcd connmgr's inbound semaphore).</summary>
    public bool CanAcceptInbound(int inboundConnections) => inboundConnections < MaxInbound;

    /// <summary>Whether another peer may be added while <paramref name="connectedPeers"/> are connected
    /// (btcd <c>handleAddPeerMsg</c>: refused once <c>Count() ≥ maxpeers</c>).</summary>
    public bool CanAddPeer(int connectedPeers) => connectedPeers < MaxPeers;

    /// <summary>btcd <c>targetOutboundPeers</c>: 0 without automatic outbound or when permanent peers take every
    /// slot; else min(8, maxPeers − permanent).</summary>
    public static int TargetOutboundPeers(int maxPeers, int permanentPeers, bool automaticOutbound)
    {
        if (!automaticOutbound || permanentPeers >= maxPeers)
            return 0;
        return Math.Min(DefaultTargetOutbound, maxPeers - permanentPeers);
    }

    /// <summary>btcd <c>reservedOutboundPeers</c>: permanent + (target if automatic), capped at maxPeers.</summary>
    public static int ReservedOutboundPeers(int maxPeers, int targetOutbound, int permanentPeers, bool automaticOutbound)
    {
        int reserved = permanentPeers + (automaticOutbound ? targetOutbound : 0);
        return Math.Min(reserved, maxPeers);
    }

    /// <summary>btcd <c>maxInboundPeers</c>: maxPeers − reserved, or 0.</summary>
    public static int MaxInboundPeers(int maxPeers, int reservedOutbound) =>
        maxPeers <= reservedOutbound ? 0 : maxPeers - reservedOutbound;
}
