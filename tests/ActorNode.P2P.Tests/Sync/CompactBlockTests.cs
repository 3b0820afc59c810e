using System.Net;
using ActorNode.Chain;
using ActorNode.Mempool;
using ActorNode.P2P.Sync;
using ActorNode.Wire.Primitives;
using Akka.Actor;

namespace ActorNode.P2P.Tests.Sync;

/// <summary>BIP152 between whole nodes over loopback: a block whose transactions are in the receivers' pools travels
/// as a cmpctblock and is rebuilt from them (first asked for with MSG_CMPCT_BLOCK, then, once the receiver made its
/// source a high-bandwidth peer, pushed unasked), and a receiver that lacks a transaction gets it with
/// getblocktxn/blocktxn. The observable is each node's <see cref="CompactBlockStats"/>: blocks rebuilt, transactions
/// asked for, full-block fallbacks, compact blocks served on request and pushed.</summary>
public sealed class CompactBlockTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly List<string> _dirs = [];

    public CompactBlockTests(Xunit.Abstractions.ITestOutputHelper output) : base("akka.loglevel = WARNING", output) { }

    private TestNode StartNode(string name, IReadOnlyList<IPEndPoint>? connect = null, TxPoolOptions? pool = null)
    {
        var dir = Directory.CreateTempSubdirectory($"compact-{name}-").FullName;
        _dirs.Add(dir);
        return TestNode.Start(Sys, name, dir, s => s with { Connect = connect ?? [] }, s => s with { Pool = pool ?? TxPoolOptions.Default });
    }

    private static Task<IPEndPoint> ListenEndpoint(TestNode node) => node.ListenEndpointAsync(Patience);

    private async Task AwaitTip(TestNode node, Hash256 hash) =>
        await AwaitAssertAsync(async () =>
            Assert.Equal(hash, (await node.Sync.Ask<ChainTips>(GetChainTips.Instance, Patience)).BestBlock.Hash),
            Patience, TimeSpan.FromMilliseconds(100));

    private async Task AwaitInPool(TestNode node, Transaction tx) =>
        await AwaitAssertAsync(async () =>
            Assert.Contains((await node.Sync.Ask<MempoolContent>(GetMempool.Instance, Patience)).Items, i => i.Wtxid == tx.Wtxid),
            Patience, TimeSpan.FromMilliseconds(100));

    private static async Task<CompactBlockStats> Stats(TestNode node) =>
        await node.Sync.Ask<CompactBlockStats>(GetCompactBlockStats.Instance, Patience);

    private static async Task<Hash256> MineOne(TestNode node)
    {
        var mined = await node.Sync.Ask<BlocksMined>(new MineBlocks(1), Patience);
        Assert.Null(mined.Error);
        return Assert.Single(mined.Hashes);
    }

    private static async Task Submit(TestNode node, Transaction tx) =>
        Assert.Null((await node.Sync.Ask<TransactionSubmitted>(new SubmitTransaction(tx), Patience)).Error);

    /// <summary>Real mainnet witness payments: structurally valid, and the pool has no UTXO set to say otherwise.</summary>
    private static Transaction[] Payments(int count) =>
        [.. Block.Parse(File.ReadAllBytes(ActorNode.Wire.Tests.TestData.PathOf(ActorNode.Wire.Tests.TestData.Block574200)))
            .Transactions.Skip(1).Where(t => t.HasWitness).Take(count)];

    [Fact]
    public async Task ABlockOfPooledTransactions_TravelsCompact_AndTheNextIsPushedToHighBandwidthPeers()
    {
        // a ← b ← c: b follows a, c follows b.
        var a = StartNode("ca");
        await MineOne(a);
        var b = StartNode("cb", connect: [await ListenEndpoint(a)]);
        var c = StartNode("cc", connect: [await ListenEndpoint(b)]);
        var first = await MineOne(a);
        await AwaitTip(b, first);
        await AwaitTip(c, first);
        var txs = Payments(2);
        // How the first blocks came (full in the initial sync, or compact) depends on when the connections were up.
        var (baseA, baseB, baseC) = (await Stats(a), await Stats(b), await Stats(c));

        // A transaction from c reaches every pool; a mines it. Each receiver gets the block compact from its peer
        // (asked for with MSG_CMPCT_BLOCK, or pushed if the sync already made that peer its high-bandwidth peer) and
        // rebuilds it from its pool.
        await Submit(c, txs[0]);
        await AwaitInPool(a, txs[0]);
        var second = await MineOne(a);
        await AwaitTip(b, second);
        await AwaitTip(c, second);
        var (atA, atB, atC) = (await Stats(a), await Stats(b), await Stats(c));
        Assert.Equal((baseB.BlocksReconstructed + 1, baseC.BlocksReconstructed + 1), (atB.BlocksReconstructed, atC.BlocksReconstructed));
        Assert.Equal((1L, 1L), (atB.TransactionsFromPool - baseB.TransactionsFromPool, atC.TransactionsFromPool - baseC.TransactionsFromPool));
        Assert.Equal(0L, atB.TransactionsRequested + atB.FullBlockFallbacks + atC.TransactionsRequested + atC.FullBlockFallbacks);
        Assert.Equal((1L, 1L), (atA.CompactBlocksServed + atA.CompactBlocksAnnounced - baseA.CompactBlocksServed - baseA.CompactBlocksAnnounced,
            atB.CompactBlocksServed + atB.CompactBlocksAnnounced - baseB.CompactBlocksServed - baseB.CompactBlocksAnnounced));

        // Each receiver made the peer that brought it a new block its high-bandwidth peer (sendcmpct(true, 2)).
        Assert.Single(atB.HighBandwidthTo);
        Assert.Single(atC.HighBandwidthTo);
        await AwaitAssertAsync(async () =>
        {
            Assert.Single((await Stats(a)).HighBandwidthFrom);
            Assert.Single((await Stats(b)).HighBandwidthFrom);
        }, Patience, TimeSpan.FromMilliseconds(100));
        (atA, atB, atC) = (await Stats(a), await Stats(b), await Stats(c));

        // So the next block is pushed as cmpctblock: a and b each push one, and nobody asks for it with getdata.
        await Submit(c, txs[1]);
        await AwaitInPool(a, txs[1]);
        var third = await MineOne(a);
        await AwaitTip(c, third);
        var (nowA, nowB, nowC) = (await Stats(a), await Stats(b), await Stats(c));
        Assert.Equal((atB.BlocksReconstructed + 1, atC.BlocksReconstructed + 1), (nowB.BlocksReconstructed, nowC.BlocksReconstructed));
        Assert.Equal((atA.CompactBlocksAnnounced + 1, atB.CompactBlocksAnnounced + 1), (nowA.CompactBlocksAnnounced, nowB.CompactBlocksAnnounced));
        Assert.Equal((atA.CompactBlocksServed, atB.CompactBlocksServed), (nowA.CompactBlocksServed, nowB.CompactBlocksServed));
        Assert.Equal(0L, nowB.FullBlockFallbacks + nowC.FullBlockFallbacks + nowB.TransactionsRequested + nowC.TransactionsRequested);
        Assert.Empty((await c.Sync.Ask<MempoolContent>(GetMempool.Instance, Patience)).Items);
    }

    [Fact]
    public async Task AReceiverWithoutTheTransaction_GetsItWithGetBlockTxn()
    {
        var a = StartNode("ga");
        await MineOne(a);
        // b's pool holds nothing (0 bytes): whatever a mines, b lacks.
        var b = StartNode("gb", connect: [await ListenEndpoint(a)], pool: TxPoolOptions.Default with { MaxBytes = 0 });
        var first = await MineOne(a);
        await AwaitTip(b, first);
        var before = await Stats(b);

        var tx = Payments(1)[0];
        await Submit(a, tx);
        var mined = await MineOne(a);
        await AwaitTip(b, mined);

        var stats = await Stats(b);
        Assert.Equal(before.BlocksReconstructed + 1, stats.BlocksReconstructed);
        Assert.Equal(1L, stats.TransactionsRequested);
        Assert.Equal(0L, stats.TransactionsFromPool);
        Assert.Equal(0L, stats.FullBlockFallbacks);
        var block = await b.Sync.Ask<BlockData>(new GetBlockData(mined), Patience);
        Assert.Contains(Block.Parse(block.Raw!).Transactions, t => t.Wtxid == tx.Wtxid);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        foreach (var dir in _dirs)
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }
}
