using ActorNode.Wire;

namespace ActorNode.Sync;

/// <summary>Why the sync peer changed.</summary>
public enum SyncPeerReason
{
    /// <summary>There was no sync peer and a candidate is ahead of our best header.</summary>
    Started,
    /// <summary>The sync peer disconnected (btcd handleDonePeerMsg).</summary>
    PeerLost,
    /// <summary>Our best header reached the sync peer's height: it has nothing more for us.</summary>
    HeadersDone,
    /// <summary>No progress from the sync peer for longer than <see cref="SyncPeerSelector.MaxStallDuration"/>
    /// (btcd handleStallSample).</summary>
    Stalled,
    /// <summary>Headers sync took longer than Core's headers download timeout.</summary>
    HeadersTimeout,
}

/// <summary>What the caller must do after an event: disconnect a peer, send <c>getheaders</c> (locator of the best
/// header chain, stop = zero) to a new sync peer. The selector's methods return null when nothing changed.</summary>
public sealed record SyncPeerChange(SyncPeerReason Reason, long? PreviousSyncPeer, long? NewSyncPeer, long? Disconnect);

/// <summary>Chooses the peer we download headers from (headers-first sync), following btcd netsync
/// (<c>isSyncCandidate</c>, <c>startSync</c>/<c>fetchHeaders</c>, <c>handleDonePeerMsg</c>,
/// <c>handleStallSample</c>, reference §6.3, §6.4, §6.10) with Bitcoin Core's headers download timeout on top.
/// Blocks are not fetched from the sync peer alone but from every peer by <see cref="BlockDownloadScheduler"/>.
/// <list type="bullet">
/// <item>Candidate: NODE_NETWORK, or NODE_NETWORK_LIMITED when our best block + 1 is above the peer's height − 288;
/// and NODE_WITNESS where segwit is active (not checked on regtest, as btcd). Evaluated each time a sync peer is
/// chosen, so a pruned peer becomes a candidate once we are near its tip (btcd evaluates once, at connect).</item>
/// <item>Choice: uniformly at random among candidates whose height is above our best header (btcd fetchHeaders;
/// not the highest one: heights are claims, and a random honest peer is as good as any).</item>
/// <item>Switch: on sync-peer loss; when our best header reaches the sync peer's height (its headers are done) and
/// another candidate is higher; on a stall.</item>
/// <item>Stall (btcd): sampled every 30 s; no headers progress from the sync peer for more than 3 minutes → it is
/// dropped as sync peer, and disconnected if its height is above our best header (btcd compares with the best
/// block: our sync peer serves headers only).</item>
/// <item>Timeout (Core): headers sync must finish within 15 min + 1 ms × the headers we are likely missing
/// ((now − best header time) / block interval), checked while the best header is over 24 h old; on expiry the sync
/// peer is disconnected only if another candidate can take over.</item>
/// </list>
/// Not thread-safe: one actor owns it.</summary>
public sealed class SyncPeerSelector
{
    /// <summary>btcd maxStallDuration.</summary>
    public static readonly TimeSpan MaxStallDuration = TimeSpan.FromMinutes(3);
    /// <summary>btcd stallSampleInterval: how often the caller should call <see cref="CheckStall"/>.</summary>
    public static readonly TimeSpan StallSampleInterval = TimeSpan.FromSeconds(30);
    /// <summary>Core HEADERS_DOWNLOAD_TIMEOUT_BASE.</summary>
    public static readonly TimeSpan HeadersDownloadTimeoutBase = TimeSpan.FromMinutes(15);
    /// <summary>Core HEADERS_DOWNLOAD_TIMEOUT_PER_HEADER.</summary>
    public static readonly TimeSpan HeadersDownloadTimeoutPerHeader = TimeSpan.FromMilliseconds(1);
    /// <summary>Core: the headers timeout applies only while the best header is older than this.</summary>
    public static readonly TimeSpan HeadersTimeoutOnlyBehind = TimeSpan.FromHours(24);
    /// <summary>btcd wire.NodeNetworkLimitedBlockThreshold (Core NODE_NETWORK_LIMITED_MIN_BLOCKS).</summary>
    public const int NodeNetworkLimitedBlockThreshold = 288;

