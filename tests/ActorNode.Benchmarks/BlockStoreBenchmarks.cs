using ActorNode.Storage.Blocks;
using ActorNode.Wire.Primitives;
using ActorNode.Wire.Tests;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;

namespace ActorNode.Benchmarks;

/// <summary>Each invocation does real I/O (fsync) on a fresh store, so one invocation per iteration and no
/// warm-up heuristics: the Monitoring strategy, five measured iterations. In process: these are I/O-bound, and the
/// generated project's build timed out (2 minutes) on the loaded 2-core machine.</summary>
public sealed class StoreConfig : ManualConfig
{
    public StoreConfig()
    {
        AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(5)
            .WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance));
        AddColumn(BenchmarkDotNet.Columns.StatisticColumn.Median);
    }
}

/// <summary>The durable block store (docs/storage.md, ADR 0002) with real mainnet blocks: mainnet 1–255
/// (58.7 KB in all), and the three large ones (277,647, 540,107, 574,200: 3.65 MB in all). Per block: write one at
/// a time (append, fsync, synced index commit each), write in batches (one fsync and one commit per batch), read
/// back verified. Per store: load 100,000 headers at start (open + <see cref="IBlockStore.LoadHeaders"/>), put
/// them (batches of 2,000, a headers message each). The bytes on disk per block are printed by the setup.</summary>
[Config(typeof(StoreConfig))]
public class BlockStoreBenchmarks
{
    private const uint Magic = 0xD9B4BEF9;
    private const int HeaderCount = 100_000;

    private readonly List<(Hash256 Hash, HeaderEntry Entry, byte[] Raw)> small = [];
    private readonly List<(Hash256 Hash, HeaderEntry Entry, byte[] Raw)> large = [];
    private HeaderEntry[] headers = [];
    private string root = "";
    private string readDir = "";
    private string headersDir = "";
    private BlockStore? store;
    private BlockStore? readStore;
    private int run;

