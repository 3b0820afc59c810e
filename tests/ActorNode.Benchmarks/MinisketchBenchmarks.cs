using ActorNode.Minisketch;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace ActorNode.Benchmarks;

/// <summary>In process (no per-benchmark project build), a few warmups, ten measured iterations.</summary>
public sealed class MinisketchConfig : ManualConfig
{
    public MinisketchConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10)
            .WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance));
        AddColumn(BenchmarkDotNet.Columns.StatisticColumn.Median);
    }
}

/// <summary>Adding one element to 32-bit sketches of capacity 32/64/128, with the PCLMULQDQ field (what
/// <see cref="Minisketch.Minisketch"/> uses where the CPU has it) and the portable one (libminisketch: "around 5 ns per
/// capacity and per set element" on an i7-7820HQ at 2.4 GHz).</summary>
[Config(typeof(MinisketchConfig))]
public class MinisketchAddBenchmarks
{
    private ulong[] _syndromes = [];
    private ulong _next = 0x9E3779B9;

    [Params(32, 64, 128)]
    public int Capacity { get; set; }

    [Params("clmul", "portable")]
    public string Multiply { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        if (Multiply == "clmul" && !Gf2.HasClmul) throw new InvalidOperationException("this CPU has no PCLMULQDQ");
        _syndromes = new ulong[Capacity];
    }

    [Benchmark]
    public void AddOneElement()
    {
        _next = _next * 6364136223846793005UL + 1442695040888963407UL;
        ulong element = (_next >> 32) | 1;
        if (Multiply == "clmul") PinSketch<Field32>.AddToOddSyndromes(_syndromes, element);
        else PinSketch<Field32Portable>.AddToOddSyndromes(_syndromes, element);
    }
}

/// <summary>Decode of 32-bit sketches holding DifferPercent of their capacity: 100 = a full sketch (the most a
/// reconciliation decodes), 50 = libminisketch's plot_capacity.png ("50% of capacity differs"). Sixteen different
/// sketches are decoded in turn so that no single polynomial decides the figure.</summary>
[Config(typeof(MinisketchConfig))]
public class MinisketchDecodeBenchmarks
{
    private Minisketch.Minisketch[] _sketches = [];
    private int _turn;

    [Params(32, 64, 128)]
    public int Capacity { get; set; }

    [Params(50, 100)]
    public int DifferPercent { get; set; }

    [Params("clmul", "portable")]
    public string Multiply { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        if (Multiply == "clmul" && !Gf2.HasClmul) throw new InvalidOperationException("this CPU has no PCLMULQDQ");
        var random = new Random(330);
        int differences = Capacity * DifferPercent / 100;
        _sketches = new Minisketch.Minisketch[16];
        for (int i = 0; i < _sketches.Length; i++)
        {
            var s = Minisketch.Minisketch.Create(32, Capacity);
            var set = new HashSet<uint>();
            while (set.Count < differences) set.Add((uint)random.NextInt64(1, 1L << 32));
            foreach (var e in set) s.Add(e);
            if (Decode(s)?.Length != differences) throw new InvalidOperationException("setup sketch does not decode");
            _sketches[i] = s;
        }
    }

    private ulong[]? Decode(Minisketch.Minisketch s) => Multiply == "clmul"
        ? PinSketch<Field32>.Decode(s.Syndromes, s.Capacity, s.Basis)
        : PinSketch<Field32Portable>.Decode(s.Syndromes, s.Capacity, s.Basis);

    [Benchmark]
    public int Decode() => Decode(_sketches[_turn++ & 15])?.Length ?? -1;
}