    private sealed class Candidate(long id, ServiceFlags services, int height)
    {
        public readonly long Id = id;
        public readonly ServiceFlags Services = services;
        public int Height = height; // btcd LastBlock: start height, raised by announcements
    }

    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly TimeSpan _blockInterval;
    private readonly Dictionary<long, Candidate> _peers = [];
    private readonly List<Candidate> _scratch = [];
    private DateTimeOffset _lastProgress;
    private DateTimeOffset _headersDeadline;

    /// <param name="time">The clock.</param>
    /// <param name="random">Picks among equally good candidates (seed it in tests).</param>
    /// <param name="bestHeaderHeight">Our best header height.</param>
    /// <param name="bestHeaderTime">Our best header's timestamp (Core sizes the headers timeout from it).</param>
    /// <param name="bestBlockHeight">Our best (connected) block height.</param>
    /// <param name="blockInterval">ChainParams.TargetTimePerBlock (default 10 minutes).</param>
    public SyncPeerSelector(TimeProvider time, Random random, int bestHeaderHeight, DateTimeOffset bestHeaderTime,
        int bestBlockHeight, TimeSpan? blockInterval = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(random);
        _time = time;
        _random = random;
        _blockInterval = blockInterval ?? TimeSpan.FromMinutes(10);
        BestHeaderHeight = bestHeaderHeight;
        BestHeaderTime = bestHeaderTime;
        BestBlockHeight = bestBlockHeight;
    }

    /// <summary>The headers sync peer, or null (none needed, or no candidate yet).</summary>
    public long? SyncPeer { get; private set; }

    /// <summary>Segwit is active at our tip and the network is not regtest: candidates must serve witnesses.</summary>
    public bool WitnessRequired { get; set; } = true;

    public int BestHeaderHeight { get; private set; }
    public DateTimeOffset BestHeaderTime { get; private set; }
    public int BestBlockHeight { get; private set; }

    /// <summary>When the current sync peer must have finished (Core m_headers_sync_timeout).</summary>
    public DateTimeOffset? HeadersDeadline => SyncPeer is null ? null : _headersDeadline;

    /// <summary>btcd isSyncCandidate: can the peer serve the blocks we need next?</summary>
    public static bool IsSyncCandidate(ServiceFlags services, int peerHeight, int ourBestBlockHeight, bool witnessRequired)
    {
        if ((services & ServiceFlags.Network) == 0)
        {
            if ((services & ServiceFlags.NetworkLimited) == 0) return false;
            // bestHeight + 1 as the peer must serve the next block, not the one we have.
            if ((long)ourBestBlockHeight + 1 <= (long)peerHeight - NodeNetworkLimitedBlockThreshold) return false;
        }
        return !witnessRequired || (services & ServiceFlags.Witness) != 0;
    }

    /// <summary>Whether a <c>getheaders</c> to <paramref name="peerId"/> owes us an answer, so that its response
    /// deadline (btcd's 90 s <c>stallResponseTimeout</c> × 3) should be armed: the peer is our headers-sync peer, or
    /// it claimed (start height or an announcement) a chain longer than our best header. btcd (server.go
    /// <c>OnGetHeaders</c>: "ignore getheaders requests if not in sync") and Core (net_processing: "Ignoring
    /// getheaders from peer while in IBD") answer nothing while they are not current, and a peer behind us that just
    /// connected is exactly such a peer, so a one-off <c>getheaders</c> to anyone else is a question it may ignore
    /// (issue 16).</summary>
    public bool OwesHeadersAnswer(long peerId) =>
        peerId == SyncPeer || (_peers.TryGetValue(peerId, out var peer) && peer.Height > BestHeaderHeight);

    /// <summary>A peer finished its handshake (btcd handleNewPeerMsg): remembered, and a sync starts if none runs.</summary>
    public SyncPeerChange? PeerConnected(long peerId, ServiceFlags services, int startHeight)
    {
        _peers[peerId] = new Candidate(peerId, services, startHeight);
        return SyncPeer is null ? Start(SyncPeerReason.Started, null, null) : null;
    }

    /// <summary>A peer announced a higher block (btcd UpdateLastBlockHeight). Heights only rise. If no sync runs and
    /// this makes a candidate ahead of our best header, a sync starts.</summary>
    public SyncPeerChange? PeerHeightRaised(long peerId, int height)
    {
        if (!_peers.TryGetValue(peerId, out var peer) || height <= peer.Height) return null;
        peer.Height = height;
        return SyncPeer is null ? Start(SyncPeerReason.Started, null, null) : null;
    }

