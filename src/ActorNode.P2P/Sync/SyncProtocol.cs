using ActorNode.Sync;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;

namespace ActorNode.P2P.Sync;

/// <summary>The ConnManagerActor the sync actor talks to (relay, scores, heights), when it was created after it (the node
/// builder) or has restarted; answered with <see cref="Connections.OurBestHeight"/>.</summary>
public sealed record UseConnManager(Akka.Actor.IActorRef Manager);

// ---- Subscriptions ------------------------------------------------------------------------------------------------

/// <summary>Sends <see cref="SyncProgress"/> to the sender on every change of the best block (at most once a second)
/// until it stops or sends <see cref="UnsubscribeProgress"/>.</summary>
public sealed record SubscribeProgress
{
    public static SubscribeProgress Instance { get; } = new();
    private SubscribeProgress() { }
}

public sealed record UnsubscribeProgress
{
    public static UnsubscribeProgress Instance { get; } = new();
    private UnsubscribeProgress() { }
}

/// <summary>Asks for the sync progress now; answered with <see cref="SyncProgress"/>.</summary>
public sealed record GetSyncProgress
{
    public static GetSyncProgress Instance { get; } = new();
    private GetSyncProgress() { }
}

// ---- Chain queries (getblockcount, getbestblockhash, getblockhash, getblockheader, getblock, getchaintips) ----------

/// <summary>Asks for the best block and best header, and with <paramref name="WithForks"/> every other tip too (a scan
/// of the whole block index, for getchaintips); answered with <see cref="ChainTips"/>.</summary>
public sealed record GetChainTips(bool WithForks = false)
{
    /// <summary>The best block and header only: cheap, for getblockcount and friends.</summary>
    public static GetChainTips Instance { get; } = new();

    /// <summary>Also every other tip of the block tree.</summary>
    public static GetChainTips WithAllForks { get; } = new(true);
}

/// <summary>One block of the index as a query answer. <paramref name="BranchLength"/>: how many blocks lead from it
/// down to the best block chain (0 on it).</summary>
public sealed record BlockInfo(Hash256 Hash, int Height, BlockHeader Header, bool HasData, bool Invalid,
    bool OnBestChain, Hash256? Next, uint MedianTimePast, string ChainWork, int BranchLength = 0);

/// <summary>Our best block (the tip of the chain whose blocks we have), best header, and, when asked for, every other
/// known tip (getchaintips: a block with no child; empty otherwise).</summary>
public sealed record ChainTips(BlockInfo BestBlock, BlockInfo BestHeader, IReadOnlyList<BlockInfo> OtherTips, int HeaderCount);

/// <summary>Asks for the block at a height of the best block chain; answered with <see cref="BlockInfoAnswer"/>.</summary>
public sealed record GetBlockAtHeight(int Height);

/// <summary>Asks for a block of the index by hash; answered with <see cref="BlockInfoAnswer"/>.</summary>
public sealed record GetBlockInfo(Hash256 Hash);

/// <summary>The answer to <see cref="GetBlockAtHeight"/> and <see cref="GetBlockInfo"/>; null when unknown.</summary>
public sealed record BlockInfoAnswer(BlockInfo? Block);

/// <summary>Asks for a stored block's bytes (with witness); answered with <see cref="BlockData"/>.</summary>
public sealed record GetBlockData(Hash256 Hash);

/// <summary>The raw block (null when not stored) and its index entry (null when unknown).</summary>
public sealed record BlockData(byte[]? Raw, BlockInfo? Info);

// ---- Relay pool queries (getrawmempool, getmempoolinfo, getrawtransaction, sendrawtransaction) --------------------

/// <summary>Asks for the relay pool's content; answered with <see cref="MempoolContent"/>.</summary>
public sealed record GetMempool
{
    public static GetMempool Instance { get; } = new();
    private GetMempool() { }
}

/// <summary>One pool entry as a query answer.</summary>
public sealed record MempoolItem(Hash256 Txid, Hash256 Wtxid, int Size, int VirtualSize, int Weight, DateTimeOffset Arrival);