    [GlobalSetup]
    public void Setup()
    {
        root = Path.Combine(Path.GetTempPath(), "actornode-storebench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        int height = 1;
        foreach (var raw in TestData.ReadFramedBlocks(TestData.Blocks1To255))
            small.Add(Item(raw, height++));
        large.Add(Item(TestData.ReadFramedBlocks(TestData.Block277647).Single(), 277_647));
        large.Add(Item(TestData.ReadAllBytes(TestData.Block540107), 540_107));
        large.Add(Item(TestData.ReadAllBytes(TestData.Block574200), 574_200));

        // A chain of 100,000 headers (real hashes of made-up headers), stored once for the load benchmark.
        headers = new HeaderEntry[HeaderCount];
        var previous = Hash256.Zero;
        var random = new Random(1);
        var merkle = new byte[32];
        for (int i = 0; i < HeaderCount; i++)
        {
            random.NextBytes(merkle);
            var header = new BlockHeader(0x20000000, previous, new Hash256(merkle), 1_600_000_000u + (uint)i * 600, 0x1d00ffff, (uint)i);
            previous = header.GetHash();
            headers[i] = new HeaderEntry(previous, header, i, 3);
        }
        headersDir = Path.Combine(root, "headers");
        using (var s = BlockStore.Open(headersDir, Magic))
            PutHeaders(s);

        readDir = Path.Combine(root, "read");
        using (var s = BlockStore.Open(readDir, Magic))
        {
            var all = small.Concat(large).ToList();
            s.PutHeaders(all.Select(b => b.Entry));
            s.StoreBlocks(all.Select(b => (b.Hash, (ReadOnlyMemory<byte>)b.Raw)));
        }
        ReportBytesOnDisk();
        readStore = BlockStore.Open(readDir, Magic);
    }

    private static (Hash256, HeaderEntry, byte[]) Item(byte[] raw, int height)
    {
        var header = BlockHeader.Parse(raw.AsSpan(0, 80));
        var hash = header.GetHash();
        return (hash, new HeaderEntry(hash, header, height, 1), raw);
    }

    private void PutHeaders(IBlockStore s)
    {
        foreach (var chunk in headers.Chunk(2000))
            s.PutHeaders(chunk);
    }

    private void ReportBytesOnDisk()
    {
        long raw = small.Concat(large).Sum(b => (long)b.Raw.Length);
        int blocks = small.Count + large.Count;
        long flat = Directory.GetFiles(readDir, "blk*.dat").Sum(f => new FileInfo(f).Length);
        long index = Directory.GetFiles(Path.Combine(readDir, BlockStore.IndexDirectoryName)).Sum(f => new FileInfo(f).Length);
        long headerIndex = Directory.GetFiles(Path.Combine(headersDir, BlockStore.IndexDirectoryName)).Sum(f => new FileInfo(f).Length);
        Console.WriteLine($"// bytes on disk: {blocks} blocks, {raw} raw bytes; flat files {flat} (+{(flat - raw) / (double)blocks:F1} per block); " +
                          $"index folder {index} ({index / (double)blocks:F0} per block, incl. RocksDB's fixed files); " +
                          $"100,000 headers: index folder {headerIndex} ({headerIndex / (double)HeaderCount:F1} per header)");
    }

    [IterationSetup(Targets = [nameof(WriteSmallOneByOne), nameof(WriteSmallBatched), nameof(WriteLargeOneByOne), nameof(PutHeaders100k)])]
    public void FreshStore()
    {
        store?.Dispose();
        store = BlockStore.Open(Path.Combine(root, $"w{run++}"), Magic);
        store.PutHeaders(small.Concat(large).Select(b => b.Entry));
    }

    [IterationCleanup(Targets = [nameof(WriteSmallOneByOne), nameof(WriteSmallBatched), nameof(WriteLargeOneByOne), nameof(PutHeaders100k)])]
    public void DropStore()
    {
        string dir = store!.Directory;
        store.Dispose();
        store = null;
        Directory.Delete(dir, recursive: true);
    }

    /// <summary>255 small blocks, each durable on its own (2 fsyncs: flat file, index WAL).</summary>
    [Benchmark(OperationsPerInvoke = 255)]
    public void WriteSmallOneByOne()
    {
        foreach (var b in small)
            store!.StoreBlock(b.Hash, b.Raw);
    }

    /// <summary>255 small blocks in batches of 16 (one fsync and one commit per batch).</summary>
    [Benchmark(OperationsPerInvoke = 255)]
    public void WriteSmallBatched()
    {
        foreach (var chunk in small.Chunk(16))
            store!.StoreBlocks(chunk.Select(b => (b.Hash, (ReadOnlyMemory<byte>)b.Raw)));
    }

    /// <summary>The three large blocks (3.65 MB), one at a time: MB/s = 3.65 / (3 × mean).</summary>
    [Benchmark(OperationsPerInvoke = 3)]
    public void WriteLargeOneByOne()
    {
        foreach (var b in large)
            store!.StoreBlock(b.Hash, b.Raw);
    }

    /// <summary>Read back and verify (CRC-32C, header hash) all 258 blocks (3.71 MB).</summary>
    [Benchmark(OperationsPerInvoke = 258)]
    public long ReadAll()
    {
        long total = 0;
        foreach (var b in small.Concat(large))
        {
            readStore!.TryReadBlock(b.Hash, out var raw);
            total += raw.Length;
        }
        return total;
    }

    /// <summary>Start-up: open the store and load 100,000 headers in height order.</summary>
    [Benchmark]
    public int LoadHeaders100k()
    {
        using var s = BlockStore.Open(headersDir, Magic);
        return s.LoadHeaders().Count;
    }

    /// <summary>100,000 headers put in 50 synced batches of 2,000.</summary>
    [Benchmark]
    public void PutHeaders100k() => PutHeaders(store!);

    [GlobalCleanup]
    public void Cleanup()
    {
        store?.Dispose();
        readStore?.Dispose();
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
