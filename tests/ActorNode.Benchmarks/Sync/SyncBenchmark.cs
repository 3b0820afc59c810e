using System.Diagnostics;
using System.Globalization;
using System.Net;
using ActorNode.AddrBook.Persistence;
using ActorNode.Benchmarks.Scale;
using ActorNode.Chain;
using ActorNode.Interop.Tests.Bcoin;
using ActorNode.P2P.Connections;
using ActorNode.P2P.Node;
using ActorNode.P2P.Sync;
using ActorNode.Storage.Blocks;
using ActorNode.Wire.Primitives;
using Akka.Actor;

namespace ActorNode.Benchmarks.Sync;

/// <summary>Initial block download speed over loopback (issue 5), <c>sync --blocks N</c>:
/// <list type="number">
/// <item>ActorNode syncing N regtest blocks mined by another ActorNode in the same process, into a
/// <see cref="MemoryBlockStore"/> and into an on-disk <see cref="BlockStore"/> (bytes on disk per block);</item>
/// <item>ActorNode syncing N blocks mined by bcoin 1.0.2 (both stores);</item>
/// <item>bcoin syncing the same chain from bcoin (two bcoin processes, in-memory chains: bcoin's own figure to
/// compare with).</item>
/// </list>
/// The blocks are regtest blocks with a coinbase only (about 200 bytes): the figures measure the per-block cost of
/// the sync (messages, header and block checks, store, actor hops), not byte throughput. With <c>--tx-blocks M</c>
/// (default 600) a fourth row has ActorNode sync M blocks that each carry <c>--txs</c> (default 5) real mainnet
/// transactions (from block 574,200 in ../shared/data; the relay pool takes them without a UTXO set).
/// <c>--no-bcoin</c> skips the bcoin rows. <c>--v2</c> (issue 12) runs the ActorNode ← ActorNode in-memory rows
/// twice, over v1 and over BIP324 v2 (the source has v2 on and detects either; the target dials v1 or v2), and
/// every row reports the process CPU time per block (both nodes are in this process).</summary>
internal static class SyncBenchmark
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(10);

    private sealed record Row(string Scenario, string Store, int Blocks, long Bytes, TimeSpan Elapsed, long? DiskBytes,
        TimeSpan Cpu = default, string Transport = "v1");

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Scale.CommandLine(args);
        int blocks = options.Int("blocks", 10_000);
        int txBlocks = options.Int("tx-blocks", 600);
        int txs = options.Int("txs", 5);
        bool bcoin = options.String("no-bcoin") is null;
        bool v2 = options.String("v2") is not null;
        var rows = new List<Row>();
        var config = Akka.Configuration.ConfigurationFactory.ParseString("akka.loglevel = WARNING");
        using var temp = new TempDirs();

        // (a) ActorNode -> ActorNode.
        using (var system = ActorSystem.Create("sync-bench", config))
        {
            var source = StartNode(system, "source", temp.New("source"), () => new MemoryBlockStore(ChainParams.Regtest.Magic), [], v2);
            var clock = Stopwatch.StartNew();
            var tip = await MineAsync(source, blocks);
            Log($"ActorNode mined {blocks} blocks in {clock.Elapsed.TotalSeconds:F1} s");
            var endpoint = await ListenEndpoint(source);
            long bytes = await ChainBytes(source, blocks);
            rows.Add(await SyncActorNodeAsync(system, "ActorNode <- ActorNode", "memory", endpoint, tip, blocks, bytes, temp, disk: false));
            if (v2)
            {
                // Alternate v2 and v1 a second time, so a drift of the shared machine's load hits both.
                rows.Add(await SyncActorNodeAsync(system, "ActorNode <- ActorNode", "memory", endpoint, tip, blocks, bytes, temp, disk: false, v2: true));
                rows.Add(await SyncActorNodeAsync(system, "ActorNode <- ActorNode", "memory", endpoint, tip, blocks, bytes, temp, disk: false, v2: true));
                rows.Add(await SyncActorNodeAsync(system, "ActorNode <- ActorNode", "memory", endpoint, tip, blocks, bytes, temp, disk: false));
            }
            rows.Add(await SyncActorNodeAsync(system, "ActorNode <- ActorNode", "disk", endpoint, tip, blocks, bytes, temp, disk: true));

            if (txBlocks > 0)
            {
                var withTxs = StartNode(system, "txsource", temp.New("txsource"), () => new MemoryBlockStore(ChainParams.Regtest.Magic), [], v2);
                var (txTip, included) = await MineWithTransactionsAsync(withTxs, txBlocks, txs);
                var txEndpoint = await ListenEndpoint(withTxs);
                long txBytes = await ChainBytes(withTxs, txBlocks);
                var label = $"ActorNode <- ActorNode, {included / (double)txBlocks:F1} mainnet txs/block";
                rows.Add(await SyncActorNodeAsync(system, label, "memory", txEndpoint, txTip, txBlocks, txBytes, temp, disk: false));
                if (v2)
                {
                    rows.Add(await SyncActorNodeAsync(system, label, "memory", txEndpoint, txTip, txBlocks, txBytes, temp, disk: false, v2: true));
                    rows.Add(await SyncActorNodeAsync(system, label, "memory", txEndpoint, txTip, txBlocks, txBytes, temp, disk: false, v2: true));
                    rows.Add(await SyncActorNodeAsync(system, label, "memory", txEndpoint, txTip, txBlocks, txBytes, temp, disk: false));
                }
                rows.Add(await SyncActorNodeAsync(system, label, "disk", txEndpoint, txTip, txBlocks, txBytes, temp, disk: true));
            }
            await system.Terminate();
        }

        // (b) bcoin -> ActorNode, (c) bcoin -> bcoin.
        if (bcoin)
        {
            await using var miner = await BcoinNode.StartAsync();
            var clock = Stopwatch.StartNew();
            for (int left = blocks; left > 0; left -= Math.Min(left, 1000)) await miner.MineAsync(Math.Min(left, 1000));
            var tip = await miner.GetBestBlockHashAsync();
            Log($"bcoin mined {blocks} blocks in {clock.Elapsed.TotalSeconds:F1} s");
            using (var system = ActorSystem.Create("sync-bench-bcoin", config))
            {
                var memory = await SyncActorNodeAsync(system, "ActorNode <- bcoin", "memory", miner.P2PEndpoint, tip, blocks, 0, temp,
                    disk: false, keep: true);
                rows.Add(memory.Row with { Bytes = await ChainBytes(memory.Node!, blocks) });
                await memory.Node!.StopAsync();
                rows.Add(await SyncActorNodeAsync(system, "ActorNode <- bcoin", "disk", miner.P2PEndpoint, tip, blocks,
                    rows[^1].Bytes, temp, disk: true));
                await system.Terminate();
            }

            await using var follower = await BcoinNode.StartAsync(new BcoinOptions { Wallet = false });
            clock = Stopwatch.StartNew();
            await follower.AddNodeAsync(miner.P2PEndpoint);
            await follower.WaitForHeightAsync(blocks, Patience);
            rows.Add(new Row("bcoin <- bcoin", "bcoin memory", blocks, rows[^1].Bytes, clock.Elapsed, null));
        }

        Print(rows);
        return 0;
    }

    private static async Task<Row> SyncActorNodeAsync(ActorSystem system, string scenario, string storeKind,
        IPEndPoint source, Hash256 tip, int blocks, long bytes, TempDirs temp, bool disk, bool v2 = false) =>
        (await SyncActorNodeAsync(system, scenario, storeKind, source, tip, blocks, bytes, temp, disk, keep: false, v2)).Row;

    /// <summary>Starts a fresh node that dials <paramref name="source"/> and times it from its start to its best block
    /// being <paramref name="tip"/>; then stops it (unless <paramref name="keep"/>).</summary>
    private static async Task<(Row Row, Node? Node)> SyncActorNodeAsync(ActorSystem system, string scenario, string storeKind,
        IPEndPoint source, Hash256 tip, int blocks, long bytes, TempDirs temp, bool disk, bool keep, bool v2 = false)
    {
        var dir = temp.New("target");
        var storeDir = Path.Combine(dir, "blocks");
        Func<IBlockStore> open = disk
            ? () => BlockStore.Open(storeDir, ChainParams.Regtest.Magic)
            : () => new MemoryBlockStore(ChainParams.Regtest.Magic);
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var node = StartNode(system, $"target-{Guid.NewGuid():N}", dir, open, [source], v2);
        while (true)
        {
            var tips = await node.Sync.Ask<ChainTips>(GetChainTips.Instance, Patience);
            if (tips.BestBlock.Hash == tip) break;
            if (clock.Elapsed > Patience) throw new TimeoutException($"{scenario}: at {tips.BestBlock.Height} of {blocks} after {Patience}");
            await Task.Delay(5);
        }
        var elapsed = clock.Elapsed;
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        string transport = v2 ? "v2" : "v1";
        Log($"{scenario} ({storeKind}, {transport}): {blocks} blocks in {elapsed.TotalSeconds:F2} s, CPU {cpu.TotalSeconds:F2} s");
        if (keep) return (new Row(scenario, storeKind, blocks, bytes, elapsed, null, cpu, transport), node);
        await node.StopAsync();
        long? diskBytes = disk ? DirectorySize(storeDir) : null;
        return (new Row(scenario, storeKind, blocks, bytes, elapsed, diskBytes, cpu, transport), null);
    }

    private sealed record Node(NodeActors Actors)
    {
        public IActorRef Manager => Actors.ConnManager;
        public IActorRef Sync => Actors.Sync;

        public Task StopAsync() => Actors.StopAsync(TimeSpan.FromSeconds(30)); // the sync actor closes the store
    }

    private static Node StartNode(ActorSystem system, string name, string dir, Func<IBlockStore> openStore, IReadOnlyList<IPEndPoint> connect, bool v2 = false) =>
        new(NodeActors.Start(system, new NodeSettings
        {
            AddrBookFile = PeersFile.InDirectory(dir),
            Sync = new SyncSettings { Chain = ChainParams.Regtest, OpenStore = openStore },
            Connections = new ConnManagerSettings
            {
                Chain = ChainParams.Regtest,
                DataDirectory = dir,
                TargetOutbound = 0,
                Listen = [new IPEndPoint(IPAddress.Loopback, 0)],
                Connect = connect,
                V2Transport = v2,
            },
        }, name));

    private static async Task<IPEndPoint> ListenEndpoint(Node node)
    {
        for (int i = 0; ; i++)
        {
            var listening = await node.Manager.Ask<ListeningOn>(GetListenEndpoints.Instance, Patience);
            if (listening.Endpoints.Count > 0) return listening.Endpoints[0];
            if (i > 500) throw new TimeoutException("the node does not listen");
            await Task.Delay(10);
        }
    }

    private static async Task<Hash256> MineAsync(Node node, int blocks)
    {
        Hash256 tip = default;
        for (int left = blocks; left > 0; left -= Math.Min(left, 1000))
        {
            var mined = await node.Sync.Ask<BlocksMined>(new MineBlocks(Math.Min(left, 1000)), Patience);
            if (mined.Error is not null) throw new InvalidOperationException(mined.Error);
            tip = mined.Hashes[^1];
        }
        return tip;
    }

    /// <summary>Mines <paramref name="blocks"/> blocks, each with <paramref name="perBlock"/> real transactions put
    /// into the relay pool first.</summary>
    private static async Task<(Hash256 Tip, int Transactions)> MineWithTransactionsAsync(Node node, int blocks, int perBlock)
    {
        var real = Block.Parse(ActorNode.Wire.Tests.TestData.ReadAllBytes("block-0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2.blk"));
        // Only transactions final at any height: a mainnet lock time (height ~574,000) is not final on a young
        // regtest chain, and the pool does not check finality (the mined block would be invalid).
        using var pending = real.Transactions.Skip(1).Where(t => t.LockTime == 0).GetEnumerator();
        Hash256 tip = default;
        int refused = 0, included = 0;
        for (int b = 0; b < blocks; b++)
        {
            for (int added = 0; added < perBlock && pending.MoveNext();)
            {
                var submitted = await node.Sync.Ask<TransactionSubmitted>(new SubmitTransaction(pending.Current), Patience);
                if (submitted.Error is null) { added++; included++; }
                else refused++;
            }
            var mined = await node.Sync.Ask<BlocksMined>(new MineBlocks(1), Patience);
            if (mined.Error is not null) throw new InvalidOperationException(mined.Error);
            tip = mined.Hashes[0];
        }
        if (refused > 0) Log($"the pool refused {refused} of the mainnet transactions");
        if (!pending.MoveNext()) Log($"ran out of final mainnet transactions: {included} in {blocks} blocks");
        return (tip, included);
    }

    /// <summary>The serialised size of blocks 1..<paramref name="height"/> of the node's best chain.</summary>
    private static async Task<long> ChainBytes(Node node, int height)
    {
        long bytes = 0;
        for (int h = 1; h <= height; h++)
        {
            var info = (await node.Sync.Ask<BlockInfoAnswer>(new GetBlockAtHeight(h), Patience)).Block
                ?? throw new InvalidOperationException($"no block at {h}");
            bytes += (await node.Sync.Ask<BlockData>(new GetBlockData(info.Hash), Patience)).Raw!.Length;
        }
        return bytes;
    }

    private static long DirectorySize(string dir) =>
        new DirectoryInfo(dir).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    private static void Print(IReadOnlyList<Row> rows)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine("| scenario | store | transport | blocks | block bytes (avg) | seconds | blocks/s | MB/s | CPU µs/block | store bytes on disk per block |");
        Console.WriteLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            double seconds = r.Elapsed.TotalSeconds;
            string disk = r.DiskBytes is { } d ? (d / (double)r.Blocks).ToString("N0", c) : "";
            string cpu = r.Cpu is { } t ? (t.TotalMilliseconds / r.Blocks).ToString("F3", c) : "";
            Console.WriteLine(string.Create(c,
                $"| {r.Scenario} | {r.Store} | {r.Transport} | {r.Blocks:N0} | {r.Bytes / (double)r.Blocks:N0} | {seconds:F2} | {r.Blocks / seconds:N0} | {r.Bytes / 1e6 / seconds:F2} | {(r.Cpu == default ? "" : (r.Cpu.TotalMicroseconds / r.Blocks).ToString("N0", c))} | {disk} |"));
        }
    }

    private static void Log(string line) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");

    private sealed class TempDirs : IDisposable
    {
        private readonly List<string> _dirs = [];

        public string New(string name)
        {
            var dir = Directory.CreateTempSubdirectory($"sync-bench-{name}-").FullName;
            _dirs.Add(dir);
            return dir;
        }

        public void Dispose()
        {
            foreach (var dir in _dirs)
                try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
