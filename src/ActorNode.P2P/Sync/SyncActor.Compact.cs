using ActorNode.Chain.Blocks;
using ActorNode.Chain.Headers;
using ActorNode.Connections.Bans;
using ActorNode.Connections.Handshake;
using ActorNode.P2P.Connections;
using ActorNode.P2P.Peers;
using ActorNode.Sync.Compact;
using ActorNode.Wire;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using Akka.Actor;
using Akka.Event;

namespace ActorNode.P2P.Sync;

/// <summary>BIP152 compact blocks, version 2 only (witness, wtxid short ids), as Bitcoin Core's net_processing does
/// it (docs/sync.md, "Compact blocks (BIP152)").
/// <list type="bullet">
/// <item>Negotiation: every peer at protocol ≥ 70014 that offers NODE_WITNESS gets <c>sendcmpct(false, 2)</c> when it
/// is ready; a peer's own <c>sendcmpct</c> with version 2 says it takes compact blocks, and whether it wants new blocks
/// pushed to it as <c>cmpctblock</c> (high-bandwidth). Other versions are ignored (Core).</item>
/// <item>High-bandwidth to us: the last three peers that gave us a new tip first are asked with
/// <c>sendcmpct(true, 2)</c> (<see cref="HighBandwidthPeers"/>).</item>
/// <item>Low-bandwidth from us: a single block on top of our tip, asked of a peer that takes compact blocks, is asked
/// as <c>MSG_CMPCT_BLOCK</c> (Core's direct fetch).</item>
/// <item>Receiving: header first, then <see cref="PartialBlock"/> from the relay pool; complete → the block goes
/// through <c>AcceptBlock</c> as a full one; gaps → <c>getblocktxn</c>, finished by <c>blocktxn</c>; a short-id
/// collision or a mismatch with the header → <c>getdata</c> for the full block.</item>
/// <item>Serving: <c>MSG_CMPCT_BLOCK</c> within 5 blocks of our tip, <c>getblocktxn</c> within 10 (older: the full
/// block); new tips pushed as <c>cmpctblock</c> to peers that asked for high-bandwidth mode, and kept out of the
/// manager's headers/inv announcement to them.</item>
/// </list></summary>
public sealed partial class SyncActor
{
    private readonly Dictionary<long, CompactPeer> _compactPeers = [];
    private readonly HighBandwidthPeers _highBandwidth = new();
    private readonly Random _compactRandom = new();
    private long _blocksReconstructed, _txFromPool, _compactTxRequested, _fullBlockFallbacks, _compactServed, _compactAnnounced;

    /// <summary>What we know of one ready peer's compact-block state.</summary>
    private sealed class CompactPeer(bool inbound)
    {
        public bool Inbound { get; } = inbound;
        /// <summary>The peer sent <c>sendcmpct</c> with version 2 (Core m_provides_cmpctblocks).</summary>
        public bool Provides { get; set; }
        /// <summary>Its last <c>sendcmpct</c> asked for high-bandwidth announcements (Core m_requested_hb_cmpctblocks).</summary>
        public bool WantsHighBandwidth { get; set; }
        /// <summary>The block we are filling from this peer's <c>cmpctblock</c>, waiting for its <c>blocktxn</c>.</summary>
        public PartialBlock? Pending { get; set; }
    }

    // ---- Peers ------------------------------------------------------------------------------------------------------

    /// <summary>A peer is ready: offer compact blocks version 2 when it can take them (Core sends sendcmpct at verack
    /// to peers at SHORT_IDS_BLOCKS_VERSION; version 2 needs witnesses).</summary>
    private void OnCompactPeerReady(SyncPeer peer, bool inbound, HandshakeResult handshake)
    {
        _compactPeers[peer.Id] = new CompactPeer(inbound);
        if (handshake.NegotiatedVersion >= ProtocolVersion.CompactBlocks && peer.Services.HasFlag(ServiceFlags.Witness))
            peer.Actor.Tell(new SendToPeer(new SendCompactMessage(false, SendCompactMessage.WitnessVersion)));
    }