/// <summary>The pool's entries (arrival order) and its accounted bytes and limit.</summary>
public sealed record MempoolContent(IReadOnlyList<MempoolItem> Items, long Bytes, long MaxBytes);

/// <summary>Asks for a pool transaction by txid; answered with <see cref="TransactionAnswer"/>.</summary>
public sealed record GetPoolTransaction(Hash256 Txid);

/// <summary>The transaction, or null when the pool does not hold it.</summary>
public sealed record TransactionAnswer(Transaction? Transaction);

/// <summary>A transaction from the user (sendrawtransaction): into the pool and announced to peers; answered with
/// <see cref="TransactionSubmitted"/>.</summary>
public sealed record SubmitTransaction(Transaction Transaction);

/// <summary>Accepted (<paramref name="Error"/> null) or refused with the pool's reason.</summary>
public sealed record TransactionSubmitted(Hash256 Txid, string? Error);

// ---- Blocks from the user (submitblock, generate) ------------------------------------------------------------------

/// <summary>A block from the user (submitblock, the lab): checked, stored and announced as if a peer sent it;
/// answered with <see cref="BlockSubmitted"/>.</summary>
public sealed record SubmitBlock(Block Block);

/// <summary>Accepted (<paramref name="Error"/> null; <paramref name="NewTip"/> when it became the best block) or
/// refused with the reason.</summary>
public sealed record BlockSubmitted(Hash256 Hash, string? Error, bool NewTip);

/// <summary>Mines <paramref name="Count"/> blocks on the best block (regtest-like chains only: the proof of work
/// must be cheap), each with the relay pool's transactions that fit (none with <paramref name="IncludePool"/> false:
/// the lab's blocks, which must not take transactions out of pools before they have spread); answered with
/// <see cref="BlocksMined"/>.</summary>
public sealed record MineBlocks(int Count, ReadOnlyMemory<byte>? Payout = null, bool IncludePool = true);

/// <summary>The hashes of the mined blocks, or the reason none could be mined.</summary>
public sealed record BlocksMined(IReadOnlyList<Hash256> Hashes, string? Error);

// ---- Compact blocks and bloom filters ----------------------------------------------------------------------------

/// <summary>Asks for the SyncActor's compact-block counters; answered with <see cref="CompactBlockStats"/>.</summary>
public sealed record GetCompactBlockStats
{
    public static GetCompactBlockStats Instance { get; } = new();
    private GetCompactBlockStats() { }
}

/// <summary>What compact blocks (BIP152) did since the start: blocks rebuilt from a <c>cmpctblock</c>, transactions
/// taken from the pool or asked for with <c>getblocktxn</c>, fallbacks to the full block, compact blocks sent in answer
/// to <c>getdata</c> and pushed to high-bandwidth peers, and the peers in each high-bandwidth direction now.</summary>
public sealed record CompactBlockStats(long BlocksReconstructed, long TransactionsFromPool, long TransactionsRequested,
    long FullBlockFallbacks, long CompactBlocksServed, long CompactBlocksAnnounced,
    IReadOnlyList<long> HighBandwidthTo, IReadOnlyList<long> HighBandwidthFrom);

/// <summary>The ConnManagerActor serves BIP37 bloom filters (<c>PeerBloomFilters</c>): the sync actor then answers
/// getdata MSG_FILTERED_BLOCK and <c>mempool</c>. Sent once, at the manager's start; without it both are refused
/// as before (notfound; the manager disconnects a <c>mempool</c>).</summary>
public sealed record BloomFiltersServed
{
    public static BloomFiltersServed Instance { get; } = new();
    private BloomFiltersServed() { }
}

// ---- Item observation (the lab: who saw which transaction and block first, from whom; docs/sync.md) ---------------

/// <summary>What an observed item is.</summary>
public enum ObservedItemKind
{
    Transaction,
    Block,
}

