using ActorNode.Chain.Headers;
using ActorNode.Chain.Mining;
using ActorNode.Wire.Primitives;
using Akka.Actor;

namespace ActorNode.P2P.Sync;

/// <summary>What the console's RPC and the lab ask of the SyncActor: progress, the chain, the pool, and blocks and
/// transactions from the user.</summary>
public sealed partial class SyncActor
{
    private void Queries()
    {
        Receive<GetSyncProgress>(_ => Sender.Tell(Progress()));
        Receive<GetKnownPeers>(_ => Sender.Tell(new KnownPeers([.. _peers.Keys.Order()])));
        Receive<SubscribeProgress>(_ =>
        {
            _subscribers.Add(Sender);
            Context.Watch(Sender);
            Sender.Tell(Progress());
        });
        Receive<UnsubscribeProgress>(_ => _subscribers.Remove(Sender));
        Receive<Terminated>(t =>
        {
            if (_peerByActor.TryGetValue(t.ActorRef, out long peer)) ForgetPeer(peer); // SyncActor.cs
            _subscribers.Remove(t.ActorRef);
            _itemSubscribers.Remove(t.ActorRef); // SyncActor.Observation.cs
        });

        Receive<GetChainTips>(q => Sender.Tell(new ChainTips(Info(_chain.BestBlock), Info(_chain.BestHeader),
            q.WithForks ? [.. OtherTips().Select(Info)] : [], _chain.Count)));
        Receive<GetBlockAtHeight>(q => Sender.Tell(new BlockInfoAnswer(_chain.Blocks[q.Height] is { } n ? Info(n) : null)));
        Receive<GetBlockInfo>(q => Sender.Tell(new BlockInfoAnswer(_chain.Find(q.Hash) is { } n ? Info(n) : null)));
        Receive<GetBlockData>(q =>
        {
            var node = _chain.Find(q.Hash);
            byte[]? raw = null;
            if (node is not null && (node.HasData || node.Height == 0)) raw = ReadBlock(q.Hash)?.ToArray();
            Sender.Tell(new BlockData(raw, node is null ? null : Info(node)));
        });

        Receive<GetMempool>(_ => Sender.Tell(new MempoolContent(
            [.. _pool.Snapshot().Select(e => new MempoolItem(e.Txid, e.Wtxid, e.Size, e.VirtualSize, e.Weight, e.Arrival))],
            _pool.Bytes, _pool.Options.MaxBytes)));
        Receive<GetPoolTransaction>(q =>
            Sender.Tell(new TransactionAnswer(_pool.TryGetByTxid(q.Txid, out var entry) ? entry.Transaction : null)));
        Receive<SubmitTransaction>(submit =>
        {
            var tx = submit.Transaction;
            if (!IsFinalForNextBlock(tx))
            {
                Sender.Tell(new TransactionSubmitted(tx.Txid, "non-final"));
                return;
            }
            var result = _pool.TryAdd(tx);
            if (result.IsAccepted)
            {
                NoteAccepted(ObservedItemKind.Transaction, tx.Txid, source: null);
                _manager.Tell(new Connections.RelayTransaction(tx.Txid, tx.Wtxid, Transaction: tx));
            }
            Sender.Tell(new TransactionSubmitted(tx.Txid, result.IsAccepted ? null : result.RejectReason));
        });

        Receive<SubmitBlock>(submit => Sender.Tell(Submit(submit.Block)));
        Receive<MineBlocks>(OnMineBlocks);
    }

    private BlockSubmitted Submit(Block block)
    {
        var hash = block.GetHash();
        var node = _chain.Find(hash);
        if (node is null)
        {
            var oldBest = _chain.BestHeader;
            var result = _chain.ProcessHeader(block.Header);
            PersistNewHeaders(result);
            if (!result.IsSuccess) return new BlockSubmitted(hash, $"header refused: {result.Reason}", false);
            node = _chain.Find(hash)!;
            if (!ReferenceEquals(oldBest, _chain.BestHeader)) OnBestHeaderChanged(oldBest);
        }
        if (node.HasData) return new BlockSubmitted(hash, "duplicate", false);
        var before = _chain.BestBlock;
        var error = AcceptBlock(block, node, source: null);
        return new BlockSubmitted(hash, error, !ReferenceEquals(before, _chain.BestBlock));
    }

    /// <summary>Mines on our best block with the pool's transactions (oldest first, within the block weight limit),
    /// as Core's generate does on regtest. Only where a block takes a few hashes: the proof-of-work limit must be
    /// regtest's (2^255), so the actor is never held for long.</summary>
    private void OnMineBlocks(MineBlocks mine)
    {
        if (!Params.PoWNoRetargeting)
        {
            Sender.Tell(new BlocksMined([], $"mining is for regtest only, not {Params.Name}"));
            return;
        }
        var hashes = new List<Hash256>(mine.Count);
        for (int i = 0; i < mine.Count; i++)
        {
            var tip = _chain.BestBlock;
            var transactions = new List<Transaction>();
            long weight = 4_000; // the coinbase and header, generously
            foreach (var entry in mine.IncludePool ? _pool.Snapshot() : [])
            {
                if (weight + entry.Weight > 3_900_000) break;
                if (!IsFinalForNextBlock(entry.Transaction)) continue; // became non-final after a reorganisation
                weight += entry.Weight;
                transactions.Add(entry.Transaction);
            }
            uint time = (uint)Math.Max(Now.ToUnixTimeSeconds(), tip.GetMedianTimePast() + 1);
            var block = BlockBuilder.Mine(Params, tip.Hash, tip.Height + 1, time, _chain.GetNextRequiredBits(tip, time),
                transactions, mine.Payout, tag: (uint)Random.Shared.Next(1, int.MaxValue));
            var submitted = Submit(block);
            if (submitted.Error is not null)
            {
                Sender.Tell(new BlocksMined(hashes, submitted.Error));
                return;
            }
            hashes.Add(submitted.Hash);
        }
        Sender.Tell(new BlocksMined(hashes, null));
    }

    /// <summary>Known blocks with no child other than the two best tips (getchaintips' forks).</summary>
    private IEnumerable<BlockNode> OtherTips()
    {
        var parents = new HashSet<Hash256>();
        foreach (var node in _chain.Nodes)
            if (node.Parent is { } parent) parents.Add(parent.Hash);
        return _chain.Nodes.Where(n => !parents.Contains(n.Hash) && n != _chain.BestBlock && n != _chain.BestHeader);
    }

    private BlockInfo Info(BlockNode node) => new(node.Hash, node.Height, node.Header, node.HasData || node.Height == 0,
        node.IsInvalid, _chain.Blocks.Contains(node), _chain.Blocks.Next(node)?.Hash, node.GetMedianTimePast(),
        node.ChainWork.ToString(), node.Height - _chain.Blocks.FindFork(node).Height);
}
