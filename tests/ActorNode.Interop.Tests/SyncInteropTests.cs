using System.Net;
using ActorNode.AddrBook.Persistence;
using ActorNode.Chain;
using ActorNode.Interop.Tests.Bcoin;
using ActorNode.P2P.Connections;
using ActorNode.P2P.Node;
using ActorNode.P2P.Sync;
using ActorNode.Storage.Blocks;
using ActorNode.Wire.Primitives;
using Akka.Actor;
using Xunit.Abstractions;

namespace ActorNode.Interop.Tests;

/// <summary>Issue 5's interop: a whole ActorNode node (address book, connection manager, sync actor, in-memory
/// block store) against real bcoin 1.0.2 nodes on regtest. ActorNode syncs a chain mined by bcoin (headers first),
/// bcoin syncs a chain mined by ActorNode (bcoin's getblocks path), a transaction crosses ActorNode between two
/// bcoin nodes, and a reorganisation made on bcoin is followed.</summary>
public sealed class SyncInteropTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly ITestOutputHelper _output;

    public SyncInteropTests(ITestOutputHelper output) : base("akka.loglevel = WARNING", output) => _output = output;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly List<string> _dirs = [];
    private readonly List<BcoinNode> _bcoins = [];

    private sealed record Node(IActorRef Manager, IActorRef Sync);

    private Node StartNode(string name, IReadOnlyList<IPEndPoint>? connect = null)
    {
        var dir = Directory.CreateTempSubdirectory($"interop-sync-{name}-").FullName;
        _dirs.Add(dir);
        var node = NodeActors.Start(Sys, new NodeSettings
        {
            AddrBookFile = PeersFile.InDirectory(dir),
            Sync = new SyncSettings
            {
                Chain = ChainParams.Regtest,
                OpenStore = () => new MemoryBlockStore(ChainParams.Regtest.Magic),
            },
            Connections = new ConnManagerSettings
            {
                Chain = ChainParams.Regtest,
                DataDirectory = dir,
                TargetOutbound = 0,
                Listen = [new IPEndPoint(IPAddress.Loopback, 0)],
                Connect = connect ?? [],
                RetryDuration = TimeSpan.FromMilliseconds(500),
                TrickleInterval = TimeSpan.FromMilliseconds(500),
            },
        }, name);
        var (manager, sync) = (node.ConnManager, node.Sync);
        return new Node(manager, sync);
    }

    private async Task<BcoinNode> StartBcoin()
    {
        var bcoin = await BcoinNode.StartAsync();
        _bcoins.Add(bcoin);
        return bcoin;
    }

    private async Task<IPEndPoint> ListenEndpoint(Node node)
    {
        IPEndPoint? endpoint = null;
        await AwaitAssertAsync(async () =>
            endpoint = Assert.Single((await node.Manager.Ask<ListeningOn>(GetListenEndpoints.Instance, Patience)).Endpoints), Patience);
        return endpoint!;
    }

    private async Task AwaitTip(Node node, Hash256 hash, int height) =>
        await AwaitAssertAsync(async () =>
        {
            var tips = await node.Sync.Ask<ChainTips>(GetChainTips.Instance, Patience);
            Assert.Equal((height, hash), (tips.BestBlock.Height, tips.BestBlock.Hash));
        }, Patience, TimeSpan.FromMilliseconds(200));

    [Fact]
    public async Task ActorNode_Syncs2000BlocksMinedByBcoin_AndFollowsABcoinReorganisation()
    {
        var bcoin = await StartBcoin();
        using var log = bcoin.AttachOutput(_output);
        var mined = await bcoin.MineAsync(2000);
        var node = StartNode("a", connect: [bcoin.P2PEndpoint]);
        await AwaitTip(node, mined[^1], 2000);

        // Every block as bcoin has it, byte for byte (spot checks across the chain, witness blocks included).
        foreach (int height in new[] { 1, 431, 432, 1000, 2000 })
        {
            var hash = await bcoin.GetBlockHashAsync(height);
            var ours = await node.Sync.Ask<BlockData>(new GetBlockData(hash), Patience);
            Assert.Equal(await bcoin.GetRawBlockAsync(hash), ours.Raw);
        }

        // bcoin drops its top 3 blocks and mines 5 others: we follow to the heavier branch.
        var (dropped, branch) = await bcoin.ReorgAsync(depth: 3, newBlocks: 5);
        await AwaitTip(node, branch[^1], 2002);
        var tips = await node.Sync.Ask<ChainTips>(GetChainTips.WithAllForks, Patience);
        Assert.Contains(tips.OtherTips, t => t.Hash == dropped[^1]);
        Assert.Empty(bcoin.MisbehaviourLines);
    }

    [Fact]
    public async Task Bcoin_Syncs2000BlocksMinedByActorNode()
    {
        var node = StartNode("b");
        var mined = await node.Sync.Ask<BlocksMined>(new MineBlocks(2000), Patience);
        Assert.Null(mined.Error);
        var endpoint = await ListenEndpoint(node);

        var bcoin = await StartBcoin();
        using var log = bcoin.AttachOutput(_output);
        await bcoin.AddNodeAsync(endpoint);
        await bcoin.WaitForHeightAsync(2000, Patience);
        Assert.Equal(mined.Hashes[^1], await bcoin.GetBestBlockHashAsync());
        Assert.Empty(bcoin.MisbehaviourLines);
    }

    [Fact]
    public async Task ATransaction_FromOneBcoin_ReachesAnotherThroughActorNode()
    {
        var sender = await StartBcoin();
        using var log = sender.AttachOutput(_output);
        var mined = await sender.MineAsync(110); // coinbase maturity 100
        var node = StartNode("c", connect: [sender.P2PEndpoint]);
        await AwaitTip(node, mined[^1], 110);
        var endpoint = await ListenEndpoint(node);

        // The receiver knows only ActorNode.
        var receiver = await StartBcoin();
        await receiver.AddNodeAsync(endpoint);
        await receiver.WaitForHeightAsync(110, Patience);

        var txid = await sender.SendToAddressAsync(await receiver.GetWalletAddressAsync(), 1.5m);
        await AwaitAssertAsync(async () =>
        {
            var pool = await node.Sync.Ask<MempoolContent>(GetMempool.Instance, Patience);
            Assert.Contains(pool.Items, i => i.Txid == txid);
        }, Patience, TimeSpan.FromMilliseconds(200));
        await receiver.WaitUntilAsync(async () => (await receiver.GetRawMempoolAsync()).Contains(txid), Patience,
            $"transaction {txid} in the receiving bcoin's mempool");
        Assert.Empty(sender.MisbehaviourLines);
        Assert.Empty(receiver.MisbehaviourLines);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        foreach (var bcoin in _bcoins)
            bcoin.DisposeAsync().GetAwaiter().GetResult(); // xunit 2 has no async Dispose for test classes
        foreach (var dir in _dirs)
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }
}