    private void OnCompactPeerGone(long peerId)
    {
        _compactPeers.Remove(peerId);
        _highBandwidth.Remove(peerId);
    }

    private bool TakesCompactBlocks(SyncPeer peer) =>
        _compactPeers.TryGetValue(peer.Id, out var state) && state.Provides && peer.Services.HasFlag(ServiceFlags.Witness);

    // ---- Peer messages ----------------------------------------------------------------------------------------------

    private void OnCompactMessage(SyncPeer peer, IWireMessage message)
    {
        switch (message)
        {
            case SendCompactMessage sendCompact:
                // Core: any version but 2 is ignored; a later sendcmpct changes the high-bandwidth wish.
                if (sendCompact.Version != SendCompactMessage.WitnessVersion || !_compactPeers.TryGetValue(peer.Id, out var state)) return;
                state.Provides = true;
                state.WantsHighBandwidth = sendCompact.Announce;
                break;
            case CompactBlockMessage compact:
                OnCompactBlock(peer, compact);
                break;
            case GetBlockTransactionsMessage request:
                ServeBlockTransactions(peer, request);
                break;
            case BlockTransactionsMessage transactions:
                OnBlockTransactions(peer, transactions);
                break;
        }
    }

    // ---- Receiving ----------------------------------------------------------------------------------------------------

    private void OnCompactBlock(SyncPeer peer, CompactBlockMessage message)
    {
        var hash = message.Header.GetHash();
        // Pushed unasked (high-bandwidth mode): an announcement; asked for with getdata, an answer.
        if (ObservingItems && _scheduler.InFlightWith(hash) != peer.Id) NoteAnnounced(ObservedItemKind.Block, hash, peer);
        var node = _chain.Find(hash);
        // As OnBlock: the header of a block we did not know first (a high-bandwidth announcement).
        node ??= AcceptAnnouncedHeader(peer, message.Header, "cmpctblock");
        if (node is null) return;
        NoteHasBlock(peer, node);
        if (node.HasData || node.IsInvalid) return; // we have it (or know it is bad): nothing to rebuild

        bool requested = _scheduler.InFlightWith(hash) == peer.Id;
        // Core: an unasked compact block is rebuilt only when it would be our new tip, close to the one we have;
        // further ahead it is an announcement, and the download fetches it.
        if (!requested && (node.ChainWork <= _chain.BestBlock.ChainWork || node.Height > _chain.BestBlock.Height + 2))
        {
            RequestBlocks(peer);
            return;
        }

        var init = PartialBlock.Create(message, _pool.Snapshot().Select(e => e.Transaction));
        switch (init.Status)
        {
            case CompactReadStatus.Invalid:
                _manager.Tell(new ScorePeer(peer.Id, BanPenalty.InvalidBlock($"invalid compact block {hash}: {init.Reason}"), Disconnect: true));
                return;
            case CompactReadStatus.Failed:
                RequestFullBlock(peer, hash, init.Reason);
                return;
        }
        var partial = init.Block!;
        _txFromPool += partial.FromPoolCount;
        if (partial.IsComplete)
        {
            FinishCompactBlock(peer, node, partial, []);
            return;
        }
        if (_compactPeers.TryGetValue(peer.Id, out var state)) state.Pending = partial;
        _compactTxRequested += partial.MissingIndexes.Count;
        peer.Actor.Tell(new SendToPeer(new GetBlockTransactionsMessage(hash, [.. partial.MissingIndexes])));
    }

