using ActorNode.Wire.Primitives;

namespace ActorNode.Sync;

/// <summary>Which blocks to ask which peer for, during and after the initial block download: Bitcoin Core's parallel
/// download (net_processing.cpp <c>FindNextBlocksToDownload</c>/<c>FindNextBlocks</c>, <c>BlockRequested</c>,
/// <c>RemoveBlockRequest</c> and the stall and timeout checks in <c>SendMessages</c>), not btcd's single sync peer
/// asked for up to 50,000 blocks (btcd netsync <c>fetchHeaderBlocks</c>, btcd netsync/manager.go).
/// <para>The caller (the SyncActor) owns the header chain and tells the scheduler the blocks it wants: the best header
/// chain from our block tip + 1 on (<see cref="SetChain"/>), each time it grows or reorganises, and our tip as blocks
/// are connected (<see cref="SetTip"/>). It tells what each peer has (<see cref="UpdatePeerBest"/>), and the events
/// (block arrived, notfound, peer gone). The scheduler answers what to request now (<see cref="NextRequests"/>),
/// whether a block was asked for (<see cref="BlockReceived"/>) and which peers to disconnect (<see cref="CheckPeers"/>).</para>
/// <para>Rules (Core): a moving window of <see cref="BlockDownloadWindow"/> blocks past the last block we have with all
/// its ancestors; at most <see cref="MaxBlocksInTransitPerPeer"/> blocks in flight per peer; a block in flight with
/// one peer is asked of no other until it is released (peer gone, notfound, peer disconnected by a check); a peer that
/// holds the window's lowest block while another peer sits idle, blocked by the window, for longer than the stalling
/// timeout (2 s, doubling per such disconnect up to 64 s, decaying by 15 % per connected block) is disconnected; a
/// peer whose oldest request is older than one block interval × (1 + 0.5 × other peers downloading) is
/// disconnected. Both disconnects free the peer's blocks at once for the other peers.</para>
/// <para>Costs: a request walk visits only not-yet-requested heights of the window (sorted set), O(log n + k);
/// events are O(log n); the periodic check is O(peers). Sized for a chain of millions of wanted blocks and hundreds
/// of peers. Not thread-safe: one actor owns it.</para></summary>
public sealed class BlockDownloadScheduler
{
    /// <summary>Core BLOCK_DOWNLOAD_WINDOW: how far past the last contiguous block we have we fetch.</summary>
    public const int BlockDownloadWindow = 1024;

    /// <summary>Core MAX_BLOCKS_IN_TRANSIT_PER_PEER.</summary>
    public const int MaxBlocksInTransitPerPeer = 16;

    /// <summary>Core BLOCK_STALLING_TIMEOUT_DEFAULT.</summary>
    public static readonly TimeSpan BlockStallingTimeoutDefault = TimeSpan.FromSeconds(2);

    /// <summary>Core BLOCK_STALLING_TIMEOUT_MAX.</summary>
    public static readonly TimeSpan BlockStallingTimeoutMax = TimeSpan.FromSeconds(64);

    /// <summary>Core: after each connected block a raised stalling timeout shrinks to 85 % (whole seconds, floored),
    /// never below the default (PeerManagerImpl::BlockConnected).</summary>
    public const double BlockStallingTimeoutDecay = 0.85;

    /// <summary>Core BLOCK_DOWNLOAD_TIMEOUT_BASE, in block intervals (10 minutes on every network we know).</summary>
    public const double BlockDownloadTimeoutBase = 1;

    /// <summary>Core BLOCK_DOWNLOAD_TIMEOUT_PER_PEER, in block intervals, per other peer we download from.</summary>
    public const double BlockDownloadTimeoutPerPeer = 0.5;

    /// <summary>Core NODE_NETWORK_LIMITED_MIN_BLOCKS: a pruned (NODE_NETWORK_LIMITED) peer keeps at least this many
    /// blocks below its tip. Core asks it for nothing 288 − 2 or more blocks below its best (two blocks of slack for
    /// races).</summary>
    public const int NodeNetworkLimitedMinBlocks = 288;

    private enum State : byte { Missing, InFlight, Received }

    private sealed class Entry(int height, Hash256 hash)
    {
        public int Height = height;
        public readonly Hash256 Hash = hash;
        public State State;
        public bool OnChain = true;
        public long Peer;
        public LinkedListNode<Entry>? QueueNode;
    }