/// <summary>Tells the sender <see cref="ItemAccepted"/> and <see cref="ItemAnnounced"/> from now on, until it sends
/// <see cref="UnsubscribeItems"/> or stops (the SyncActor watches it). Answered at once with
/// <see cref="ItemsSubscribed"/>, so the subscriber knows from when it is told.</summary>
public sealed record SubscribeItems
{
    public static SubscribeItems Instance { get; } = new();
    private SubscribeItems() { }
}

/// <summary>The answer to <see cref="SubscribeItems"/>: observations follow from here on.</summary>
public sealed record ItemsSubscribed
{
    public static ItemsSubscribed Instance { get; } = new();
    private ItemsSubscribed() { }
}

/// <summary>Stops <see cref="ItemAccepted"/> and <see cref="ItemAnnounced"/> to the sender.</summary>
public sealed record UnsubscribeItems
{
    public static UnsubscribeItems Instance { get; } = new();
    private UnsubscribeItems() { }
}

/// <summary>This node now has the item: a transaction taken into the relay pool (from a peer's <c>tx</c>, or
/// <see cref="SubmitTransaction"/>), or a block stored with its data (a peer's <c>block</c>, a <c>cmpctblock</c>
/// rebuilt, <see cref="SubmitBlock"/> or <see cref="MineBlocks"/>). <paramref name="Hash"/>: the txid of a
/// transaction, the hash of a block. <paramref name="FromPeer"/> and <paramref name="FromUserAgent"/> (the user agent
/// of the peer's version message) name the peer that gave it, both null when it came from the user.
/// <paramref name="At"/> is the SyncActor's clock (<see cref="SyncSettings.Time"/>).</summary>
public sealed record ItemAccepted(ObservedItemKind Kind, Hash256 Hash, long? FromPeer, string? FromUserAgent, DateTimeOffset At);

/// <summary>A peer announced an item, whether we have it or not (duplicates included): each transaction and block
/// entry of an <c>inv</c> (the hash as announced: the wtxid for MSG_WTX, the txid for MSG_TX; the two are equal for a
/// transaction without witness data), each header of an unsolicited <c>headers</c> message (BIP130), and each
/// <c>cmpctblock</c> pushed to us unasked (BIP152 high-bandwidth). Answers to our own <c>getheaders</c> and
/// <c>getdata</c> are not announcements.</summary>
public sealed record ItemAnnounced(ObservedItemKind Kind, Hash256 Hash, long PeerId);

// ---- Internal ------------------------------------------------------------------------------------------------------

/// <summary>Asks for the ids of the ready peers the sync actor knows; answered with <see cref="KnownPeers"/> (tests:
/// no ghost after a peer or its manager stops).</summary>
internal sealed record GetKnownPeers
{
    public static GetKnownPeers Instance { get; } = new();
    private GetKnownPeers() { }
}

/// <summary>The answer to <see cref="GetKnownPeers"/>, in ascending order.</summary>
internal sealed record KnownPeers(IReadOnlyList<long> PeerIds);

/// <summary>The SyncActor's periodic check: download stalls and timeouts, the headers sync peer, progress.</summary>
internal sealed record SyncTick
{
    public static SyncTick Instance { get; } = new();
    private SyncTick() { }
}

/// <summary>A block sent without its witness data, for a peer that asked with MSG_BLOCK (not MSG_WITNESS_BLOCK).</summary>
internal sealed record BlockWithoutWitness(Block Block) : IWireMessage
{
    public string Command => BlockMessage.CommandName;

    public void WritePayload(ActorNode.Wire.Encoding.WireWriter writer, ActorNode.Wire.WireContext context) =>
        Block.Write(writer, ActorNode.Wire.WireEncoding.Base);
}

/// <summary>A transaction sent without its witness data (MSG_TX from a peer that did not ask for witnesses).</summary>
internal sealed record TransactionWithoutWitness(Transaction Transaction) : IWireMessage
{
    public string Command => TxMessage.CommandName;

    public void WritePayload(ActorNode.Wire.Encoding.WireWriter writer, ActorNode.Wire.WireContext context) =>
        Transaction.Write(writer, ActorNode.Wire.WireEncoding.Base);
}