    /// <summary>The peer disconnected (btcd handleDonePeerMsg): if it was the sync peer, another is chosen (no
    /// disconnect: it is gone already).</summary>
    public SyncPeerChange? PeerDisconnected(long peerId)
    {
        if (!_peers.Remove(peerId)) return null;
        if (SyncPeer != peerId) return null;
        SyncPeer = null;
        return Start(SyncPeerReason.PeerLost, peerId, null) ?? new SyncPeerChange(SyncPeerReason.PeerLost, peerId, null, null);
    }

    /// <summary>Headers from this peer extended our best header chain: the sync peer made progress (btcd resets
    /// lastProgressTime on headers from the sync peer).</summary>
    public void HeadersProgress(long peerId)
    {
        if (peerId == SyncPeer) _lastProgress = _time.GetUtcNow();
    }

    /// <summary>Our chain moved. If our best header reached the sync peer's height, its headers are done: it stops
    /// being the sync peer and a higher candidate, if any, takes over.</summary>
    public SyncPeerChange? OurChainChanged(int bestHeaderHeight, DateTimeOffset bestHeaderTime, int bestBlockHeight)
    {
        BestHeaderHeight = bestHeaderHeight;
        BestHeaderTime = bestHeaderTime;
        BestBlockHeight = bestBlockHeight;
        if (SyncPeer is not { } current || _peers[current].Height > BestHeaderHeight) return null;
        SyncPeer = null;
        return Start(SyncPeerReason.HeadersDone, current, null) ?? new SyncPeerChange(SyncPeerReason.HeadersDone, current, null, null);
    }

    /// <summary>Call every <see cref="StallSampleInterval"/>: btcd's stall rule, then Core's headers timeout.</summary>
    public SyncPeerChange? CheckStall()
    {
        if (SyncPeer is not { } current) return null;
        var now = _time.GetUtcNow();
        var peer = _peers[current];

        if (now - _lastProgress > MaxStallDuration)
        {
            // btcd shouldDCStalledSyncPeer: disconnect only if it claims more than we have.
            var disconnect = peer.Height > BestHeaderHeight;
            SyncPeer = null;
            if (disconnect) _peers.Remove(current);
            return Start(SyncPeerReason.Stalled, current, disconnect ? current : null)
                   ?? new SyncPeerChange(SyncPeerReason.Stalled, current, null, disconnect ? current : null);
        }

        if (now > _headersDeadline && BestHeaderTime <= now - HeadersTimeoutOnlyBehind)
        {
            // Core: disconnect only if another peer can take over.
            _peers.Remove(current);
            SyncPeer = null;
            var next = Start(SyncPeerReason.HeadersTimeout, current, current);
            if (next is not null) return next;
            _peers[current] = peer; // nobody else: keep it (Core keeps its only sync peer)
            SyncPeer = current;
        }
        return null;
    }

    /// <summary>btcd startSync/fetchHeaders: a random candidate above our best header becomes the sync peer.</summary>
    private SyncPeerChange? Start(SyncPeerReason reason, long? previous, long? disconnect)
    {
        _scratch.Clear();
        foreach (var p in _peers.Values)
            if (p.Height > BestHeaderHeight && IsSyncCandidate(p.Services, p.Height, BestBlockHeight, WitnessRequired))
                _scratch.Add(p);
        if (_scratch.Count == 0) return null;

        var chosen = _scratch[_random.Next(_scratch.Count)];
        _scratch.Clear();
        SyncPeer = chosen.Id;
        var now = _time.GetUtcNow();
        _lastProgress = now;
        _headersDeadline = now + HeadersTimeout(now);
        return new SyncPeerChange(reason, previous, chosen.Id, disconnect);
    }

    /// <summary>Core: 15 min + 1 ms per header we are likely missing, estimated from the best header's age.</summary>
    internal TimeSpan HeadersTimeout(DateTimeOffset now)
    {
        var behind = now - BestHeaderTime;
        var missing = behind <= TimeSpan.Zero ? 0 : behind.Ticks / _blockInterval.Ticks;
        return HeadersDownloadTimeoutBase + HeadersDownloadTimeoutPerHeader * missing;
    }
}