    private sealed class Peer(long id, bool limited)
    {
        public readonly long Id = id;
        public readonly bool Limited = limited;
        /// <summary>Every block of our wanted chain up to this height is one the peer has (Core: the height of
        /// LastCommonAncestor(pindexBestKnownBlock, best header)). -1: nothing known.</summary>
        public int Available = -1;
        public Hash256? BestHash;
        public Hash256? PendingHash;            // Core hashLastUnknownBlock
        public readonly LinkedList<Entry> InFlight = new(); // request order; First is the oldest (Core vBlocksInFlight)
        public DateTimeOffset DownloadingSince; // Core m_downloading_since
        public DateTimeOffset? StallingSince;   // Core m_stalling_since
    }

    private readonly TimeProvider _time;
    private readonly TimeSpan _blockInterval;

    // The wanted chain: heights _tipHeight + 1 .. LastHeight live at _chain[_head + (h - _tipHeight - 1)].
    private readonly List<Entry> _chain = [];
    private int _head;
    private int _tipHeight;

    private readonly Dictionary<Hash256, Entry> _byHash = [];
    private readonly SortedSet<int> _unrequested = [];
    private readonly SortedSet<int> _inFlightHeights = [];
    private readonly Dictionary<long, Peer> _peers = [];
    private readonly Dictionary<Hash256, List<long>> _awaitingHash = [];
    private readonly List<Peer> _scratchPeers = [];
    private int _peersDownloadingFrom;
    private TimeSpan _stallingTimeout = BlockStallingTimeoutDefault;

    /// <param name="time">The clock (a FakeTimeProvider in tests).</param>
    /// <param name="tipHeight">The height of our block tip: the first wanted block is tipHeight + 1.</param>
    /// <param name="blockInterval">The network's block interval (ChainParams.TargetTimePerBlock, Core
    /// nPowTargetSpacing); the download timeout is measured in it. Default 10 minutes.</param>
    public BlockDownloadScheduler(TimeProvider time, int tipHeight, TimeSpan? blockInterval = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfNegative(tipHeight);
        _time = time;
        _tipHeight = tipHeight;
        _blockInterval = blockInterval ?? TimeSpan.FromMinutes(10);
        if (_blockInterval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(blockInterval));
    }

    /// <summary>Our block tip height: everything at or below it is no longer wanted.</summary>
    public int TipHeight => _tipHeight;

    /// <summary>The height of the last wanted block (the best header), or <see cref="TipHeight"/> if none.</summary>
    public int LastHeight => _tipHeight + (_chain.Count - _head);

    /// <summary>The lowest wanted block not yet received: the bottom of the download window.</summary>
    public int WindowStart
    {
        get
        {
            var start = LastHeight + 1;
            if (_unrequested.Count > 0) start = Math.Min(start, _unrequested.Min);
            if (_inFlightHeights.Count > 0) start = Math.Min(start, _inFlightHeights.Min);
            return start;
        }
    }

    /// <summary>The highest height that may be requested now: <see cref="WindowStart"/> + 1023.</summary>
    public int WindowEnd => WindowStart + BlockDownloadWindow - 1;

    /// <summary>The current stalling timeout (2 s, doubled per stall disconnect up to 64 s, decaying back).</summary>
    public TimeSpan StallingTimeout => _stallingTimeout;

    /// <summary>Peers with at least one block in flight (Core m_peers_downloading_from).</summary>
    public int PeersDownloading => _peersDownloadingFrom;

    /// <summary>Blocks in flight over all peers, including blocks a reorganisation took off the wanted chain.</summary>
    public int InFlightCount { get; private set; }

    /// <summary>Wanted blocks not yet received (missing or in flight).</summary>
    public int OutstandingCount => _unrequested.Count + _inFlightHeights.Count;

    /// <summary>Whether every wanted block has been received (the caller still connects them).</summary>
    public bool IsComplete => OutstandingCount == 0;

    public int PeerCount => _peers.Count;

    public bool HasPeer(long peerId) => _peers.ContainsKey(peerId);

    /// <summary>How many blocks are in flight from this peer (0 for an unknown peer).</summary>
    public int InFlightFrom(long peerId) => _peers.TryGetValue(peerId, out var p) ? p.InFlight.Count : 0;

    /// <summary>The blocks in flight from this peer, oldest request first.</summary>
    public IReadOnlyList<BlockRequest> InFlightRequests(long peerId) =>
        _peers.TryGetValue(peerId, out var p) ? p.InFlight.Select(e => new BlockRequest(e.Height, e.Hash)).ToList() : [];