    private void OnBlockTransactions(SyncPeer peer, BlockTransactionsMessage message)
    {
        // Core: block transactions for a block we were not filling from this peer are ignored.
        if (!_compactPeers.TryGetValue(peer.Id, out var state) || state.Pending is not { } partial || partial.Hash != message.BlockHash)
            return;
        state.Pending = null;
        var node = _chain.Find(partial.Hash);
        if (node is null || node.HasData || node.IsInvalid) return;
        FinishCompactBlock(peer, node, partial, message.Transactions);
    }

    private void FinishCompactBlock(SyncPeer peer, BlockNode node, PartialBlock partial, IReadOnlyList<Transaction> missing)
    {
        var fill = partial.Fill(missing, node.Height >= Deployments.SegwitHeight(Params.Network));
        switch (fill.Status)
        {
            case CompactReadStatus.Invalid:
                _manager.Tell(new ScorePeer(peer.Id, BanPenalty.InvalidBlock(
                    $"compact block {node.Hash}: non-matching block transactions ({fill.Reason})"), Disconnect: true));
                return;
            case CompactReadStatus.Failed:
                RequestFullBlock(peer, node.Hash, fill.Reason);
                return;
        }
        _blocksReconstructed++;
        _scheduler.BlockReceived(peer.Id, node.Hash);
        var outcome = AcceptBlock(fill.Block!, node, peer);
        // Core does not punish a consensus-invalid block that came compact (MaybePunishNodeForBlock via_compact_block:
        // high-bandwidth peers relay before they validate); the block is marked invalid all the same.
        if (outcome is not null) _log.Info("Compact block from peer {PeerId} refused: {Reason}", peer.Id, outcome);
        RequestBlocks(peer);
    }

    /// <summary>The compact form could not be used: the whole block, from the same peer (Core).</summary>
    private void RequestFullBlock(SyncPeer peer, Hash256 hash, string? reason)
    {
        _fullBlockFallbacks++;
        _log.Debug("Compact block {Hash} from peer {PeerId}: {Reason}; asking for the full block", hash, peer.Id, reason);
        var type = peer.Services.HasFlag(ServiceFlags.Witness) ? InvType.WitnessBlock : InvType.Block;
        peer.Actor.Tell(new SendToPeer(new GetDataMessage([new InvVector(type, hash)])));
    }

    /// <summary>How to ask a peer for blocks: as <c>MSG_CMPCT_BLOCK</c> when it is one block on top of our tip, we are
    /// near the network's tip, and the peer takes compact blocks (Core's direct fetch of a new tip), else with or
    /// without witness as the peer serves them.</summary>
    private InvType BlockRequestType(SyncPeer peer, IReadOnlyList<ActorNode.Sync.BlockRequest> requests)
    {
        var type = peer.Services.HasFlag(ServiceFlags.Witness) ? InvType.WitnessBlock : InvType.Block;
        if (requests.Count != 1 || _settings.BlocksOnly || !TakesCompactBlocks(peer)) return type;
        var node = _chain.Find(requests[0].Hash);
        bool onTip = node is not null && ReferenceEquals(node.Parent, _chain.BestBlock)
            && Now - DateTimeOffset.FromUnixTimeSeconds(_chain.BestBlock.Timestamp) < RecentTip;
        return onTip ? InvType.CompactBlock : type;
    }

    // ---- Serving ----------------------------------------------------------------------------------------------------

    /// <summary>The answer to <c>getdata MSG_CMPCT_BLOCK</c>: the compact form of a block at most 5 below our tip,
    /// the full block for an older one (Core MAX_CMPCTBLOCK_DEPTH), null when we do not have it.</summary>
    private IWireMessage? CompactOrFullBlock(Hash256 hash)
    {
        if (StoredBlock(hash) is not { } block) return null;
        var node = _chain.Find(hash);
        bool recent = node is not null && _chain.Blocks.Contains(node)
            && node.Height >= _chain.BestBlock.Height - CompactBlockBuilder.MaxCompactBlockDepth;
        if (!recent) return new BlockMessage(block);
        _compactServed++;
        return CompactBlockBuilder.Build(block, _compactRandom);
    }

