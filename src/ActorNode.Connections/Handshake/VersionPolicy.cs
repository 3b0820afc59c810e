using ActorNode.Wire;

namespace ActorNode.Connections.Handshake;

/// <summary>The manager's ruling on a peer's version message: accepted, or refused for <paramref name="Reason"/>
/// (with a reject message to the peer when <paramref name="SendReject"/>).</summary>
public sealed record VersionRuling(string? Reason, bool SendReject = false)
{
    public static VersionRuling Accepted { get; } = new((string?)null);

    public bool IsAccepted => Reason is null;
}

/// <summary>The node-level rules on a version message, which a peer alone cannot apply (btcd server OnVersion and
/// peer.go's nonce check): a version with one of our own nonces is a connection to ourselves; a banned address is
/// refused (it may have been banned while its handshake ran); an outbound peer must serve the chain (NODE_NETWORK,
/// refused with a reject as btcd does) and, segwit being active on every network we run, witness data.</summary>
public static class VersionPolicy
{
    public static VersionRuling Rule(bool ourNonce, bool banned, bool inbound, ServiceFlags services)
    {
        if (ourNonce) return new VersionRuling("connected to self");
        if (banned) return new VersionRuling("banned");
        if (inbound) return VersionRuling.Accepted;
        if (!services.HasFlag(ServiceFlags.Network))
            return new VersionRuling($"required services {(ulong)ServiceFlags.Network:x} not offered", SendReject: true);
        if (!services.HasFlag(ServiceFlags.Witness)) return new VersionRuling("peer does not offer witness data");
        return VersionRuling.Accepted;
    }
}
