using ActorNode.P2P.Connections;
using ActorNode.P2P.Peers;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using Akka.Actor;

namespace ActorNode.P2P.Sync;

/// <summary>Transaction relay: inv → getdata → tx into the relay pool → announced to every other peer (btcd netsync
/// handleInvMsg/handleTxMsg, server AnnounceNewTransactions; BIP339 wtxid relay with peers that negotiated it).</summary>
public sealed partial class SyncActor
{
    /// <summary>Most announced transactions remembered per peer before we ask for them (Core MAX_PEER_TX_ANNOUNCEMENTS).</summary>
    private const int MaxAnnouncementsPerPeer = 5_000;

    /// <summary>Most transactions asked of one peer at once (Core MAX_PEER_TX_REQUEST_IN_FLIGHT).</summary>
    private const int MaxTransactionsInFlightPerPeer = 100;

    /// <summary>Transactions asked for and not yet received, by the hash asked with (txid or wtxid).</summary>
    private readonly Dictionary<Hash256, (long Peer, DateTimeOffset At)> _txRequested = [];

    private void OnTransactionAnnounced(SyncPeer peer, InvVector item)
    {
        if (_settings.BlocksOnly) return; // Core disconnects a peer that announces txs against our relay=false; btcd ignores
        if (peer.WantsWtxid != (item.Type == InvType.Wtx)) return; // BIP339: only the negotiated kind counts
        if (_pool.AlreadyHave(item) || _txRequested.ContainsKey(item.Hash)) return;
        if (peer.TxToRequest.Count >= MaxAnnouncementsPerPeer) return;
        peer.TxToRequest.Enqueue(item);
    }

    private void RequestTransactions(SyncPeer peer)
    {
        if (peer.TxToRequest.Count == 0) return;
        var now = Now;
        var ask = new List<InvVector>();
        while (peer.TxInFlight < MaxTransactionsInFlightPerPeer && peer.TxToRequest.TryDequeue(out var item))
        {
            if (_pool.AlreadyHave(item) || _txRequested.ContainsKey(item.Hash)) continue;
            _txRequested[item.Hash] = (peer.Id, now);
            peer.TxInFlight++;
            // Ask with the witness: MSG_WTX for wtxid peers, MSG_WITNESS_TX for the others (Core).
            ask.Add(item.Type == InvType.Wtx ? item : new InvVector(InvType.WitnessTx, item.Hash));
        }
        if (ask.Count > 0) peer.Actor.Tell(new SendToPeer(new GetDataMessage([.. ask])));
    }

    /// <summary>The request for this hash is answered, refused or given up: the peer asked has room for another.</summary>
    private void ForgetTransactionRequest(Hash256 hash)
    {
        if (!_txRequested.Remove(hash, out var request)) return;
        if (_peers.TryGetValue(request.Peer, out var peer)) peer.TxInFlight--;
    }

    /// <summary>Core CheckFinalTx for the pool: final in the next block (height tip + 1, lock times against the tip's
    /// median time past, BIP113). A block builder could not include it otherwise.</summary>
    private bool IsFinalForNextBlock(Transaction tx) =>
        ActorNode.Chain.Blocks.TransactionSanity.IsFinal(tx, _chain.BestBlock.Height + 1, _chain.BestBlock.GetMedianTimePast());

    private void ExpireTransactionRequests(DateTimeOffset now)
    {
        if (_txRequested.Count == 0) return;
        foreach (var (hash, _) in _txRequested.Where(r => now - r.Value.At > _settings.TransactionRequestTimeout).ToList())
            ForgetTransactionRequest(hash);
        foreach (var peer in _peers.Values) RequestTransactions(peer);
    }

    private void OnTransaction(SyncPeer peer, Transaction tx)
    {
        ForgetTransactionRequest(tx.Txid);
        ForgetTransactionRequest(tx.Wtxid);
        if (_settings.BlocksOnly) return;
        if (!IsFinalForNextBlock(tx)) return; // Core "non-final": not taken, not scored
        var result = _pool.TryAdd(tx);
        if (result.IsAccepted)
        {
            NoteAccepted(ObservedItemKind.Transaction, tx.Txid, peer);
            _manager.Tell(new RelayTransaction(tx.Txid, tx.Wtxid, peer.Id, tx));
        }
        else if (result.IsConsensusInvalid)
        {
            _manager.Tell(new ScorePeer(peer.Id,
                ActorNode.Connections.Bans.BanPenalty.InvalidTransaction($"invalid transaction {tx.Txid}: {result.RejectReason}"), Disconnect: true));
        }
        RequestTransactions(peer);
    }
}
