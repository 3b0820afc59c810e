using ActorNode.Chain.Blocks;
using ActorNode.Chain.Headers;
using ActorNode.Connections.Bans;
using ActorNode.Connections.Handshake;
using ActorNode.Mempool;
using ActorNode.P2P.Connections;
using ActorNode.P2P.Peers;
using ActorNode.Storage.Blocks;
using ActorNode.Sync;
using ActorNode.Wire;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using Akka.Actor;
using Akka.Event;
using ChainStoredHeader = ActorNode.Chain.Headers.StoredHeader;

namespace ActorNode.P2P.Sync;

/// <summary>The node's sync manager (btcd netsync, with Bitcoin Core's parallel block download): it owns the header
/// chain, the block store and the relay pool, and the pure schedulers of <c>ActorNode.Sync</c>, and turns peer
/// messages into calls on them (docs/sync.md).
/// <list type="bullet">
/// <item>Headers first: one sync peer (<see cref="SyncPeerSelector"/>) is asked for headers from our best header's
/// locator, 2,000 at a time; block announcements (inv or headers) from any peer are followed with getheaders.</item>
/// <item>Blocks: from every peer that has them, at most 16 in flight each, within a window of 1,024 blocks
/// (<see cref="BlockDownloadScheduler"/>); a peer that stalls the window or times out is disconnected.</item>
/// <item>Each block is checked (<see cref="BlockSanity"/>), stored, and the best block chain follows the most work;
/// the relay pool drops what blocks confirm and takes back what a reorganisation disconnects.</item>
/// <item>Serving: getheaders and getblocks from the best block chain, getdata for blocks (with or without
/// witness) and pool transactions, notfound for the rest. New tips are announced to every peer.</item>
/// </list>
/// Every <see cref="ReceivedFromPeer"/> is answered to its peer with <see cref="PeerMessageHandled"/>.</summary>
public sealed partial class SyncActor : ReceiveActor, IWithTimers
{
    private const string TickTimer = "tick";

    /// <summary>A best header younger than this means we are near the tip (Core: 24 hours).</summary>
    private static readonly TimeSpan RecentTip = TimeSpan.FromHours(24);

    private readonly SyncSettings _settings;
    private IActorRef _manager;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<long, SyncPeer> _peers = [];
    private readonly HashSet<IActorRef> _subscribers = [];

    private IBlockStore _store = null!;
    private HeaderChain _chain = null!;
    private TxPool _pool = null!;
    private BlockDownloadScheduler _scheduler = null!;
    private SyncPeerSelector _selector = null!;
    private SyncProgressTracker _progress = null!;
    private DateTimeOffset _nextStallCheck;
    private DateTimeOffset _nextPoolExpiry;
    private bool _progressChanged;