    /// <summary>The peer a wanted block is in flight with, or null.</summary>
    public long? InFlightWith(Hash256 hash) =>
        _byHash.TryGetValue(hash, out var e) && e.State == State.InFlight ? e.Peer : null;

    // ---------------------------------------------------------------- the wanted chain

    /// <summary>The best header chain from <paramref name="fromHeight"/> on is <paramref name="hashes"/> (in height
    /// order): it grew, or it reorganised at <paramref name="fromHeight"/> − 1. Wanted blocks at and above
    /// <paramref name="fromHeight"/> with other hashes are dropped (a block in flight stays in flight with its peer
    /// and is accepted when it comes, as Core keeps such requests). A fork below our tip lowers the tip to the fork.
    /// Peers whose known chain went past the fork now have only up to the fork, until they announce again or one of
    /// the new hashes is the block they last announced.</summary>
    public void SetChain(int fromHeight, IReadOnlyList<Hash256> hashes)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        if (fromHeight < 1 || fromHeight > LastHeight + 1)
            throw new ArgumentOutOfRangeException(nameof(fromHeight), fromHeight,
                $"the wanted chain runs from {_tipHeight + 1} to {LastHeight}; it can be replaced from any height up to {LastHeight + 1}");

        var i = 0;
        if (fromHeight <= _tipHeight)
            Reorganise(fromHeight - 1);
        else
        {
            // Skip the part that does not change; what differs (or is no longer there) goes.
            while (i < hashes.Count && fromHeight + i <= LastHeight && At(fromHeight + i).Hash == hashes[i]) i++;
            if (fromHeight + i <= LastHeight) Reorganise(fromHeight + i - 1);
        }

