using System.Net;
using ActorNode.Chain;
using ActorNode.P2P.Connections;
using ActorNode.P2P.Sync;
using ActorNode.Storage.Blocks;
using ActorNode.Wire.Primitives;
using Akka.Actor;

namespace ActorNode.P2P.Tests.Sync;

/// <summary>Issue 5, "a kill-and-restart during sync", in one process: node B syncs a 2,000-block chain from node A
/// into an on-disk <see cref="BlockStore"/>; while it is mid-sync its whole actor system is terminated (the sync
/// actor stops between two messages, whatever it was doing; its queued messages are dropped; the store is closed by
/// its PostStop), several times, and B is started again on the same folder. Between two lives the store is opened
/// directly and checked: every stored block reads back (checksum, header hash) and equals A's, the tip is a stored
/// block with all its ancestors stored, and it never goes back. B then carries on to A's tip. (Killing a process
/// with SIGKILL, where not even PostStop runs, is the console program's test.)</summary>
public sealed class RestartTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private const int ChainLength = 2000;
    private const int Stops = 3;
    private readonly List<string> _dirs = [];
    private readonly List<ActorSystem> _systems = [];

    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public RestartTests(Xunit.Abstractions.ITestOutputHelper output) : base("akka.loglevel = WARNING", output) => _output = output;

    private sealed record Node(ActorSystem System, IActorRef Manager, IActorRef Sync);

    private Node StartNode(ActorSystem system, string name, string dir, Func<IBlockStore> openStore, IReadOnlyList<IPEndPoint> connect)
    {
        var node = TestNode.Start(system, name, dir, s => s with { Connect = connect }, s => s with { OpenStore = openStore });
        return new Node(system, node.Manager, node.Sync);
    }

    private string TempDir(string name)
    {
        var dir = Directory.CreateTempSubdirectory($"restart-{name}-").FullName;
        _dirs.Add(dir);
        return dir;
    }

    private static async Task<ChainTips> Tips(Node node) => await node.Sync.Ask<ChainTips>(GetChainTips.Instance, Patience);

    [Fact]
    public async Task NodeStoppedAbruptlyMidSync_RestartsOnAConsistentStore_AndCarriesOnToTheTip()
    {
        var a = StartNode(Sys, "a", TempDir("a"), () => new MemoryBlockStore(ChainParams.Regtest.Magic), []);
        var mined = await a.Sync.Ask<BlocksMined>(new MineBlocks(ChainLength), Patience);
        Assert.Null(mined.Error);
        IPEndPoint? endpointA = null;
        await AwaitAssertAsync(async () =>
            endpointA = Assert.Single((await a.Manager.Ask<ListeningOn>(GetListenEndpoints.Instance, Patience)).Endpoints), Patience);
        var heightOf = mined.Hashes.Select((h, i) => (h, i + 1)).ToDictionary(p => p.h, p => p.Item2);
        heightOf[ChainParams.Regtest.GenesisHash] = 0;

        var dirB = TempDir("b");
        var storeDir = Path.Combine(dirB, "blocks");
        Func<IBlockStore> openStore = () => BlockStore.Open(storeDir, ChainParams.Regtest.Magic);

        int stored = 0; // the stored tip's height after the last stop
        var stopHeights = new List<int>();
        for (int life = 0; life <= Stops; life++)
        {
            var system = ActorSystem.Create($"b{life}", "akka.loglevel = WARNING");
            _systems.Add(system);
            var b = StartNode(system, "b", dirB, openStore, [endpointA!]);

            // B starts from what it stored: never below it, on A's chain.
            var start = await Tips(b);
            Assert.True(start.BestBlock.Height >= stored, $"life {life}: B restarted at {start.BestBlock.Height}, below its stored tip {stored}");
            if (stored > 0)
            {
                var atStored = (await b.Sync.Ask<BlockInfoAnswer>(new GetBlockAtHeight(stored), Patience)).Block;
                Assert.Equal(mined.Hashes[stored - 1], atStored?.Hash);
            }

            if (life == Stops)
            {
                await AwaitAssertAsync(async () =>
                {
                    var tips = await Tips(b);
                    Assert.Equal((ChainLength, mined.Hashes[^1]), (tips.BestBlock.Height, tips.BestBlock.Hash));
                }, Patience, TimeSpan.FromMilliseconds(100));
            }
            else
            {
                // Mid-sync: at or past the next quarter of the chain (500, 1,000, 1,500) and short of the tip.
                int height = 0, next = (life + 1) * ChainLength / (Stops + 1);
                await AwaitAssertAsync(async () =>
                {
                    height = (await Tips(b)).BestBlock.Height;
                    Assert.True(height >= next, $"B is at {height}, not yet at {next}");
                }, Patience, TimeSpan.FromMilliseconds(2));
                Assert.True(height < ChainLength, $"B finished the sync ({height}) before it could be stopped");
                stopHeights.Add(height);
            }
            await system.Terminate().WaitAsync(Patience);

            // The store, opened on its own: consistent, and not behind what B reported before the stop.
            var (tipHeight, blocks) = CheckStore(storeDir, heightOf, await BlocksOf(a, mined.Hashes));
            Assert.True(tipHeight >= stored, $"life {life}: the stored tip went back from {stored} to {tipHeight}");
            if (life < Stops) Assert.True(tipHeight >= stopHeights[^1], $"stored tip {tipHeight} below the height B reported, {stopHeights[^1]}");
            Assert.True(blocks >= tipHeight);
            _output.WriteLine($"life {life}: started at {start.BestBlock.Height}, stopped at {(life < Stops ? stopHeights[^1] : ChainLength)}, stored tip {tipHeight}, {blocks} blocks stored");
            stored = tipHeight;
        }
        Assert.Equal(ChainLength, stored);
        Assert.Equal(Stops, stopHeights.Count);
    }

    private Dictionary<Hash256, byte[]>? _blocksOfA;

    private async Task<Dictionary<Hash256, byte[]>> BlocksOf(Node a, IReadOnlyList<Hash256> hashes)
    {
        if (_blocksOfA is not null) return _blocksOfA;
        var blocks = new Dictionary<Hash256, byte[]>();
        foreach (var hash in hashes)
            blocks[hash] = (await a.Sync.Ask<BlockData>(new GetBlockData(hash), Patience)).Raw!;
        return _blocksOfA = blocks;
    }

    /// <summary>Every stored block reads back and is A's block at A's height; the tip is stored and so is every
    /// block below it. Returns the tip's height and the number of stored blocks.</summary>
    private static (int TipHeight, int Blocks) CheckStore(string storeDir, Dictionary<Hash256, int> heightOf,
        Dictionary<Hash256, byte[]> blocksOfA)
    {
        using var store = BlockStore.Open(storeDir, ChainParams.Regtest.Magic);
        var entries = store.LoadHeaders();
        int blocks = 0;
        var withData = new HashSet<int>();
        foreach (var entry in entries)
        {
            Assert.True(heightOf.TryGetValue(entry.Hash, out var height), $"unknown block {entry.Hash} in the index");
            Assert.Equal(height, entry.Height);
            if (!entry.HasData) continue;
            Assert.True(store.TryReadBlock(entry.Hash, out var raw), $"block {entry.Hash} at {height} does not read back");
            Assert.Equal(blocksOfA[entry.Hash], raw);
            withData.Add(height);
            blocks++;
        }
        if (store.Tip is not { } tip) return (0, blocks);
        var tipHeight = heightOf[tip];
        for (int h = 1; h <= tipHeight; h++)
            Assert.True(withData.Contains(h), $"the tip is at {tipHeight} but block {h} is not stored");
        return (tipHeight, blocks);
    }

    protected override void Dispose(bool disposing)
    {
        foreach (var system in _systems)
            system.Terminate().Wait(TimeSpan.FromSeconds(10));
        base.Dispose(disposing);
        foreach (var dir in _dirs)
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }
}
