using System.Diagnostics;
using ActorNode.Minisketch;

namespace ActorNode.Benchmarks;

/// <summary><c>minisketch</c> command: the same operations as <see cref="MinisketchDecodeBenchmarks"/> and
/// <see cref="MinisketchAddBenchmarks"/>, timed by the process's CPU time as well as the wall clock, so that a figure
/// taken on a loaded machine (other builds running) still says what one decode costs. Prints a table.</summary>
public static class MinisketchCpuBench
{
    public static int Run(string[] args)
    {
        double seconds = args.Length > 1 && args[0] == "--seconds" ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2;
        Console.WriteLine($"PCLMULQDQ: {Gf2.HasClmul}; {Environment.ProcessorCount} cores; about {seconds} s of CPU per row");
        Console.WriteLine("| operation | capacity | differences | field | CPU time per op | wall time per op |");
        Console.WriteLine("|---|---:|---:|---|---:|---:|");
        foreach (int capacity in new[] { 32, 64, 128 })
        foreach (string mul in new[] { "clmul", "portable" })
        {
            var syndromes = new ulong[capacity];
            ulong next = 0x9E3779B9;
            var (cpu, wall) = Measure(seconds / 4, () =>
            {
                next = next * 6364136223846793005UL + 1442695040888963407UL;
                if (mul == "clmul") PinSketch<Field32>.AddToOddSyndromes(syndromes, (next >> 32) | 1);
                else PinSketch<Field32Portable>.AddToOddSyndromes(syndromes, (next >> 32) | 1);
            });
            Console.WriteLine($"| add 1 element | {capacity} | | {mul} | {Show(cpu)} | {Show(wall)} |");
        }
        foreach (int capacity in new[] { 32, 64, 128 })
        foreach (int percent in new[] { 50, 100 })
        foreach (string mul in new[] { "clmul", "portable" })
        {
            int differences = capacity * percent / 100;
            var random = new Random(330);
            var sketches = new Minisketch.Minisketch[16];
            for (int i = 0; i < sketches.Length; i++)
            {
                var s = Minisketch.Minisketch.Create(32, capacity);
                var set = new HashSet<uint>();
                while (set.Count < differences) set.Add((uint)random.NextInt64(1, 1L << 32));
                foreach (var e in set) s.Add(e);
                sketches[i] = s;
            }
            int turn = 0;
            var (cpu, wall) = Measure(seconds, () =>
            {
                var s = sketches[turn++ & 15];
                var r = mul == "clmul"
                    ? PinSketch<Field32>.Decode(s.Syndromes, s.Capacity, s.Basis)
                    : PinSketch<Field32Portable>.Decode(s.Syndromes, s.Capacity, s.Basis);
                if (r is null || r.Length != differences) throw new InvalidOperationException("decode failed");
            });
            Console.WriteLine($"| decode | {capacity} | {differences} | {mul} | {Show(cpu)} | {Show(wall)} |");
        }
        return 0;
    }

    /// <summary>Warms up, then runs <paramref name="op"/> in batches until about <paramref name="cpuSeconds"/> of CPU
    /// time have been spent; returns (CPU, wall) seconds per operation.</summary>
    private static (double Cpu, double Wall) Measure(double cpuSeconds, Action op)
    {
        for (int i = 0; i < 200; i++) op();
        var process = Process.GetCurrentProcess();
        long count = 0;
        process.Refresh();
        var cpu0 = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        TimeSpan spent;
        do
        {
            for (int i = 0; i < 100; i++) op();
            count += 100;
            process.Refresh();
            spent = process.TotalProcessorTime - cpu0;
        } while (spent.TotalSeconds < cpuSeconds);
        return (spent.TotalSeconds / count, wall.Elapsed.TotalSeconds / count);
    }

    private static string Show(double seconds) => seconds switch
    {
        < 1e-6 => $"{seconds * 1e9:F0} ns",
        < 1e-3 => $"{seconds * 1e6:F1} µs",
        _ => $"{seconds * 1e3:F2} ms",
    };
}
