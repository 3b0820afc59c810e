using ActorNode.Chain.Headers;
using ActorNode.P2P.Peers;
using Akka.Actor;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;

namespace ActorNode.P2P.Sync;

/// <summary>Serving peers: getheaders, getblocks and getdata (btcd server OnGetHeaders, OnGetBlocks, OnGetData;
/// btcd netsync/manager.go, btcd blockchain/chainview.go, blockchain/chain.go).</summary>
public sealed partial class SyncActor
{
    /// <summary>Headers from our best block chain after the peer's locator (Core answers from its active chain, the
    /// blocks it has, also while it syncs itself; btcd from its best chain). Always answered, empty when there is
    /// nothing to give (Core; bcoin sends nothing).</summary>
    private void ServeHeaders(SyncPeer peer, GetHeadersMessage request)
    {
        var headers = _chain.Blocks.LocateHeaders(request.Locator, request.HashStop);
        peer.Actor.Tell(new SendToPeer(new HeadersMessage([.. headers])));
    }

    /// <summary>An inv of up to 500 block hashes after the peer's locator (btcd OnGetBlocks); the getblocks path that
    /// bcoin syncs by.</summary>
    private void ServeBlockInventory(SyncPeer peer, GetBlocksMessage request)
    {
        var hashes = _chain.Blocks.LocateBlocks(request.Locator, request.HashStop);
        if (hashes.Count == 0) return;
        peer.Actor.Tell(new SendToPeer(new InvMessage([.. hashes.Select(h => new InvVector(InvType.Block, h))])));
        // btcd/Core hashContinue: a full inv means more follow; when the peer fetches its last block we announce our
        // tip, and the peer asks again with getblocks (bcoin syncs this way).
        peer.ContinueHash = hashes.Count == ChainView.MaxBlocksPerMessage ? hashes[^1] : null;
    }

    /// <summary>Blocks from the store (with or without witness, as asked), transactions from the relay pool, and one
    /// notfound listing everything else (btcd OnGetData). Filtered blocks go to the peer's bloom filter when we serve
    /// them (SyncActor.Bloom.cs; notfound otherwise); a compact block request gets a cmpctblock for a recent block,
    /// else the full block (Core).</summary>
    private void ServeData(SyncPeer peer, InvVector[] inventory)
    {
        List<InvVector>? notFound = null;
        foreach (var item in inventory)
        {
            if (ServeFilteredBlock(peer, item)) continue; // SyncActor.Bloom.cs
            IWireMessage? answer = item.Type switch
            {
                InvType.WitnessBlock => StoredBlock(item.Hash) is { } block ? new BlockMessage(block) : null,
                InvType.CompactBlock => CompactOrFullBlock(item.Hash),
                InvType.Block => StoredBlock(item.Hash) is { } block ? new BlockWithoutWitness(block) : null,
                InvType.Tx => _pool.TryGet(item, out var entry) ? new TransactionWithoutWitness(entry.Transaction) : null,
                InvType.WitnessTx or InvType.Wtx => _pool.TryGet(item, out var entry) ? new TxMessage(entry.Transaction) : null,
                _ => null,
            };
            if (answer is not null) peer.Actor.Tell(new SendToPeer(answer));
            else (notFound ??= []).Add(item);
            if (answer is not null && item.Hash == peer.ContinueHash)
            {
                peer.ContinueHash = null;
                peer.Actor.Tell(new SendToPeer(new InvMessage([new InvVector(InvType.Block, _chain.BestBlock.Hash)])));
            }
        }
        if (notFound is not null) peer.Actor.Tell(new SendToPeer(new NotFoundMessage([.. notFound])));
    }

    /// <summary>A block we have and may serve: in the index, stored, and not invalid.</summary>
    private Block? StoredBlock(Hash256 hash)
    {
        var node = _chain.Find(hash);
        if (node is null || node.IsInvalid || (!node.HasData && node.Height != 0)) return null;
        return ReadBlock(hash);
    }
}
