using System.Net;
using ActorNode.Connections.Inbound;
using ActorNode.Wire;
using ActorNode.Wire.Primitives;

namespace ActorNode.Connections.Peers;

/// <summary>The connection manager's table of its peers (btcd server peerState): each connection from its start to
/// its end, found by id or by its handle (the manager's PeerActor), with the tallies the limits are checked against
/// kept up to date as peers are added, become ready, are evicted and go, so that accepting a connection and completing
/// a handshake cost O(1) instead of a scan of every peer (the scans took a quarter of the node's CPU while 10,000 peers
/// connected; docs/benchmarks.md, "Peers at scale"). Also our version nonces (self-connection detection) and the
/// network groups of the ready outbound peers (one automatic outbound per group).</summary>
/// <typeparam name="THandle">How the owner reaches a peer (an actor reference); the table never uses it.</typeparam>
public sealed class PeerTable<THandle> where THandle : notnull
{
    private readonly Dictionary<long, TablePeer<THandle>> _byId = [];
    private readonly Dictionary<THandle, long> _byHandle = [];
    private readonly HashSet<ulong> _ourNonces = [];
    private readonly Dictionary<string, int> _outboundGroups = new(StringComparer.Ordinal);
    private long _lastId;

    /// <summary>Peers ever started (the id of the last one).</summary>
    public long Started => _lastId;

    /// <summary>Inbound peers not evicted, handshaking or ready: what the inbound budget is checked against.</summary>
    public int InboundSlotsTaken { get; private set; }

    /// <summary>Ready peers not evicted: what max peers is checked against.</summary>
    public int ReadyNotEvicted { get; private set; }

    public int ReadyInbound { get; private set; }
    public int ReadyOutbound { get; private set; }

    /// <summary>The network groups of the ready outbound peers.</summary>
    public IReadOnlyCollection<string> OutboundGroups => _outboundGroups.Keys;

    public IEnumerable<TablePeer<THandle>> All => _byId.Values;

    public IEnumerable<TablePeer<THandle>> Ready => _byId.Values.Where(p => p.IsReady);

    public int Count => _byId.Count;

    /// <summary>The id for the next peer (its actor is named after it before it is added).</summary>
    public long NextId() => ++_lastId;

    /// <summary>Goes on numbering after <paramref name="started"/> peers (a restarted owner's table: ids are never
    /// reused, so a peer of the table before is never taken for one of this one).</summary>
    public void ContinueAfter(long started) => _lastId = Math.Max(_lastId, started);

    /// <summary>Adds a connection that has just started (its handshake not yet done).</summary>
    public TablePeer<THandle> Add(long id, THandle handle, IPEndPoint remote, bool inbound, long? requestId, ulong nonce,
        DateTimeOffset connectedAt, bool noBan)
    {
        var peer = new TablePeer<THandle>(id, handle, remote, inbound, requestId, nonce) { ConnectedAt = connectedAt, NoBan = noBan };
        _byId.Add(id, peer);
        _byHandle.Add(handle, id);
        _ourNonces.Add(nonce);
        if (inbound) InboundSlotsTaken++;
        return peer;
    }

    public bool TryGet(long id, out TablePeer<THandle> peer) => _byId.TryGetValue(id, out peer!);

    /// <summary>The peer of an outbound connection request, if it is connected.</summary>
    public TablePeer<THandle>? ByRequest(long requestId) => _byId.Values.FirstOrDefault(p => p.RequestId == requestId);

    /// <summary>Whether a version message carries one of our own nonces: we connected to ourselves.</summary>
    public bool IsOurNonce(ulong nonce) => _ourNonces.Contains(nonce);

    /// <summary>The handshake completed; an outbound peer's network group is counted.</summary>
    public void MarkReady(TablePeer<THandle> peer, string? outboundGroup)
    {
        if (peer.IsReady) return;
        peer.IsReady = true;
        if (peer.Inbound) ReadyInbound++;
        else ReadyOutbound++;
        if (!peer.Evicted) ReadyNotEvicted++;
        if (!peer.Inbound && outboundGroup is not null)
        {
            peer.Group = outboundGroup;
            _outboundGroups[outboundGroup] = _outboundGroups.GetValueOrDefault(outboundGroup) + 1;
        }
    }