    private void ServeBlockTransactions(SyncPeer peer, GetBlockTransactionsMessage request)
    {
        var node = _chain.Find(request.BlockHash);
        if (node is null || !node.HasData || node.IsInvalid || StoredBlock(request.BlockHash) is not { } block) return;
        if (node.Height < _chain.BestBlock.Height - CompactBlockBuilder.MaxBlockTransactionsDepth)
        {
            // Core: a getblocktxn for an older block is answered with the whole block.
            peer.Actor.Tell(new SendToPeer(new BlockMessage(block)));
            return;
        }
        var answer = CompactBlockBuilder.AnswerRequest(block, request);
        if (answer is null)
        {
            _manager.Tell(new ScorePeer(peer.Id, BanPenalty.InvalidBlock("getblocktxn with out-of-bounds tx indices"), Disconnect: true));
            return;
        }
        peer.Actor.Tell(new SendToPeer(answer));
    }

    // ---- Announcing ---------------------------------------------------------------------------------------------------

    /// <summary>Announces a new best block: a one-block step is pushed as <c>cmpctblock</c> to the peers that asked
    /// for high-bandwidth mode (not the one it came from), and the manager announces it as headers/inv to everyone
    /// else (Core NewPoWValidBlock, then SendMessages for the rest). The peer that brought it becomes one of our
    /// high-bandwidth peers.</summary>
    private void AnnounceTip(BlockTipChange change, SyncPeer? source, Block? justStored)
    {
        var tip = change.NewTip;
        HashSet<long>? pushed = null;
        if (!change.IsReorganisation && change.Connected.Count == 1)
        {
            CompactBlockMessage? compact = null;
            foreach (var (id, state) in _compactPeers)
            {
                if (!state.WantsHighBandwidth || !state.Provides || id == source?.Id || !_peers.TryGetValue(id, out var peer)) continue;
                if (!peer.Services.HasFlag(ServiceFlags.Witness)) continue;
                var block = justStored?.GetHash() == tip.Hash ? justStored : ReadBlock(tip.Hash);
                if (block is null) break;
                compact ??= CompactBlockBuilder.Build(block, _compactRandom);
                peer.Actor.Tell(new SendToPeer(compact));
                (pushed ??= []).Add(id);
                _compactAnnounced++;
            }
        }
        _manager.Tell(new RelayBlock(tip.Header, source?.Id, pushed));
        if (source is not null) MaybeAskForHighBandwidth(source);
    }

    /// <summary>Core MaybeSetPeerAsAnnouncingHeaderAndIDs, called when a peer gave us a new tip first while we are
    /// near the network's tip with nothing else in flight, and it takes compact blocks; not in blocks-only mode.</summary>
    private void MaybeAskForHighBandwidth(SyncPeer source)
    {
        if (_settings.BlocksOnly || !TakesCompactBlocks(source) || _scheduler.InFlightCount > 0) return;
        if (Now - DateTimeOffset.FromUnixTimeSeconds(_chain.BestBlock.Timestamp) >= RecentTip) return;
        var change = _highBandwidth.Promote(source.Id, _compactPeers[source.Id].Inbound);
        if (change.Demoted is { } demoted && _peers.TryGetValue(demoted, out var old))
            old.Actor.Tell(new SendToPeer(new SendCompactMessage(false, SendCompactMessage.WitnessVersion)));
        if (change.Announce is not null)
            source.Actor.Tell(new SendToPeer(new SendCompactMessage(true, SendCompactMessage.WitnessVersion)));
    }

    private CompactBlockStats CompactStats() => new(_blocksReconstructed, _txFromPool, _compactTxRequested, _fullBlockFallbacks,
        _compactServed, _compactAnnounced, _highBandwidth.Peers,
        [.. _compactPeers.Where(p => p.Value.Provides && p.Value.WantsHighBandwidth).Select(p => p.Key).Order()]);
}
