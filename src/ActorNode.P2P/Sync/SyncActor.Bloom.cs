using ActorNode.P2P.Peers;
using Akka.Actor;
using ActorNode.Wire.Primitives;

namespace ActorNode.P2P.Sync;

/// <summary>BIP37 serving (Core ProcessGetBlockData for MSG_FILTERED_BLOCK and the BIP35 mempool answer; btcd
/// pushMerkleBlockMsg and OnMemPool). The peer's filter lives in its PeerActor, which decides what the peer is told:
/// we hand it the stored block, or the pool's transactions, and it filters (docs/peers.md, "Bloom filters").</summary>
public sealed partial class SyncActor
{
    private bool _servesBloomFilters;

    private void Bloom() => Receive<BloomFiltersServed>(_ => _servesBloomFilters = true);

    /// <summary>A getdata MSG_FILTERED_BLOCK for a block we have and may serve: the PeerActor sends it as a
    /// merkleblock and the matched transactions (nothing without a loaded filter, as Core and btcd). False, for the
    /// caller's notfound, when bloom filters are not served or the block is not ours to serve (btcd). Witness
    /// variants (MSG_FILTERED_WITNESS_BLOCK) are not served (Core).</summary>
    private bool ServeFilteredBlock(SyncPeer peer, InvVector item)
    {
        if (!_servesBloomFilters || item.Type != InvType.FilteredBlock) return false;
        if (StoredBlock(item.Hash) is not { } block) return false;
        peer.Actor.Tell(new SendFilteredBlock(block));
        return true;
    }

    /// <summary>BIP35 mempool: the pool's transactions, oldest first, to the PeerActor, which announces those its
    /// filter matches (the manager has scored the request and only passes it on when we serve bloom filters).</summary>
    private void ServeMempool(SyncPeer peer)
    {
        if (!_servesBloomFilters || _settings.BlocksOnly) return;
        peer.Actor.Tell(new AnnouncePoolTransactions([.. _pool.Snapshot().Select(entry => entry.Transaction)]));
    }
}
