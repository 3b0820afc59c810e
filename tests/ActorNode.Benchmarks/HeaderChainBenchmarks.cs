using ActorNode.Chain;
using ActorNode.Chain.Headers;
using ActorNode.Wire.Primitives;
using ActorNode.Wire.Tests;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace ActorNode.Benchmarks;

/// <summary>A short job: one process, two warmups, five measured iterations; a generous build timeout, as the
/// benchmark's own build competes with other work on a 2-core machine.</summary>
public sealed class HeaderChainConfig : ManualConfig
{
    public HeaderChainConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(5));
        AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);
        WithBuildTimeout(TimeSpan.FromMinutes(10));
    }
}

/// <summary>Headers validated and indexed per second (target: 1,000,000 on one core, bounded by double-SHA-256 of
/// 80 bytes). Each operation is one header, on one thread. <see cref="ProcessHeaders"/> is the figure: 200,000
/// mined regtest headers, decoded but not hashed (as a <c>headers</c> message delivers them), in batches of 2,000
/// into a new <see cref="HeaderChain"/>: hash (<see cref="HeaderHasher"/>, the whole batch at once), link check,
/// proof of work, difficulty, median time, versions, index insert, best-chain update; the time includes the garbage
/// collections the growing index causes. <see cref="DoubleSha256"/> is the one-at-a-time hash (OpenSSL) and
/// <see cref="BatchDoubleSha256"/> the batch hash alone; <see cref="Restore"/> is the start-up path (hash, link,
/// index, no rules); <see cref="RealMainnet255"/> the 255 real mainnet headers into a new chain (a small index).
/// </summary>
[Config(typeof(HeaderChainConfig))]
public class HeaderChainBenchmarks
{
    private const int Count = 200_000;
    private const int Batch = 2000;

    private List<BlockHeader> _headers = [];
    private List<BlockHeader>[] _batches = [];
    private List<StoredHeader> _stored = [];
    private byte[][] _raw = [];
    private List<BlockHeader> _mainnet = [];

    [GlobalSetup]
    public void Setup()
    {
        var genesis = ChainParams.Regtest.GenesisBlock.Header;
        var prev = ChainParams.Regtest.GenesisHash;
        uint time = genesis.Timestamp;
        var target = ProofOfWork.CompactToBig(genesis.Bits);
        _headers = new List<BlockHeader>(Count);
        for (int i = 0; i < Count; i++)
        {
            time += 60;
            var header = new BlockHeader(0x20000000, prev, prev, time, genesis.Bits, 0);
            while (header.GetHash().ToBigInteger() > target) header = header with { Nonce = header.Nonce + 1 };
            _headers.Add(header);
            prev = header.GetHash();
        }
        _batches = _headers.Chunk(Batch).Select(c => c.ToList()).ToArray();
        _stored = _headers.Select((h, i) => new StoredHeader(h, i + 1, BlockStatus.HeaderValid)).ToList();
        _raw = _headers.Select(h => h.ToArray()).ToArray();
        _mainnet = TestData.ReadFramedBlocks(TestData.Blocks1To255)
            .Select(b => BlockHeader.Parse(b.AsSpan(0, BlockHeader.Size))).ToList();
    }

    [Benchmark(OperationsPerInvoke = Count)]
    public int ProcessHeaders()
    {
        var chain = new HeaderChain(ChainParams.Regtest);
        foreach (var batch in _batches)
        {
            var result = chain.ProcessHeaders(batch);
            if (!result.IsSuccess) throw new InvalidOperationException(result.ToString());
        }
        return chain.BestHeader.Height;
    }

    [Benchmark(OperationsPerInvoke = Count)]
    public Hash256 DoubleSha256()
    {
        Hash256 last = default;
        foreach (var raw in _raw) last = Hash256.DoubleSha256(raw);
        return last;
    }

    /// <summary>The same hashes with <see cref="HeaderHasher"/>, 2,000 headers per call (the vector path).</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public Hash256 BatchDoubleSha256()
    {
        var hashes = _hashes;
        foreach (var batch in _batches) HeaderHasher.Hash(batch, hashes);
        return hashes[0];
    }

    private readonly Hash256[] _hashes = new Hash256[Batch];

    [Benchmark(OperationsPerInvoke = Count)]
    public int Restore()
    {
        var chain = new HeaderChain(ChainParams.Regtest);
        var result = chain.Restore(_stored);
        if (!result.IsSuccess) throw new InvalidOperationException(result.Error);
        return chain.BestHeader.Height;
    }

    /// <summary>The 255 real mainnet headers at difficulty 1 (mainnet rules without the minimum work).</summary>
    [Benchmark(OperationsPerInvoke = 255)]
    public int RealMainnet255()
    {
        var chain = new HeaderChain(ChainParams.Mainnet.WithMinimumChainWork(0));
        return chain.ProcessHeaders(_mainnet).Added;
    }
}