    public SyncActor(SyncSettings settings, IActorRef? manager)
    {
        _settings = settings;
        _manager = manager ?? ActorRefs.Nobody;
        Receive<UseConnManager>(use =>
        {
            _manager = use.Manager;
            _manager.Tell(new OurBestHeight(_chain.BestBlock.Height));
        });

        Receive<PeerReady>(OnPeerReady);
        Receive<PeerGone>(OnPeerGone);
        Receive<ReceivedFromPeer>(OnReceived);
        Receive<SyncTick>(_ => OnTick());
        Receive<GetCompactBlockStats>(_ => Sender.Tell(CompactStats()));
        Queries();
        Bloom(); // SyncActor.Bloom.cs
        Observation(); // SyncActor.Observation.cs
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The manager and the sync actor know each other: create the sync actor first (manager null), then
    /// the ConnManagerActor with it, then tell the sync actor <see cref="UseConnManager"/>.</summary>
    public static Props Props(SyncSettings settings, IActorRef? manager = null) =>
        Akka.Actor.Props.Create(() => new SyncActor(settings, manager));

    private DateTimeOffset Now => _settings.Time.GetUtcNow();
    private Chain.ChainParams Params => _settings.Chain;

    // ---- Start and stop ---------------------------------------------------------------------------------------------

    protected override void PreStart()
    {
        _store = _settings.OpenStore();
        _chain = new HeaderChain(Params, _settings.Time);
        var stored = _store.LoadHeaders();
        var restored = _chain.Restore(stored.Where(s => s.Height > 0).Select(s => new ChainStoredHeader(s.Header, s.Height,
            // The store is the truth about data: its location says whether the bytes are durable.
            s.HasData ? (BlockStatus)s.Status | BlockStatus.DataStored : (BlockStatus)s.Status & ~BlockStatus.DataStored)));
        if (!restored.IsSuccess)
            _log.Warning("Block index: {Error}; kept the {Count} headers before it", restored.Error, restored.Restored);
        _log.Info("Chain {Network}: {Headers} headers, best block {Height} {Hash}, best header {HeaderHeight}",
            Params.Name, _chain.Count, _chain.BestBlock.Height, _chain.BestBlock.Hash, _chain.BestHeader.Height);
        if (_store.Tip != _chain.BestBlock.Hash && _chain.BestBlock.Height > 0) _store.SetTip(_chain.BestBlock.Hash);

        _pool = new TxPool(_settings.Pool, _settings.Time);
        _scheduler = new BlockDownloadScheduler(_settings.Time, _chain.BestBlock.Height, Params.TargetTimePerBlock);
        ResetWantedChain();
        _selector = new SyncPeerSelector(_settings.Time, new Random(), _chain.BestHeader.Height,
            DateTimeOffset.FromUnixTimeSeconds(_chain.BestHeader.Timestamp), _chain.BestBlock.Height, Params.TargetTimePerBlock)
        {
            WitnessRequired = Params.Network != Chain.Network.Regtest,
        };
        _progress = new SyncProgressTracker(_settings.Time, _chain.BestBlock.Height);
        _nextStallCheck = Now + SyncPeerSelector.StallSampleInterval;
        _nextPoolExpiry = Now + TimeSpan.FromMinutes(1);
        _manager.Tell(new OurBestHeight(_chain.BestBlock.Height));
        Timers.StartPeriodicTimer(TickTimer, SyncTick.Instance, _settings.TickInterval);
    }

    protected override void PostStop()
    {
        try
        {
            _store?.Dispose();
        }
        catch (Exception e)
        {
            _log.Error(e, "Closing the block store failed");
        }
    }

    // ---- Peers ------------------------------------------------------------------------------------------------------

    private void OnPeerReady(PeerReady ready)
    {
        var remote = ready.Handshake.Remote;
        var peer = new SyncPeer(ready.PeerId, Sender, remote.Services, remote.StartHeight, ready.Handshake);
        _peers[peer.Id] = peer;
        OnCompactPeerReady(peer, ready.Inbound, ready.Handshake);
        if (peer.CanServeBlocks)
        {
            _scheduler.AddPeer(peer.Id, limited: !peer.Services.HasFlag(ServiceFlags.Network));
            _scheduler.SetPeerAvailable(peer.Id, Math.Min(remote.StartHeight, _chain.BestHeader.Height));
        }
        var change = _selector.PeerConnected(peer.Id, remote.Services, remote.StartHeight);
        Apply(change);
        // Core: when our best header is recent (we are not in the initial download), ask every new peer for headers
        // once, so a peer that got ahead while its handshake ran (and missed our announcement) is found.
        // A peer that is neither our sync peer nor claims a longer chain may ignore it (btcd and Core do while not
        // current): no answer is owed, so no deadline is armed and an unanswered one lapses (issue 16).
        if (change?.NewSyncPeer != peer.Id && peer.CanServeBlocks
            && Now - DateTimeOffset.FromUnixTimeSeconds(_chain.BestHeader.Timestamp) < RecentTip)
            SendGetHeaders(peer, _chain.Headers.GetLocator(), answerOwed: _selector.OwesHeadersAnswer(peer.Id));
        RequestBlocks(peer);
    }

    private void OnPeerGone(PeerGone gone)
    {
        if (!_peers.Remove(gone.PeerId, out var peer)) return;
        OnCompactPeerGone(peer.Id);
        peer.Presync = null;
        if (peer.CanServeBlocks) _scheduler.RemovePeer(peer.Id);
        Apply(_selector.PeerDisconnected(peer.Id));
        foreach (var (hash, _) in _txRequested.Where(r => r.Value.Peer == peer.Id).ToList())
            _txRequested.Remove(hash); // the peer is gone: its count goes with it
        RequestBlocksFromAll();
    }

    /// <summary>Acts on a change of the headers sync peer: a disconnect, a getheaders to the new one.</summary>
    private void Apply(SyncPeerChange? change)
    {
        if (change is null) return;
        _log.Debug("Sync peer: {Reason}, {Previous} -> {New}", change.Reason, change.PreviousSyncPeer, change.NewSyncPeer);
        if (change.Disconnect is { } drop && _peers.TryGetValue(drop, out var stalled))
            stalled.Actor.Tell(new DisconnectPeer($"headers sync: {change.Reason}"));
        if (change.NewSyncPeer is { } id && _peers.TryGetValue(id, out var next)) SendGetHeaders(next, _chain.Headers.GetLocator());
    }

    /// <summary>Asks <paramref name="peer"/> for headers. <paramref name="answerOwed"/> false: the peer's actor
    /// arms no response deadline for it.</summary>
    private void SendGetHeaders(SyncPeer peer, IReadOnlyList<Hash256> locator, Hash256 stop = default, bool answerOwed = true)
    {
        peer.HeadersRequested++;
        peer.Actor.Tell(new SendToPeer(new GetHeadersMessage(ProtocolVersion.Current, [.. locator], stop), answerOwed));
    }

    // ---- Peer messages ----------------------------------------------------------------------------------------------

    private void OnReceived(ReceivedFromPeer received)
    {
        try
        {
            if (_peers.TryGetValue(received.PeerId, out var peer))
            {
                try
                {
                    Handle(peer, received.Message);
                }
                catch (Exception e) when (e is not (OutOfMemoryException or BlockStoreCorruptException))
                {
                    // Our bug, met while handling this peer's message: the peer goes, the node keeps its chain, its
                    // store and its other peers (a restart of this actor would drop them all).
                    _log.Error(e, "Handling {Command} from peer {PeerId} failed; disconnecting it", received.Message.Command, peer.Id);
                    peer.Actor.Tell(new DisconnectPeer($"internal error handling {received.Message.Command}"));
                }
            }
            else _log.Debug("Message {Command} from unknown peer {PeerId}", received.Message.Command, received.PeerId);
        }
        finally
        {
            Sender.Tell(PeerMessageHandled.Instance);
        }
    }

    private void Handle(SyncPeer peer, IWireMessage message)
    {
        if (_log.IsDebugEnabled) _log.Debug("Peer {PeerId}: {Command}", peer.Id, message.Command);
        switch (message)
        {
            case HeadersMessage headers:
                OnHeaders(peer, headers.Headers);
                break;
            case InvMessage inv:
                OnInv(peer, inv.Inventory);
                break;
            case BlockMessage block:
                OnBlock(peer, block.Block);
                break;
            case TxMessage tx:
                OnTransaction(peer, tx.Transaction);
                break;
            case NotFoundMessage notFound:
                OnNotFound(peer, notFound.Inventory);
                break;
            case GetHeadersMessage getHeaders:
                ServeHeaders(peer, getHeaders);
                break;
            case GetBlocksMessage getBlocks:
                ServeBlockInventory(peer, getBlocks);
                break;
            case GetDataMessage getData:
                ServeData(peer, getData.Inventory);
                break;
            case MemPoolMessage:
                ServeMempool(peer); // SyncActor.Bloom.cs
                break;
            case SendCompactMessage or CompactBlockMessage or GetBlockTransactionsMessage or BlockTransactionsMessage:
                OnCompactMessage(peer, message); // SyncActor.Compact.cs
                break;
        }
    }

    private void OnHeaders(SyncPeer peer, BlockHeader[] headers)
    {
        // The answer to a getheaders of ours, or (none outstanding) an announcement (BIP130).
        if (peer.HeadersRequested > 0) peer.HeadersRequested--;
        else if (ObservingItems)
            foreach (var header in headers) NoteAnnounced(ObservedItemKind.Block, header.GetHash(), peer);
        if (headers.Length == 0)
        {
            // Nothing after our locator: the peer has no more headers for us (btcd: done with the sync peer).
            _selector.HeadersProgress(peer.Id);
            return;
        }
        var oldBestHeader = _chain.BestHeader;
        peer.Presync ??= new HeaderPresync(_chain);
        var result = peer.Presync.Process(headers);
        PersistNewHeaders(result);
        if (result.Last is { } last) NoteHasBlock(peer, last);

        switch (result.Reason)
        {
            case HeaderRejectReason.None:
                break;
            case HeaderRejectReason.Orphan:
                // Core: the peer's headers do not connect to ours; ask from our best header (a new tip announced
                // on a chain we do not have yet) and count such messages.
                if (++peer.UnconnectingHeaders % 10 == 0)
                    _manager.Tell(new ScorePeer(peer.Id, BanPenalty.InvalidHeader("10 unconnecting headers messages") with
                        { Persistent = 0, Transient = 20 }, Disconnect: false));
                SendGetHeaders(peer, _chain.Headers.GetLocator());
                return;
            case HeaderRejectReason.BelowMinimumWork when result.Buffered > 0:
                break;
            case var reason when reason.IsPeerFault():
                _manager.Tell(new ScorePeer(peer.Id, BanPenalty.InvalidHeader($"invalid header: {reason}"), Disconnect: true));
                return;
            default:
                _log.Debug("Peer {PeerId} headers: {Result}", peer.Id, result);
                return;
        }
        peer.UnconnectingHeaders = 0;

        if (result.Added > 0 || result.Buffered > 0) _selector.HeadersProgress(peer.Id);
        if (!ReferenceEquals(oldBestHeader, _chain.BestHeader)) OnBestHeaderChanged(oldBestHeader);

        // A full batch: the peer has more (btcd: ask the sync peer again; Core: any peer that sent a full batch).
        if (headers.Length == ChainView.MaxHeadersPerMessage)
        {
            var locator = peer.Presync.Count > 0 ? peer.Presync.GetLocator() : _chain.Headers.GetLocator(result.Last);
            SendGetHeaders(peer, locator);
        }
        RequestBlocksFromAll();
    }

    /// <summary>Writes the headers a result added to the index into the store, in one commit.</summary>
    private void PersistNewHeaders(HeadersResult result)
    {
        if (result.Added <= 0 || result.Last is null) return;
        var added = new List<HeaderEntry>(result.Added);
        for (var node = result.Last; node is not null && added.Count < result.Added; node = node.Parent)
            added.Add(new HeaderEntry(node.Hash, node.Header, node.Height, (byte)(node.Status & ~BlockStatus.DataStored)));
        added.Reverse();
        _store.PutHeaders(added);
    }

    private void OnBestHeaderChanged(BlockNode oldBestHeader)
    {
        // The wanted chain changes above the lower of: where the old best header leaves the new header chain, and
        // (when our best block is on another branch) where the best block leaves it.
        var blockFork = _chain.Headers.FindFork(_chain.BestBlock);
        int from = ReferenceEquals(blockFork, _chain.BestBlock)
            ? Math.Max(_chain.Headers.FindFork(oldBestHeader).Height, _chain.BestBlock.Height) + 1
            : blockFork.Height + 1;
        SetWanted(Math.Min(from, _scheduler.LastHeight + 1));
        Apply(_selector.OurChainChanged(_chain.BestHeader.Height,
            DateTimeOffset.FromUnixTimeSeconds(_chain.BestHeader.Timestamp), _chain.BestBlock.Height));
        _progressChanged = true;
    }

    /// <summary>Tells the scheduler that the best header chain from <paramref name="from"/> up is what we want.</summary>
    private void SetWanted(int from)
    {
        var hashes = new List<Hash256>(Math.Max(0, _chain.Headers.Height - from + 1));
        for (int h = from; h <= _chain.Headers.Height; h++) hashes.Add(_chain.Headers[h]!.Hash);
        _scheduler.SetChain(from, hashes);
        foreach (var hash in hashes)
            if (_chain.Find(hash) is { HasData: true }) _scheduler.AlreadyHave(hash);
    }

    private void ResetWantedChain() => SetWanted(_chain.BestBlock.Height + 1);

    /// <summary>The peer has this block (it sent or announced it): its best known block for the scheduler and the
    /// sync peer choice.</summary>
    private void NoteHasBlock(SyncPeer peer, BlockNode node)
    {
        if (peer.BestKnown is not null && peer.BestKnown.ChainWork >= node.ChainWork) return;
        peer.BestKnown = node;
        if (peer.CanServeBlocks) _scheduler.UpdatePeerBest(peer.Id, node.Height, node.Hash);
        Apply(_selector.PeerHeightRaised(peer.Id, node.Height));
        _manager.Tell(new UpdatePeerHeights(node.Hash, node.Height, peer.Id));
    }

    private void OnInv(SyncPeer peer, InvVector[] inventory)
    {
        Hash256? lastUnknownBlock = null;
        foreach (var item in inventory)
        {
            switch (item.Type)
            {
                case InvType.Block or InvType.WitnessBlock:
                    NoteAnnounced(ObservedItemKind.Block, item.Hash, peer);
                    if (_chain.Find(item.Hash) is { } known) NoteHasBlock(peer, known);
                    else lastUnknownBlock = item.Hash;
                    break;
                case InvType.Tx or InvType.WitnessTx or InvType.Wtx:
                    NoteAnnounced(ObservedItemKind.Transaction, item.Hash, peer);
                    OnTransactionAnnounced(peer, item);
                    break;
            }
        }
        // btcd/Core: an unknown block announced by inv is fetched through its headers.
        if (lastUnknownBlock is { } stop) SendGetHeaders(peer, _chain.Headers.GetLocator(), stop);
        RequestTransactions(peer);
    }

    private void OnNotFound(SyncPeer peer, InvVector[] inventory)
    {
        bool freed = false;
        foreach (var item in inventory)
        {
            if (item.Type is InvType.Block or InvType.WitnessBlock) freed |= _scheduler.NotFound(peer.Id, item.Hash);
            else if (_txRequested.TryGetValue(item.Hash, out var request) && request.Peer == peer.Id) ForgetTransactionRequest(item.Hash);
        }
        if (freed) RequestBlocksFromAll();
    }

    // ---- Blocks -----------------------------------------------------------------------------------------------------

    private void OnBlock(SyncPeer peer, Block block)
    {
        var hash = block.GetHash();
        var receipt = _scheduler.BlockReceived(peer.Id, hash);
        var node = _chain.Find(hash);
        if (receipt == BlockReceipt.Unrequested && node is { HasData: true }) return; // a duplicate: harmless
        // A block whose header we lack (an unsolicited new tip): its header first.
        node ??= AcceptAnnouncedHeader(peer, block.Header, "block");
        if (node is null) return;
        if (receipt == BlockReceipt.Unrequested && node.ChainWork <= _chain.BestBlock.ChainWork)
        {
            // Core takes an unrequested block only when it would extend our best chain; btcd drops the peer.
            _manager.Tell(new ScorePeer(peer.Id, BanPenalty.UnrequestedBlock(), Disconnect: false));
            return;
        }
        NoteHasBlock(peer, node);
        var outcome = AcceptBlock(block, node, peer);
        if (outcome is not null)
        {
            _manager.Tell(new ScorePeer(peer.Id, BanPenalty.InvalidBlock(outcome), Disconnect: true));
            return;
        }
        RequestBlocks(peer);
    }

    /// <summary>The header of a block (or compact block) that arrived before its header: into the index, or, if it does
    /// not connect, a getheaders from our locator; an invalid header scores the peer. Null when it was not taken.</summary>
    private BlockNode? AcceptAnnouncedHeader(SyncPeer peer, BlockHeader header, string what)
    {
        var result = _chain.ProcessHeader(header);
        PersistNewHeaders(result);
        if (result.Reason == HeaderRejectReason.Orphan)
        {
            SendGetHeaders(peer, _chain.Headers.GetLocator());
            return null;
        }
        if (!result.IsSuccess)
        {
            if (result.Reason.IsPeerFault())
                _manager.Tell(new ScorePeer(peer.Id, BanPenalty.InvalidHeader($"{what} with invalid header: {result.Reason}"), Disconnect: true));
            return null;
        }
        var node = _chain.Find(header.GetHash())!;
        if (result.NewBestHeader) OnBestHeaderChanged(node.Parent!);
        return node;
    }

    /// <summary>Checks, stores and connects a block whose header is in the index; null when accepted, else why not.
    /// <paramref name="source"/> is null for a block from the user.</summary>
    private string? AcceptBlock(Block block, BlockNode node, SyncPeer? source)
    {
        if (node.IsInvalid) return $"block {node.Hash} is known to be invalid";
        if (node.HasData) return null;
        var context = BlockCheckContext.For(Params, node.Height, node.Parent!.GetMedianTimePast());
        var check = BlockSanity.Check(block, context);
        if (!check.IsValid)
        {
            if (check.IsMutated)
            {
                // This copy is wrong, the block may be fine: fetch it again, from any peer.
                _scheduler.Rerequest(node.Hash);
                return $"mutated block {node.Hash}: {check.RejectReason}";
            }
            _log.Warning("Block {Hash} at {Height} is invalid: {Reason}", node.Hash, node.Height, check.RejectReason);
            _store.UpdateStatus(node.Hash, (byte)(node.Status | BlockStatus.Invalid));
            var invalidated = _chain.MarkBlockInvalid(node.Hash);
            if (invalidated is not null) OnTipChanged(invalidated, source);
            ResetWantedChain();
            return $"invalid block {node.Hash}: {check.RejectReason}";
        }

        try
        {
            _store.StoreBlock(node.Hash, block.ToArray());
        }
        catch (Exception e) when (e is IOException or BlockStoreCorruptException or InvalidOperationException)
        {
            _log.Error(e, "Could not store block {Hash}", node.Hash);
            _scheduler.Rerequest(node.Hash);
            return null; // not the peer's fault
        }
        _scheduler.AlreadyHave(node.Hash);
        NoteAccepted(ObservedItemKind.Block, node.Hash, source);
        var change = _chain.MarkBlockStored(node.Hash);
        if (change is not null) OnTipChanged(change, source, block);
        return null;
    }

    /// <summary>The best block moved: persist the tip, update the pool, tell the peers and the schedulers.</summary>
    private void OnTipChanged(BlockTipChange change, SyncPeer? source, Block? justStored = null)
    {
        _store.SetTip(change.NewTip.Hash);
        foreach (var gone in change.Disconnected)
            if (ReadBlock(gone.Hash) is { } block) _pool.BlockDisconnected(block);
        foreach (var added in change.Connected)
        {
            var block = added.Hash == justStored?.GetHash() ? justStored : ReadBlock(added.Hash);
            if (block is not null) _pool.BlockConnected(block);
        }
        if (change.IsReorganisation)
        {
            _log.Info("Reorganisation: {Disconnected} blocks off, {Connected} on, fork at {ForkHeight}; tip {Height} {Hash}",
                change.Disconnected.Count, change.Connected.Count, change.Fork.Height, change.NewTip.Height, change.NewTip.Hash);
            ResetWantedChain();
        }
        _scheduler.SetTip(change.NewTip.Height);
        _progress.TipChanged(change.NewTip.Height);
        _progressChanged = true;
        _manager.Tell(new OurBestHeight(change.NewTip.Height));
        Apply(_selector.OurChainChanged(_chain.BestHeader.Height,
            DateTimeOffset.FromUnixTimeSeconds(_chain.BestHeader.Timestamp), change.NewTip.Height));
        // Announce only when caught up (no block announcements during the initial download, as btcd/Core).
        if (ReferenceEquals(change.NewTip, _chain.BestHeader))
            AnnounceTip(change, source, justStored);
    }

    private Block? ReadBlock(Hash256 hash)
    {
        if (hash == Params.GenesisHash) return Params.GenesisBlock;
        try
        {
            return _store.TryReadBlock(hash, out var raw) ? Block.Parse(raw) : null;
        }
        catch (Exception e) when (e is BlockStoreCorruptException or WireException or IOException)
        {
            _log.Error(e, "Block {Hash} could not be read from the store", hash);
            return null;
        }
    }

    private void RequestBlocks(SyncPeer peer)
    {
        if (!peer.CanServeBlocks) return;
        var requests = _scheduler.NextRequests(peer.Id);
        if (requests.Count == 0) return;
        var type = BlockRequestType(peer, requests);
        peer.Actor.Tell(new SendToPeer(new GetDataMessage([.. requests.Select(r => new InvVector(type, r.Hash))])));
    }

    private void RequestBlocksFromAll()
    {
        foreach (var peer in _peers.Values) RequestBlocks(peer);
    }

    // ---- Periodic ---------------------------------------------------------------------------------------------------

    private void OnTick()
    {
        try
        {
            Tick();
        }
        catch (Exception e) when (e is not (OutOfMemoryException or BlockStoreCorruptException))
        {
            _log.Error(e, "The sync check failed; it runs again on the next tick");
        }
    }

    private void Tick()
    {
        foreach (var fault in _scheduler.CheckPeers())
        {
            if (!_peers.TryGetValue(fault.PeerId, out var peer)) continue;
            _log.Info("Peer {PeerId}: {Fault}, disconnecting", fault.PeerId, fault.Fault);
            // The scheduler has dropped it already; until its PeerGone comes it must not be asked of again.
            peer.DownloadDropped = true;
            peer.Actor.Tell(new DisconnectPeer($"block download: {fault.Fault}"));
        }
        var now = Now;
        if (now >= _nextStallCheck)
        {
            _nextStallCheck = now + SyncPeerSelector.StallSampleInterval;
            Apply(_selector.CheckStall());
        }
        if (now >= _nextPoolExpiry)
        {
            _nextPoolExpiry = now + TimeSpan.FromMinutes(1);
            _pool.Expire();
        }
        ExpireTransactionRequests(now);
        RequestBlocksFromAll();
        if (_progressChanged && _subscribers.Count > 0)
        {
            var progress = Progress();
            foreach (var subscriber in _subscribers) subscriber.Tell(progress);
        }
        _progressChanged = false;
    }

    private SyncProgress Progress() => _progress.Snapshot(_chain.BestHeader.Height, _scheduler.PeersDownloading);

    /// <summary>What the SyncActor knows of one ready peer.</summary>
    private sealed class SyncPeer(long id, IActorRef actor, ServiceFlags services, int startHeight, HandshakeResult handshake)
    {
        public long Id { get; } = id;
        public IActorRef Actor { get; } = actor;
        public ServiceFlags Services { get; } = services;
        public int StartHeight { get; } = startHeight;
        public bool WantsWtxid { get; } = handshake.WantsWtxidRelay;
        public bool Witness { get; } = handshake.Witness;
        /// <summary>The user agent of its version message (the lab names its nodes there).</summary>
        public string UserAgent { get; } = handshake.Remote.UserAgent;
        /// <summary>Our getheaders not yet answered: a headers message while none is outstanding is an announcement.</summary>
        public int HeadersRequested { get; set; }
        /// <summary>Full nodes and pruned nodes serve blocks (btcd: NODE_NETWORK; Core: also NODE_NETWORK_LIMITED).</summary>
        public bool CanServeBlocks => !DownloadDropped && (Services & (ServiceFlags.Network | ServiceFlags.NetworkLimited)) != 0;
        /// <summary>Disconnected for a block download fault: the scheduler no longer knows it.</summary>
        public bool DownloadDropped { get; set; }
        public HeaderPresync? Presync { get; set; }
        public BlockNode? BestKnown { get; set; }
        public int UnconnectingHeaders { get; set; }
        /// <summary>The last block of a full getblocks answer (btcd continueHash).</summary>
        public Hash256? ContinueHash { get; set; }
        /// <summary>Transactions asked of this peer and not yet answered (at most 100).</summary>
        public int TxInFlight { get; set; }
        /// <summary>Transactions announced and not yet asked for (bounded).</summary>
        public Queue<InvVector> TxToRequest { get; } = new();
    }
}