    /// <summary>Told to go to make room for a newcomer: its slot is free at once.</summary>
    public void MarkEvicted(TablePeer<THandle> peer)
    {
        if (peer.Evicted) return;
        peer.Evicted = true;
        if (peer.Inbound) InboundSlotsTaken--;
        if (peer.IsReady) ReadyNotEvicted--;
    }

    /// <summary>The connection ended: forgets the peer and gives back what it counted; null when unknown.</summary>
    public TablePeer<THandle>? Remove(THandle handle)
    {
        if (!_byHandle.Remove(handle, out long id) || !_byId.Remove(id, out var peer)) return null;
        _ourNonces.Remove(peer.Nonce);
        if (peer.Inbound && !peer.Evicted) InboundSlotsTaken--;
        if (peer.IsReady)
        {
            if (peer.Inbound) ReadyInbound--;
            else ReadyOutbound--;
            if (!peer.Evicted) ReadyNotEvicted--;
        }
        if (peer.Group is { } group && _outboundGroups.TryGetValue(group, out int count))
        {
            if (count <= 1) _outboundGroups.Remove(group);
            else _outboundGroups[group] = count - 1;
        }
        return peer;
    }
}

/// <summary>One connection in a <see cref="PeerTable{THandle}"/>: what the manager knows of it. Readiness and eviction
/// change only through the table, which keeps its tallies.</summary>
public sealed class TablePeer<THandle>(long id, THandle handle, IPEndPoint remote, bool inbound, long? requestId, ulong nonce)
    where THandle : notnull
{
    public long Id { get; } = id;
    public THandle Handle { get; } = handle;
    public IPEndPoint Remote { get; } = remote;
    public bool Inbound { get; } = inbound;
    /// <summary>The outbound connection request it came from; null for an inbound peer.</summary>
    public long? RequestId { get; } = requestId;
    /// <summary>The nonce of our version message to it.</summary>
    public ulong Nonce { get; } = nonce;
    public DateTimeOffset ConnectedAt { get; init; }
    /// <summary>Whitelisted: never scored, never banned.</summary>
    public bool NoBan { get; init; }
    /// <summary>The handshake completed (<see cref="PeerTable{THandle}.MarkReady"/>).</summary>
    public bool IsReady { get; internal set; }
    /// <summary>Told to go to make room for a newcomer (<see cref="PeerTable{THandle}.MarkEvicted"/>).</summary>
    public bool Evicted { get; internal set; }
    /// <summary>The network group of a ready outbound peer.</summary>
    public string? Group { get; internal set; }

    public bool Permanent { get; set; }
    /// <summary>The address book's entry it was dialled from (automatic outbound).</summary>
    public NetAddressV2? BookAddress { get; set; }
    /// <summary>Its address as a source of addresses, once ready.</summary>
    public NetAddressV2? SourceAddress { get; set; }
    public ServiceFlags Services { get; set; }
    public uint ProtocolVersion { get; set; }
    public bool AnsweredGetAddr { get; set; }
    /// <summary>We sent getaddr and its answer has not come (Core m_getaddr_sent): addresses are not relayed.</summary>
    public bool AwaitingAddrResponse { get; set; }
    public AdmissionTicket? Admission { get; set; }
    /// <summary>Set by the user's remove (false) or disconnect (true): whether a permanent peer is redialled.</summary>
    public bool? RetryOnGone { get; set; }
    public string? GoneReason { get; set; }
    /// <summary>We dialled it as a BIP324 initiator.</summary>
    public bool TriedV2 { get; set; }
    /// <summary>Its v2 attempt ended before it said anything: redial it once with v1 (Core's reconnection).</summary>
    public bool ReconnectV1 { get; set; }
    public bool RelayTxs { get; set; }
    public TimeSpan? MinPing { get; set; }
    public DateTimeOffset? LastNovelBlock { get; set; }
    public DateTimeOffset? LastNovelTransaction { get; set; }
}
