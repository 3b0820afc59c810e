using System.Net;
using System.Net.Sockets;
using ActorNode.Connections.Bans;

namespace ActorNode.Connections.Inbound;

/// <summary>One admitted inbound connection's hold on a pending-handshake slot of its source prefix. Hand it back
/// through <see cref="InboundAdmission.HandshakeDone"/> or <see cref="InboundAdmission.Closed"/>; the slot is
/// released once, whichever comes first.</summary>
public readonly record struct AdmissionTicket(long Id, IPNetwork Source);

/// <summary>Limits incomplete inbound handshakes per source prefix, so that one host (or one /24, one /64) cannot
/// hold many connections in the expensive pre-verack state. A port of the pending-handshake part of btcd
/// <c>internal/inbound</c> (admission.go <c>AcquireSource</c>): sources are normalised (IPv4-mapped IPv6 unmapped,
/// zone dropped, port ignored) and grouped by /24 for IPv4 and /64 for IPv6; at most 8 handshakes may be pending
/// per prefix (<c>defaultMaxPendingInboundHandshakes</c>); a slot is taken at accept and released exactly once,
/// at verack or at disconnect. As in btcd's server, whitelisted and loopback peers get no bypass.
/// <para>Not ported: btcd's BIP324 responder budgets (global 20/s burst 40, per prefix 2/s burst 4, 4 concurrent
/// key exchanges), since we have no v2 transport.</para>
/// <para>The brief's <c>TryAdmit(ip)</c>/<c>HandshakeDone(ip)</c>/<c>Closed(ip)</c> take a ticket instead of
/// the IP for the last two: an IP cannot tell which of several connections finished, and a connection that
/// completes its handshake and later closes must not release twice (btcd guards this with <c>sync.Once</c>).</para>
/// <para>Not thread-safe: owned by one actor.</para></summary>
public sealed class InboundAdmission
{
    /// <summary>btcd <c>inboundIPv4PrefixBits</c>.</summary>
    public const int IPv4PrefixBits = 24;

    /// <summary>btcd <c>inboundIPv6PrefixBits</c>.</summary>
    public const int IPv6PrefixBits = 64;

    /// <summary>btcd <c>defaultMaxPendingInboundHandshakes</c>.</summary>
    public const int DefaultMaxPendingPerSource = 8;

    private readonly Dictionary<IPNetwork, int> pendingBySource = [];
    private readonly Dictionary<long, IPNetwork> open = [];
    private long nextId;

    /// <summary>A tracker allowing <paramref name="maxPendingPerSource"/> pending handshakes per prefix.</summary>
    public InboundAdmission(int maxPendingPerSource = DefaultMaxPendingPerSource)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxPendingPerSource);
        MaxPendingPerSource = maxPendingPerSource;
    }

    /// <summary>The per-prefix limit.</summary>
    public int MaxPendingPerSource { get; }

    /// <summary>Connections refused so far (btcd's <c>sourceRejected</c> counter, for a rate-limited log line).</summary>
    public long Rejected { get; private set; }

    /// <summary>Handshakes pending across all prefixes.</summary>
    public int PendingTotal => open.Count;

    /// <summary>Prefixes with at least one pending handshake.</summary>
    public int PendingSources => pendingBySource.Count;

    /// <summary>Takes a slot for a connection from <paramref name="remote"/>, or refuses it (the caller closes the
    /// socket at once) when its prefix already has <see cref="MaxPendingPerSource"/> pending.</summary>
    public bool TryAdmit(IPAddress remote, out AdmissionTicket ticket)
    {
        IPNetwork source = SourcePrefix(remote);
        pendingBySource.TryGetValue(source, out int pending);
        if (pending >= MaxPendingPerSource)
        {
            Rejected++;
            ticket = default;
            return false;
        }
        pendingBySource[source] = pending + 1;
        ticket = new AdmissionTicket(++nextId, source);
        open.Add(ticket.Id, source);
        return true;
    }

    /// <summary>The connection of <paramref name="ticket"/> completed its handshake (verack): its slot is free.
    /// Returns whether this call released it (false if it was already released or is unknown).</summary>
    public bool HandshakeDone(AdmissionTicket ticket) => Release(ticket);

    /// <summary>The connection of <paramref name="ticket"/> closed: its slot is free if the handshake had not
    /// completed. Returns whether this call released it.</summary>
    public bool Closed(AdmissionTicket ticket) => Release(ticket);

    /// <summary>How many handshakes from <paramref name="remote"/>'s prefix are pending.</summary>
    public int PendingFor(IPAddress remote) =>
        pendingBySource.TryGetValue(SourcePrefix(remote), out int pending) ? pending : 0;

    /// <summary>The source prefix of <paramref name="remote"/>: its /24 (IPv4) or /64 (IPv6), after
    /// normalisation (btcd <c>inboundSourcePrefix</c>).</summary>
    public static IPNetwork SourcePrefix(IPAddress remote)
    {
        IPAddress ip = IpKey.Normalize(remote);
        int bits = ip.AddressFamily == AddressFamily.InterNetwork ? IPv4PrefixBits : IPv6PrefixBits;
        return new IPNetwork(IpWhitelist.Mask(ip, bits), bits);
    }

    /// <summary>Whether <paramref name="remote"/> is a loopback source (btcd <c>inbound.IsLoopback</c>).</summary>
    public static bool IsLoopback(IPAddress remote) => IPAddress.IsLoopback(IpKey.Normalize(remote));

    private bool Release(AdmissionTicket ticket)
    {
        if (!open.Remove(ticket.Id, out IPNetwork source))
            return false;
        int pending = pendingBySource[source] - 1;
        if (pending == 0)
            pendingBySource.Remove(source);
        else
            pendingBySource[source] = pending;
        return true;
    }
}