        for (; i < hashes.Count; i++) Append(fromHeight + i, hashes[i]);
    }

    /// <summary>Our block tip is now <paramref name="height"/> (blocks were connected): blocks at or below it are no
    /// longer wanted; any request for them is forgotten. Each connected block shrinks a raised stalling timeout by
    /// 15 % (Core BlockConnected). A lower height is ignored (a reorganisation goes through <see cref="SetChain"/>).</summary>
    public void SetTip(int height)
    {
        if (height <= _tipHeight) return;
        var connected = height - _tipHeight;
        var dropTo = Math.Min(height, LastHeight);
        for (var h = _tipHeight + 1; h <= dropTo; h++) Forget(At(h));
        _head += dropTo - _tipHeight;
        _tipHeight = height;
        if (_head == _chain.Count) { _chain.Clear(); _head = 0; }
        else if (_head > 4096 && _head > _chain.Count / 2) { _chain.RemoveRange(0, _head); _head = 0; }

        while (connected-- > 0 && _stallingTimeout > BlockStallingTimeoutDefault)
        {
            var shrunk = TimeSpan.FromSeconds(Math.Floor(_stallingTimeout.TotalSeconds * BlockStallingTimeoutDecay));
            _stallingTimeout = shrunk < BlockStallingTimeoutDefault ? BlockStallingTimeoutDefault : shrunk;
        }
    }

    /// <summary>The caller has this wanted block from elsewhere (its own store, an unsolicited block it accepted):
    /// it is received; a request for it from a peer is forgotten. False if it is not a wanted block.</summary>
    public bool AlreadyHave(Hash256 hash)
    {
        if (!_byHash.TryGetValue(hash, out var e) || !e.OnChain || e.State == State.Received) return false;
        if (e.State == State.InFlight) RemoveRequest(e);
        else _unrequested.Remove(e.Height);
        e.State = State.Received;
        return true;
    }

    /// <summary>A received block turned out unusable though its header is fine (a mutated block, CVE-2012-2459):
    /// want it again, from any peer. False if it is not a received wanted block.</summary>
    public bool Rerequest(Hash256 hash)
    {
        if (!_byHash.TryGetValue(hash, out var e) || !e.OnChain || e.State != State.Received) return false;
        e.State = State.Missing;
        _unrequested.Add(e.Height);
        return true;
    }

    // ---------------------------------------------------------------- peers

    /// <summary>A peer we may download from. <paramref name="limited"/>: it signals only NODE_NETWORK_LIMITED (Core
    /// IsLimitedPeer). The caller adds only peers that can serve blocks with witnesses where segwit is active.</summary>
    public void AddPeer(long peerId, bool limited = false)
    {
        if (_peers.ContainsKey(peerId)) throw new InvalidOperationException($"peer {peerId} is already known");
        _peers.Add(peerId, new Peer(peerId, limited));
    }

    /// <summary>The peer's best known block (its start height and hash once known, then what it announces: Core
    /// UpdateBlockAvailability). If the hash is on our wanted chain at that height, the peer has every wanted
    /// block up to it. If it is unknown (the headers have not reached it yet, or it is on another branch) it is
    /// remembered and takes effect when <see cref="SetChain"/> brings it (Core hashLastUnknownBlock). A block at or
    /// below our tip changes nothing we want. What a peer has only grows, except through a reorganisation.</summary>
    public void UpdatePeerBest(long peerId, int height, Hash256 hash)
    {
        var peer = GetPeer(peerId);
        peer.BestHash = hash;
        if (_byHash.TryGetValue(hash, out var e) && e.OnChain && e.Height == height)
        {
            ClearPending(peer);
            peer.Available = Math.Max(peer.Available, height);
        }
        else if (height <= _tipHeight)
            ClearPending(peer);
        else
            SetPending(peer, hash);
    }

    /// <summary>The caller computed it (the fork point of the peer's best chain with our best header chain): the
    /// peer has every wanted block up to <paramref name="height"/> and none above.</summary>
    public void SetPeerAvailable(long peerId, int height)
    {
        var peer = GetPeer(peerId);
        ClearPending(peer);
        peer.Available = height;
    }

    /// <summary>The height up to which the peer has our wanted chain (-1 if nothing is known).</summary>
    public int PeerAvailable(long peerId) => GetPeer(peerId).Available;

    /// <summary>The peer is gone (disconnected): its blocks in flight are free for the others (btcd
    /// clearRequestedState, Core FinalizeNode). Returns the freed wanted blocks; the caller asks the other peers
    /// with <see cref="ScheduleAll"/>. An unknown peer frees nothing.</summary>
    public IReadOnlyList<BlockRequest> RemovePeer(long peerId)
    {
        if (!_peers.TryGetValue(peerId, out var peer)) return [];
        var released = new List<BlockRequest>(peer.InFlight.Count);
        while (peer.InFlight.First is { } node)
        {
            var e = node.Value;
            RemoveRequest(e);
            if (e.OnChain) MakeMissing(e, released);
            else _byHash.Remove(e.Hash);
        }
        ClearPending(peer);
        _peers.Remove(peerId);
        return released;
    }

    // ---------------------------------------------------------------- requests and answers

    /// <summary>The blocks to ask this peer for now, already marked in flight with it (Core FindNextBlocksToDownload
    /// then BlockRequested): the lowest not-requested blocks of the window [<see cref="WindowStart"/>,
    /// <see cref="WindowEnd"/>] that the peer has, up to <see cref="MaxBlocksInTransitPerPeer"/> in flight.
    /// When the peer has nothing in flight and gets nothing only because the window is full while it has the
    /// block just past it, the peer holding the window's lowest block starts its stall clock.</summary>
    public IReadOnlyList<BlockRequest> NextRequests(long peerId)
    {
        var peer = GetPeer(peerId);
        var budget = MaxBlocksInTransitPerPeer - peer.InFlight.Count;
        if (budget <= 0 || peer.Available <= _tipHeight || _unrequested.Count == 0) return [];

        var windowStart = WindowStart;
        var windowEnd = windowStart + BlockDownloadWindow - 1;
        var top = Math.Min(peer.Available, windowEnd);
        var chosen = new List<BlockRequest>(Math.Min(budget, 16));
        if (top >= windowStart)
        {
            foreach (var h in _unrequested.GetViewBetween(windowStart, top))
            {
                if (peer.Limited && peer.Available - h >= NodeNetworkLimitedMinBlocks - 2) continue;
                chosen.Add(new BlockRequest(h, At(h).Hash));
                if (chosen.Count == budget) break;
            }
        }

        if (chosen.Count == 0)
        {
            // Core FindNextBlocks: "We aren't able to fetch anything, but we would be if the download window was one
            // larger" -> the peer holding the first in-flight block is the staller; its clock starts only when the
            // asking peer has nothing in flight (SendMessages).
            if (peer.InFlight.Count == 0 && peer.Available > windowEnd && _unrequested.Contains(windowEnd + 1)
                && _inFlightHeights.Count > 0)
            {
                var staller = _peers[At(_inFlightHeights.Min).Peer];
                if (staller.Id != peer.Id && staller.StallingSince is null) staller.StallingSince = _time.GetUtcNow();
            }
            return chosen;
        }

        var now = _time.GetUtcNow();
        foreach (var r in chosen)
        {
            var e = At(r.Height);
            _unrequested.Remove(e.Height);
            _inFlightHeights.Add(e.Height);
            e.State = State.InFlight;
            e.Peer = peer.Id;
            e.QueueNode = peer.InFlight.AddLast(e);
            InFlightCount++;
            if (peer.InFlight.Count == 1)
            {
                peer.DownloadingSince = now;
                _peersDownloadingFrom++;
            }
        }
        return chosen;
    }

    /// <summary><see cref="NextRequests"/> for every peer, in the order they were added; only peers that get
    /// something are listed. Call it after blocks were freed (a peer gone, notfound, a fault).</summary>
    public IReadOnlyList<(long PeerId, IReadOnlyList<BlockRequest> Requests)> ScheduleAll()
    {
        var result = new List<(long, IReadOnlyList<BlockRequest>)>();
        foreach (var id in _peers.Keys.ToList())
        {
            var requests = NextRequests(id);
            if (requests.Count > 0) result.Add((id, requests));
        }
        return result;
    }

    /// <summary>A block arrived from a peer. <see cref="BlockReceipt.Requested"/> only if it was in flight from that
    /// peer (Core RemoveBlockRequest(hash, peer)): the request is done and the block counts as received. Anything
    /// else (never asked, asked of another peer, a second copy, a request already forgotten) is
    /// <see cref="BlockReceipt.Unrequested"/> and changes nothing.</summary>
    public BlockReceipt BlockReceived(long peerId, Hash256 hash)
    {
        if (!_byHash.TryGetValue(hash, out var e) || e.State != State.InFlight || e.Peer != peerId)
            return BlockReceipt.Unrequested;
        RemoveRequest(e);
        if (e.OnChain) e.State = State.Received;
        else _byHash.Remove(hash);
        return BlockReceipt.Requested;
    }

    /// <summary>The peer answered <c>notfound</c> for a block. Only a block in flight from that peer counts (btcd
    /// handleNotFoundMsg). The block is freed for other peers, and the peer is taken to have our chain only below it
    /// until it announces a new best block: it said it had the chain, and it has not (Core ignores notfound for
    /// blocks and waits for the download timeout; btcd only forgets the request). Returns whether anything was freed.</summary>
    public bool NotFound(long peerId, Hash256 hash)
    {
        if (!_byHash.TryGetValue(hash, out var e) || e.State != State.InFlight || e.Peer != peerId) return false;
        var peer = _peers[peerId];
        RemoveRequest(e);
        if (e.OnChain)
        {
            MakeMissing(e, null);
            peer.Available = Math.Min(peer.Available, e.Height - 1);
        }
        else _byHash.Remove(hash);
        return true;
    }

    /// <summary>The periodic check (Core runs it in SendMessages for every peer, about every 100 ms): which peers to
    /// disconnect, for stalling the window (then the stalling timeout doubles, up to 64 s) or for a block download
    /// timeout (Core's rule: disconnect, not re-request; a slow peer's blocks go to the others once it is gone).
    /// The named peers are removed from the scheduler here, so their blocks are free at once.</summary>
    public IReadOnlyList<PeerFault> CheckPeers()
    {
        var now = _time.GetUtcNow();
        List<PeerFault>? faults = null;
        _scratchPeers.Clear();
        _scratchPeers.AddRange(_peers.Values);
        foreach (var peer in _scratchPeers)
        {
            DownloadFault? fault = null;
            if (peer.StallingSince is { } since && since < now - _stallingTimeout)
            {
                fault = DownloadFault.StallingWindow;
                var doubled = _stallingTimeout * 2;
                _stallingTimeout = doubled > BlockStallingTimeoutMax ? BlockStallingTimeoutMax : doubled;
            }
            else if (peer.InFlight.Count > 0)
            {
                var others = _peersDownloadingFrom - 1;
                var timeout = _blockInterval * (BlockDownloadTimeoutBase + BlockDownloadTimeoutPerPeer * others);
                if (now > peer.DownloadingSince + timeout) fault = DownloadFault.BlockDownloadTimeout;
            }
            if (fault is { } f)
                (faults ??= []).Add(new PeerFault(peer.Id, f, RemovePeer(peer.Id)));
        }
        _scratchPeers.Clear();
        return faults ?? (IReadOnlyList<PeerFault>)[];
    }

    // ---------------------------------------------------------------- internals

    private Entry At(int height) => _chain[_head + (height - _tipHeight - 1)];

    private Peer GetPeer(long peerId) =>
        _peers.TryGetValue(peerId, out var p) ? p : throw new InvalidOperationException($"peer {peerId} is not known");

    private void Append(int height, Hash256 hash)
    {
        if (_byHash.TryGetValue(hash, out var existing))
        {
            if (existing.OnChain)
                throw new ArgumentException($"block {hash} is already wanted at height {existing.Height}", nameof(hash));
            // A block still in flight from before a reorganisation comes back onto the chain.
            existing.OnChain = true;
            existing.Height = height;
            _chain.Add(existing);
            _inFlightHeights.Add(height);
        }
        else
        {
            var e = new Entry(height, hash);
            _byHash.Add(hash, e);
            _chain.Add(e);
            _unrequested.Add(height);
        }

        if (_awaitingHash.Remove(hash, out var waiting))
            foreach (var id in waiting)
            {
                var peer = _peers[id];
                peer.PendingHash = null;
                peer.Available = Math.Max(peer.Available, height);
            }
    }

    /// <summary>The wanted chain forks at <paramref name="forkHeight"/>: what is above goes, and peers that had our
    /// old chain above the fork have the new one only up to the fork, until their last announced block shows up.</summary>
    private void Reorganise(int forkHeight)
    {
        TruncateAbove(forkHeight);
        foreach (var peer in _peers.Values)
            if (peer.Available > forkHeight)
            {
                peer.Available = forkHeight;
                if (peer.BestHash is { } best) SetPending(peer, best);
            }
    }

    /// <summary>Drops wanted blocks above <paramref name="forkHeight"/>; if the fork is below the tip, the tip
    /// comes down to it.</summary>
    private void TruncateAbove(int forkHeight)
    {
        if (forkHeight < _tipHeight)
        {
            for (var h = _tipHeight + 1; h <= LastHeight; h++) Detach(At(h));
            _chain.Clear();
            _head = 0;
            _tipHeight = forkHeight;
            return;
        }
        var from = _head + (forkHeight - _tipHeight);
        for (var idx = from; idx < _chain.Count; idx++) Detach(_chain[idx]);
        _chain.RemoveRange(from, _chain.Count - from);
    }

    /// <summary>Off the wanted chain; a block in flight stays with its peer until it comes or the peer goes.</summary>
    private void Detach(Entry e)
    {
        e.OnChain = false;
        switch (e.State)
        {
            case State.Missing: _unrequested.Remove(e.Height); _byHash.Remove(e.Hash); break;
            case State.InFlight: _inFlightHeights.Remove(e.Height); break;
            default: _byHash.Remove(e.Hash); break;
        }
    }

    /// <summary>Below the tip now: forget it and any request for it.</summary>
    private void Forget(Entry e)
    {
        if (e.State == State.InFlight) RemoveRequest(e);
        else if (e.State == State.Missing) _unrequested.Remove(e.Height);
        _byHash.Remove(e.Hash);
        e.OnChain = false;
    }

    /// <summary>Core RemoveBlockRequest for the peer the block is in flight with.</summary>
    private void RemoveRequest(Entry e)
    {
        var peer = _peers[e.Peer];
        var node = e.QueueNode!;
        if (peer.InFlight.First == node)
        {
            // The oldest request was answered: the next one's clock starts now at the earliest.
            var now = _time.GetUtcNow();
            if (now > peer.DownloadingSince) peer.DownloadingSince = now;
        }
        peer.InFlight.Remove(node);
        e.QueueNode = null;
        InFlightCount--;
        if (peer.InFlight.Count == 0) _peersDownloadingFrom--;
        peer.StallingSince = null;
        if (e.OnChain) _inFlightHeights.Remove(e.Height);
        e.State = State.Missing;
    }

    private void MakeMissing(Entry e, List<BlockRequest>? released)
    {
        e.State = State.Missing;
        _unrequested.Add(e.Height);
        released?.Add(new BlockRequest(e.Height, e.Hash));
    }

    private void SetPending(Peer peer, Hash256 hash)
    {
        if (peer.PendingHash == hash) return;
        ClearPending(peer);
        peer.PendingHash = hash;
        if (!_awaitingHash.TryGetValue(hash, out var list)) _awaitingHash[hash] = list = [];
        list.Add(peer.Id);
    }

    private void ClearPending(Peer peer)
    {
        if (peer.PendingHash is not { } old) return;
        if (_awaitingHash.TryGetValue(old, out var list))
        {
            list.Remove(peer.Id);
            if (list.Count == 0) _awaitingHash.Remove(old);
        }
        peer.PendingHash = null;
    }
}
