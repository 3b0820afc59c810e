using System.Net;
using ActorNode.Chain;
using ActorNode.P2P.Connections;
using ActorNode.P2P.Sync;
using ActorNode.Storage.Blocks;
using ActorNode.Wire.Primitives;
using Akka.Actor;

namespace ActorNode.P2P.Tests.Sync;

/// <summary>Whole nodes (address book, connection manager, sync actor, in-memory block store) in one process over
/// real loopback sockets: a node that mined a regtest chain is synced by the others, a heavier fork elsewhere
/// reorganises them, and a transaction travels from one end to the other.</summary>
public sealed class SyncNodesTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly List<string> _dirs = [];

    public SyncNodesTests(Xunit.Abstractions.ITestOutputHelper output) : base("akka.loglevel = WARNING", output) { }

    private TestNode StartNode(string name, IReadOnlyList<IPEndPoint>? connect = null, IBlockStore? store = null)
    {
        var dir = Directory.CreateTempSubdirectory($"sync-{name}-").FullName;
        _dirs.Add(dir);
        return TestNode.Start(Sys, name, dir, s => s with { Connect = connect ?? [] }, store: store);
    }

    private static Task<IPEndPoint> ListenEndpoint(TestNode node) => node.ListenEndpointAsync(Patience);

    private static async Task<ChainTips> Tips(TestNode node) => await node.Sync.Ask<ChainTips>(GetChainTips.Instance, Patience);

    private async Task AwaitTip(TestNode node, Hash256 hash, int height) =>
        await AwaitAssertAsync(async () =>
        {
            var tips = await Tips(node);
            Assert.Equal((height, hash), (tips.BestBlock.Height, tips.BestBlock.Hash));
        }, Patience, TimeSpan.FromMilliseconds(100));

    private static async Task<IReadOnlyList<Hash256>> Mine(TestNode node, int count)
    {
        var mined = await node.Sync.Ask<BlocksMined>(new MineBlocks(count), Patience);
        Assert.Null(mined.Error);
        Assert.Equal(count, mined.Hashes.Count);
        return mined.Hashes;
    }

    [Fact]
    public async Task AChainOf1500Blocks_IsSyncedByTwoNodes_AndANewBlockReachesBoth()
    {
        var a = StartNode("a");
        var mined = await Mine(a, 1500);
        var tipA = await Tips(a);
        Assert.Equal(1500, tipA.BestBlock.Height);
        var endpointA = await ListenEndpoint(a);

        var b = StartNode("b", connect: [endpointA]);
        var endpointB = await ListenEndpoint(b);
        var c = StartNode("c", connect: [endpointA, endpointB]);
        await AwaitTip(b, mined[^1], 1500);
        await AwaitTip(c, mined[^1], 1500);

        // Every block is stored, byte for byte as mined.
        foreach (var hash in new[] { mined[0], mined[749], mined[^1] })
        {
            Assert.True(b.Store.TryReadBlock(hash, out var atB));
            Assert.True(a.Store.TryReadBlock(hash, out var atA));
            Assert.Equal(atA, atB);
        }

        // A block mined on b is announced and reaches a and c.
        var next = await Mine(b, 1);
        await AwaitTip(a, next[0], 1501);
        await AwaitTip(c, next[0], 1501);
    }

    [Fact]
    public async Task AHeavierForkMinedElsewhere_ReorganisesTheNode()
    {
        var a = StartNode("ra");
        var common = await Mine(a, 20);
        var b = StartNode("rb");
        // b gets the common chain by hand, then both extend it on their own: a by 3 blocks, b by 6.
        foreach (var hash in common)
        {
            var data = await a.Sync.Ask<BlockData>(new GetBlockData(hash), Patience);
            var submitted = await b.Sync.Ask<BlockSubmitted>(new SubmitBlock(Block.Parse(data.Raw!)), Patience);
            Assert.Null(submitted.Error);
        }
        var shortFork = await Mine(a, 3);
        var longFork = await Mine(b, 6);
        await AwaitTip(a, shortFork[^1], 23);

        // Connected, a learns b's heavier chain, takes it and gives up its own three blocks.
        var endpointB = await ListenEndpoint(b);
        a.Manager.Tell(new AddNode(endpointB));
        await AwaitTip(a, longFork[^1], 26);
        var tips = await a.Sync.Ask<ChainTips>(GetChainTips.WithAllForks, Patience);
        var stale = Assert.Single(tips.OtherTips);
        Assert.Equal(shortFork[^1], stale.Hash);
        Assert.False(stale.OnBestChain);
    }

    [Fact]
    public async Task ATransaction_TravelsFromOneEndToTheOther_AndLeavesThePoolsWhenMined()
    {
        var a = StartNode("ta");
        await Mine(a, 5);
        var endpointA = await ListenEndpoint(a);
        var b = StartNode("tb", connect: [endpointA]);
        var endpointB = await ListenEndpoint(b);
        var c = StartNode("tc", connect: [endpointB]);
        var tip = (await Tips(a)).BestBlock;
        await AwaitTip(c, tip.Hash, 5);

        // A real mainnet witness transaction: structurally valid, and the pool has no UTXO set to say otherwise.
        var real = Block.Parse(File.ReadAllBytes(ActorNode.Wire.Tests.TestData.PathOf(
            "block-0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2.blk")));
        var tx = real.Transactions.Skip(1).First(t => t.HasWitness);
        var submitted = await c.Sync.Ask<TransactionSubmitted>(new SubmitTransaction(tx), Patience);
        Assert.Null(submitted.Error);

        await AwaitAssertAsync(async () =>
        {
            var pool = await a.Sync.Ask<MempoolContent>(GetMempool.Instance, Patience);
            Assert.Equal(tx.Wtxid, Assert.Single(pool.Items).Wtxid);
        }, Patience, TimeSpan.FromMilliseconds(100));

        // a mines it; the block reaches c, whose pool then lets it go.
        var mined = await Mine(a, 1);
        await AwaitTip(c, mined[0], 6);
        var block = await c.Sync.Ask<BlockData>(new GetBlockData(mined[0]), Patience);
        Assert.Contains(Block.Parse(block.Raw!).Transactions, t => t.Wtxid == tx.Wtxid);
        Assert.Empty((await c.Sync.Ask<MempoolContent>(GetMempool.Instance, Patience)).Items);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        foreach (var dir in _dirs)
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }
}
