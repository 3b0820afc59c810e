using System.Diagnostics;
using System.Security.Cryptography;
using ActorNode.Fuzz.Targets;
using ActorNode.Wire;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using Xunit.Abstractions;

namespace ActorNode.Fuzz.Tests;

/// <summary>The CI smoke run of the fuzz targets (docs/fuzzing.md): every committed seed and crash input keeps the
/// contract, and a short seeded mutation loop per target finds no new break. The long coverage-guided runs are
/// tests/ActorNode.Fuzz/fuzz.sh (AFL++).</summary>
public sealed class FuzzSmokeTests(ITestOutputHelper output)
{
    /// <summary>Wall-clock budget of one target's mutation loop; six targets stay well under a minute.</summary>
    private static readonly TimeSpan LoopBudget = TimeSpan.FromSeconds(3);
    private const int MaxIterations = 40_000;

    /// <summary>One input that runs this long is a hang (AFL++ runs use a far tighter -t).</summary>
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(10);

    public static TheoryData<string> Targets() => [.. FuzzTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void EveryTarget_HasASeedCorpus(string target)
    {
        Assert.NotEmpty(Inputs.Corpus(target));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void CorpusAndCrashInputs_KeepTheContract(string target)
    {
        var fuzzTarget = FuzzTargets.Get(target);
        var inputs = Inputs.Corpus(target).Concat(Inputs.Crashes(target)).ToList();
        RunGuarded(fuzzTarget, inputs.Select(i => (i.Name, i.Bytes)));
        output.WriteLine($"{target}: {inputs.Count} inputs replayed");
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void SeededMutationLoop_FindsNoContractBreak(string target)
    {
        var fuzzTarget = FuzzTargets.Get(target);
        // Mutate the corpus only: the crash inputs are replayed above, and the large ones (14 KB of garbage for the
        // JSON readers) would slow every mutation of them down for little new.
        var pool = Inputs.Corpus(target).Select(i => i.Bytes).ToList();
        Assert.NotEmpty(pool);
        // A fixed seed per target: a failure reproduces with the same inputs in the same order.
        var mutator = new Mutator(StableSeed(target));
        var random = new Random(StableSeed(target) ^ 0x5eed);
        var clock = Stopwatch.StartNew();
        int iterations = 0;
        IEnumerable<(string, byte[])> Generate()
        {
            while (iterations < MaxIterations && clock.Elapsed < LoopBudget)
            {
                iterations++;
                yield return ($"mutation #{iterations}", mutator.Mutate(pool[random.Next(pool.Count)], pool));
            }
        }
        RunGuarded(fuzzTarget, Generate());
        output.WriteLine($"{target}: {iterations:N0} mutated inputs in {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(iterations > 0);
    }

    [Fact]
    public void RealMainnetBlocks_KeepTheBlockAndFrameContracts()
    {
        // The two large real blocks of shared/data (1.2 MB and 2.2 MB, witness-heavy) are too big for the committed
        // corpus, so they are checked here: decode + rebuild round trip, and framing in 1,000-byte chunks.
        string data = Inputs.SharedData();
        var encoder = new MessageEncoder(WireContexts.MainNetMagic);
        var inputs = new List<(string, byte[])>();
        foreach (string file in Directory.EnumerateFiles(data, "block-*.blk").Order(StringComparer.Ordinal))
        {
            byte[] bytes = File.ReadAllBytes(file);
            inputs.Add((Path.GetFileName(file), bytes));
            FuzzContract.Check(new BlockTarget(), bytes);
            byte[] frame = encoder.Encode(new BlockMessage(Block.Parse(bytes)), WireContext.Latest);
            FuzzContract.Check(new FrameTarget(), [0x10, 249, .. frame]); // chunks of 250 bytes
        }
        Assert.Equal(2, inputs.Count);
    }

    [Fact]
    public void TheContract_RejectsAForeignException()
    {
        // The harness itself: an exception other than the target's own error is a contract break.
        var broken = new ThrowingTarget();
        var e = Assert.Throws<FuzzContractException>(() => FuzzContract.Check(broken, [1, 2, 3]));
        Assert.Contains("NullReferenceException", e.Message);
    }

    [Fact]
    public void TheContract_RejectsAllocationFromAnUntrustedLength()
    {
        // A decoder that allocates what a 4-byte length claims, before the bytes are there, breaks the bound.
        var e = Assert.Throws<FuzzContractException>(() => FuzzContract.Check(new GreedyTarget(), [0x00, 0x00, 0x40, 0x00]));
        Assert.Contains("allocated", e.Message);
    }

    private void RunGuarded(FuzzTarget target, IEnumerable<(string Name, byte[] Bytes)> inputs)
    {
        // The inputs run on their own thread, so a hang is reported (with its input) instead of stalling CI.
        (string Name, byte[] Bytes)? current = null;
        long startedAt = 0;
        Exception? failure = null;
        var worker = new Thread(() =>
        {
            try
            {
                foreach (var input in inputs)
                {
                    Volatile.Write(ref startedAt, Stopwatch.GetTimestamp());
                    current = input;
                    FuzzContract.Check(target, input.Bytes);
                }
                current = null;
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, 16 * 1024 * 1024) { IsBackground = true, Name = $"fuzz-{target.Name}" };
        worker.Start();
        while (!worker.Join(100))
        {
            var running = Stopwatch.GetElapsedTime(Volatile.Read(ref startedAt));
            if (current is { } hung && running > HangLimit)
                Assert.Fail($"{target.Name}: {hung.Name} has run for {running.TotalSeconds:F0} s (a hang). {Describe(target, hung.Bytes)}");
        }
        if (failure is not null)
            Assert.Fail($"{target.Name}: {current?.Name}: {failure.Message}\n{Describe(target, current?.Bytes ?? [])}\n{failure.InnerException}");
    }

    private static string Describe(FuzzTarget target, byte[] input)
    {
        // Saved so it can be replayed (ActorNode.Fuzz replay) and, once fixed, committed under crashes/<target>/.
        string path = Path.Combine(Path.GetTempPath(), $"actornode-fuzz-{target.Name}-{Convert.ToHexString(SHA256.HashData(input))[..16].ToLowerInvariant()}");
        File.WriteAllBytes(path, input);
        string hex = Convert.ToHexString(input);
        return $"Input ({input.Length} bytes) saved to {path}: {(hex.Length > 2048 ? hex[..2048] + "..." : hex)}";
    }

    private static int StableSeed(string name) =>
        name.Aggregate(17, (h, c) => unchecked(h * 31 + c));

    private sealed class ThrowingTarget : FuzzTarget
    {
        public override string Name => "throwing";
        public override string Description => "throws NullReferenceException";
        public override bool IsExpected(Exception exception) => exception is WireException;
        public override void Run(ReadOnlySpan<byte> input) => throw new NullReferenceException();
    }

    private sealed class GreedyTarget : FuzzTarget
    {
        public override string Name => "greedy";
        public override string Description => "allocates a declared length up front";
        public override bool IsExpected(Exception exception) => exception is WireException;
        public override void Run(ReadOnlySpan<byte> input)
        {
            var buffer = new byte[BitConverter.ToInt32(input)]; // 4 MiB for a 4-byte input
            GC.KeepAlive(buffer);
        }
    }
}
