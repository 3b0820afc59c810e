using System.Diagnostics;
using ActorNode.Storage.Blocks;
using ActorNode.Storage.CrashHost;
using ActorNode.Wire.Primitives;
using Xunit.Abstractions;

namespace ActorNode.Storage.Tests.Blocks;

/// <summary>The store under SIGKILL: a child process (ActorNode.Storage.CrashHost) extends a synthetic chain in a
/// store with small (256 KiB) flat files, one block or three at a time, and prints each committed tip; the test kills
/// it (<see cref="Process.Kill()"/> is SIGKILL on Linux) at a random moment, twenty times, reopening the store after
/// each kill. Every time: every entry that says stored reads back and verifies (the bytes are the ones the chain
/// generator makes for that height), the tip is stored, it is at or past the last tip the child reported, and
/// nothing is lost from one round to the next.</summary>
public sealed class BlockStoreKillTests(ITestOutputHelper output) : InTempDirectory
{
    private const int Rounds = 20;

    [Fact]
    public void Kill9_AtRandomMoments_StoreConsistentAndNothingCommittedLost()
    {
        string directory = Dir.Combine("blocks");
        string host = Path.Combine(AppContext.BaseDirectory, "ActorNode.Storage.CrashHost.dll");
        var random = new Random(20261124);
        int durableTip = -1;
        int totalRepairs = 0;
        var clock = Stopwatch.StartNew();

        for (int round = 0; round < Rounds; round++)
        {
            int killAfter = random.Next(1, 8);
            var t0 = clock.Elapsed;
            int lastReported = RunAndKill(host, directory, killAfter, random.Next(0, 15));
            var t1 = clock.Elapsed;

            using var store = BlockStore.Open(directory, SyntheticChain.Magic, new BlockStoreOptions { MaxFileSize = 256 * 1024 });
            totalRepairs += store.Repairs.Count;
            int tipHeight = CheckConsistent(store);
            Assert.True(tipHeight >= lastReported, $"round {round}: tip {tipHeight}, but the child had reported {lastReported} committed");
            Assert.True(tipHeight >= durableTip, $"round {round}: tip {tipHeight} went back from {durableTip}");
            durableTip = tipHeight;
            output.WriteLine($"round {round}: child {(t1 - t0).TotalMilliseconds:F0} ms (store open after {ReadyAfter.TotalMilliseconds:F0}), check {(clock.Elapsed - t1).TotalMilliseconds:F0} ms, tip {tipHeight}");
        }

        output.WriteLine($"{Rounds} kills in {clock.Elapsed.TotalSeconds:F1} s; chain at {durableTip}; {totalRepairs} torn tails cut at open");
        Assert.True(durableTip > Rounds, "the child made progress");
    }

    /// <summary>How long the last child took to open its store (for the log).</summary>
    private static TimeSpan ReadyAfter;

    /// <summary>Starts the child, waits until it has reported <paramref name="commits"/> more commits, lets it run
    /// on for up to <paramref name="extraMs"/> ms (so the kill lands anywhere in a write), and kills it. Returns
    /// the last height it reported committed, or -1.</summary>

    private static int RunAndKill(string host, string directory, int commits, int extraMs) =>
        RunAndKill(host, directory, null, "committed ", commits, extraMs, out _).GetValueOrDefault("committed ", -1);

    /// <summary>Starts the child (in <paramref name="mode"/>, if any), waits until it has printed
    /// <paramref name="lines"/> lines starting with <paramref name="countPrefix"/>, lets it run on for up to
    /// <paramref name="extraMs"/> ms, and kills it. Returns the last number printed after each prefix ("committed ",
    /// "accepted ", "durable "), counting the lines printed up to the kill.</summary>
    internal static Dictionary<string, int> RunAndKill(string host, string directory, string? mode, string countPrefix, int lines, int extraMs, out TimeSpan readyAfter)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(host);
        start.ArgumentList.Add(directory);
        if (mode is not null)
            start.ArgumentList.Add(mode);
        var watch = Stopwatch.StartNew();
        readyAfter = TimeSpan.Zero;
        using var child = Process.Start(start)!;
        var last = new Dictionary<string, int>(StringComparer.Ordinal);
        int seen = 0;
        var stderr = child.StandardError.ReadToEndAsync();
        void Note(string line)
        {
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && int.TryParse(line.AsSpan(space + 1), out int value))
                last[line[..(space + 1)]] = value;
        }
        try
        {
            while (seen < lines)
            {
                var line = child.StandardOutput.ReadLine();
                if (line is null)
                    throw new InvalidOperationException($"the child stopped: {stderr.Result}");
                if (line.StartsWith("ready", StringComparison.Ordinal))
                {
                    readyAfter = watch.Elapsed;
                    ReadyAfter = readyAfter;
                    continue;
                }
                Note(line);
                if (line.StartsWith(countPrefix, StringComparison.Ordinal))
                    seen++;
            }
            if (extraMs > 0)
                Thread.Sleep(extraMs); // fault injection: where the kill lands, not a timed assertion
        }
        finally
        {
            child.Kill();
            child.WaitForExit();
        }
        // Lines printed between our last read and the kill count too: the child had done them.
        string? rest;
        while ((rest = child.StandardOutput.ReadLine()) is not null)
            Note(rest);
        return last;
    }

    /// <summary>Checks every index entry against the chain generator; returns the tip's height.</summary>
    internal static int CheckConsistent(BlockStore store)
    {
        var headers = store.LoadHeaders();
        var previous = Hash256.Zero;
        for (int i = 0; i < headers.Count; i++)
        {
            var h = headers[i];
            Assert.Equal(i, h.Height); // one chain, no gaps
            var expected = SyntheticChain.Block(i, previous);
            Assert.Equal(expected.Hash, h.Hash);
            if (h.HasData)
            {
                Assert.True(store.TryReadBlock(h.Hash, out var raw));
                Assert.Equal(expected.Raw, raw);
            }
            previous = h.Hash;
        }
        if (store.Tip is not { } tip)
            return -1;
        Assert.True(store.TryGetHeader(tip, out var top));
        Assert.True(top.HasData);
        // Every block up to the tip is stored: the child stores each before it moves the tip past it.
        Assert.All(headers.Take(top.Height + 1), h => Assert.True(h.HasData, $"block {h.Height} below the tip is not stored"));
        return top.Height;
    }
}
