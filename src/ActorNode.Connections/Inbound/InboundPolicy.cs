using System.Net;
using ActorNode.Connections.Bans;
using ActorNode.Connections.Peers;

namespace ActorNode.Connections.Inbound;

/// <summary>Why an inbound connection was refused at accept.</summary>
public enum InboundRefusal
{
    None,
    /// <summary>The address is banned (btcd handleAddPeerMsg; refused before any handshake work).</summary>
    Banned,
    /// <summary>Its /24 (IPv6 /64) has too many handshakes pending (btcd internal/inbound).</summary>
    TooManyPending,
    /// <summary>Every inbound slot is taken and Core's eviction protects every inbound peer.</summary>
    Full,
}

/// <summary>The verdict on an inbound connection: accepted (holding <paramref name="Ticket"/> until its handshake is
/// done or it closes; none for a whitelisted address) or refused.</summary>
public readonly record struct InboundDecision(InboundRefusal Refusal, AdmissionTicket? Ticket)
{
    public bool Accepted => Refusal == InboundRefusal.None;
}

/// <summary>Whether to accept an inbound connection, before any handshake work, in order: a banned address is
/// refused; then, unless whitelisted (Core's "noban" permission: many peers behind one trusted address, a lab worker's
/// nodes or a LAN behind NAT, would otherwise be refused while handshakes are slow), btcd's limit of pending
/// handshakes per /24 (/64); then the inbound budget (max peers − reserved outbound), where a full house evicts the
/// inbound peer Core would choose, if any. The per-prefix check comes first: a newcomer it would refuse must not
/// evict anyone.</summary>
public sealed class InboundPolicy(PeerBudget budget, IpWhitelist whitelist, InboundAdmission? admission = null)
{
    /// <summary>The pending handshakes per source prefix.</summary>
    public InboundAdmission Admission { get; } = admission ?? new InboundAdmission();

    /// <summary>Rules on a connection from <paramref name="remote"/> while <paramref name="inboundSlotsTaken"/>
    /// inbound slots are taken; <paramref name="evictOne"/> evicts an inbound peer to make room (false when none can
    /// be).</summary>
    public InboundDecision Decide(IPAddress remote, bool banned, int inboundSlotsTaken, Func<bool> evictOne)
    {
        ArgumentNullException.ThrowIfNull(evictOne);
        if (banned) return new InboundDecision(InboundRefusal.Banned, null);
        AdmissionTicket? ticket = null;
        if (!whitelist.Contains(remote))
        {
            if (!Admission.TryAdmit(remote, out var admitted)) return new InboundDecision(InboundRefusal.TooManyPending, null);
            ticket = admitted;
        }
        if (!budget.CanAcceptInbound(inboundSlotsTaken) && !evictOne())
        {
            if (ticket is { } taken) Admission.Closed(taken);
            return new InboundDecision(InboundRefusal.Full, null);
        }
        return new InboundDecision(InboundRefusal.None, ticket);
    }
}
