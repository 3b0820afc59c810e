using System.Diagnostics;
using ActorNode.Storage.Blocks;
using ActorNode.Storage.CrashHost;
using Xunit.Abstractions;

namespace ActorNode.Storage.Tests.Blocks;

/// <summary>The batched write path under SIGKILL: the child (ActorNode.Storage.CrashHost, mode <c>batched</c>) syncs a
/// synthetic chain through a <see cref="BlockWriteBuffer"/> (headers ahead, blocks accepted one by one, a flush of
/// blocks and tip every 50 blocks / 1 MiB / 200 ms) and prints each accepted block and each durable tip; the test
/// kills it at a random moment, twelve times, and reopens the store after each kill. Every time: the store is
/// consistent (every entry that says stored reads back as generated, the tip and every block below it are stored),
/// the tip is at or past the last tip the child reported durable (so a reported tip can always be served), it
/// never goes back, and the blocks lost (accepted but not durable) are at most the flush window.</summary>
public sealed class BlockStoreBatchedKillTests(ITestOutputHelper output) : InTempDirectory
{
    private const int Rounds = 12;

    [Fact]
    public void Kill9_DuringBatchedWrites_ConsistentLossWithinFlushWindow()
    {
        string directory = Dir.Combine("blocks");
        string host = Path.Combine(AppContext.BaseDirectory, "ActorNode.Storage.CrashHost.dll");
        var random = new Random(20261207);
        int window = SyntheticChain.BatchedPolicy.MaxBlocks;
        int tip = -1, maxLost = 0, totalRepairs = 0;
        var clock = Stopwatch.StartNew();

        for (int round = 0; round < Rounds; round++)
        {
            var t0 = clock.Elapsed;
            var last = BlockStoreKillTests.RunAndKill(host, directory, "batched", "accepted ", random.Next(1, 160), random.Next(0, 60), out var ready);
            int accepted = last.GetValueOrDefault("accepted ", tip);
            int reportedDurable = last.GetValueOrDefault("durable ", -1);

            using var store = BlockStore.Open(directory, SyntheticChain.Magic, new BlockStoreOptions { MaxFileSize = 256 * 1024 });
            totalRepairs += store.Repairs.Count;
            int height = BlockStoreKillTests.CheckConsistent(store);
            Assert.True(height >= reportedDurable, $"round {round}: tip {height}, but the child had reported {reportedDurable} durable");
            Assert.True(height >= tip, $"round {round}: tip {height} went back from {tip}");
            int lost = accepted - height;
            Assert.True(lost <= window, $"round {round}: {lost} accepted blocks lost (accepted up to {accepted}, tip {height}), more than the window of {window}");
            maxLost = Math.Max(maxLost, lost);
            tip = height;
            output.WriteLine($"round {round}: child {(clock.Elapsed - t0).TotalMilliseconds:F0} ms (ready after {ready.TotalMilliseconds:F0}), accepted {accepted}, reported durable {reportedDurable}, tip {height}, lost {lost}, repairs {store.Repairs.Count}");
        }

        output.WriteLine($"{Rounds} kills in {clock.Elapsed.TotalSeconds:F1} s; chain at {tip}; most lost {maxLost}; {totalRepairs} torn tails cut at open");
        Assert.True(tip > Rounds * 10, "the child made progress");
        Assert.True(maxLost > 0, "some kill landed while blocks waited (else the test proves nothing about the window)");
    }
}
