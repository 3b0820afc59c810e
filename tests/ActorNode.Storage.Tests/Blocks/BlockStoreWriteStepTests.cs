using ActorNode.Storage.Blocks;

namespace ActorNode.Storage.Tests.Blocks;

/// <summary>A batched write (<see cref="BlockStore.StoreBlocks(IEnumerable{ValueTuple{ActorNode.Wire.Primitives.Hash256, ReadOnlyMemory{byte}}}, ActorNode.Wire.Primitives.Hash256?)"/>:
/// 12 blocks over three flat files and the tip in one commit) stopped at every one of its steps, the two ways
/// <see cref="SaveCrash"/> stops a <see cref="DurableFile"/> save: killed (the store's directory copied at that
/// instant, as a process killed there leaves it, then opened) and failed (an exception at that step). Every time the
/// store opens consistent: either the old tip and none of the batch, or the new tip and all of it; every block it
/// says is stored reads back; and it goes on storing.</summary>
public sealed class BlockStoreWriteStepTests : InTempDirectory
{
    private const uint MainNetMagic = 0xD9B4BEF9;
    private static readonly BlockStoreOptions SmallFiles = new() { MaxFileSize = 1024 };

    private static readonly IReadOnlyList<RealBlocks.Item> Before = RealBlocks.Small.Take(30).ToList();
    private static readonly IReadOnlyList<RealBlocks.Item> Batch = RealBlocks.Small.Skip(30).Take(12).ToList();

    private static IEnumerable<(ActorNode.Wire.Primitives.Hash256, ReadOnlyMemory<byte>)> Raw(IEnumerable<RealBlocks.Item> blocks) =>
        blocks.Select(b => (b.Hash, (ReadOnlyMemory<byte>)b.Raw));

    /// <summary>A store with 30 blocks and the tip at the 30th, and the headers of the batch; closed.</summary>
    private string MakeBase()
    {
        string dir = Dir.Combine("base");
        using var store = BlockStore.Open(dir, MainNetMagic, SmallFiles);
        store.PutHeaders(Before.Concat(Batch).Select(b => b.Entry()));
        store.StoreBlocks(Raw(Before), Before[^1].Hash);
        return dir;
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (string sub in Directory.GetDirectories(from))
            CopyTree(sub, Path.Combine(to, Path.GetFileName(sub)));
    }

    private List<BlockStoreWriteStep> Steps(string baseDir)
    {
        string dir = Dir.Combine("probe");
        CopyTree(baseDir, dir);
        var steps = new List<BlockStoreWriteStep>();
        using var store = BlockStore.Open(dir, MainNetMagic, SmallFiles);
        store.StepHook = steps.Add;
        store.StoreBlocks(Raw(Batch), Batch[^1].Hash);
        return steps;
    }

    /// <summary>Old state or new state, nothing in between; every stored block verifies; then the batch again.</summary>
    private static void AssertConsistentAndGoesOn(string dir, string what)
    {
        using (var store = BlockStore.Open(dir, MainNetMagic, SmallFiles))
        {
            bool moved = store.Tip == Batch[^1].Hash;
            Assert.True(moved || store.Tip == Before[^1].Hash, $"{what}: tip {store.Tip}");
            foreach (var b in Before)
                Assert.True(store.TryReadBlock(b.Hash, out var raw) && raw.AsSpan().SequenceEqual(b.Raw), $"{what}: block {b.Height}");
            foreach (var b in Batch)
            {
                Assert.Equal(moved, store.HasBlock(b.Hash));
                if (moved)
                    Assert.True(store.TryReadBlock(b.Hash, out var raw) && raw.AsSpan().SequenceEqual(b.Raw), $"{what}: block {b.Height}");
            }
            store.StoreBlocks(Raw(Batch), Batch[^1].Hash);
        }
        using var again = BlockStore.Open(dir, MainNetMagic, SmallFiles);
        Assert.Empty(again.Repairs);
        Assert.Equal(Batch[^1].Hash, again.Tip);
        foreach (var b in Batch)
            Assert.True(again.TryReadBlock(b.Hash, out var raw) && raw.AsSpan().SequenceEqual(b.Raw), $"{what}, after: block {b.Height}");
    }

    [Fact]
    public void Steps_OfABatchOverThreeFiles()
    {
        var steps = Steps(MakeBase());
        Assert.Equal(Batch.Count, steps.Count(s => s == BlockStoreWriteStep.RecordWritten));
        Assert.Equal(Batch.Count, steps.Count(s => s == BlockStoreWriteStep.RecordPrefixWritten));
        Assert.True(steps.Count(s => s == BlockStoreWriteStep.FileSyncedBeforeRoll) >= 2, string.Join(",", steps));
        Assert.Equal([BlockStoreWriteStep.DataSynced, BlockStoreWriteStep.IndexCommitted], steps.TakeLast(2));
    }

    [Fact]
    public void KilledAtEveryStep_OpensOldOrNew()
    {
        string baseDir = MakeBase();
        int count = Steps(baseDir).Count;
        int newState = 0, repaired = 0;
        for (int k = 0; k < count; k++)
        {
            string work = Dir.Combine($"work{k}");
            string image = Dir.Combine($"image{k}");
            CopyTree(baseDir, work);
            using (var store = BlockStore.Open(work, MainNetMagic, SmallFiles))
            {
                int seen = 0;
                BlockStoreWriteStep at = default;
                store.StepHook = s =>
                {
                    if (seen++ == k)
                    {
                        at = s;
                        CopyTree(work, image); // the files as a process killed at this instant leaves them
                    }
                };
                store.StoreBlocks(Raw(Batch), Batch[^1].Hash);
                Assert.True(Directory.Exists(image), $"step {k} never reached");
                using (var opened = BlockStore.Open(image, MainNetMagic, SmallFiles))
                {
                    if (opened.Tip == Batch[^1].Hash) newState++;
                    if (opened.Repairs.Count > 0) repaired++;
                    // Only the commit makes the batch visible.
                    Assert.Equal(at == BlockStoreWriteStep.IndexCommitted, opened.Tip == Batch[^1].Hash);
                }
                AssertConsistentAndGoesOn(image, $"killed at step {k} ({at})");
            }
            Directory.Delete(work, true);
            Directory.Delete(image, true);
        }
        Assert.Equal(1, newState);
        Assert.True(repaired >= count - 2, $"{repaired} of {count} images had a torn tail to cut"); // all but the first prefix... and the commit
    }

    [Fact]
    public void FailedAtEveryStep_StoreStaysConsistentAndGoesOn()
    {
        string baseDir = MakeBase();
        int count = Steps(baseDir).Count;
        for (int k = 0; k < count; k++)
        {
            string work = Dir.Combine($"fail{k}");
            CopyTree(baseDir, work);
            using (var store = BlockStore.Open(work, MainNetMagic, SmallFiles))
            {
                int seen = 0;
                store.StepHook = s =>
                {
                    if (seen++ == k)
                        throw new IOException($"simulated failure at {s}");
                };
                var ex = Assert.Throws<IOException>(() => store.StoreBlocks(Raw(Batch), Batch[^1].Hash));
                Assert.StartsWith("simulated", ex.Message, StringComparison.Ordinal);
                store.StepHook = null;
                bool committed = store.Tip == Batch[^1].Hash;
                Assert.All(Batch, b => Assert.Equal(committed, store.HasBlock(b.Hash)));
                store.StoreBlocks(Raw(Batch), Batch[^1].Hash); // the retry in the same process
                Assert.All(Batch, b => Assert.True(store.TryReadBlock(b.Hash, out var raw) && raw.AsSpan().SequenceEqual(b.Raw)));
            }
            using (var reopened = BlockStore.Open(work, MainNetMagic, SmallFiles))
            {
                Assert.Equal(Batch[^1].Hash, reopened.Tip);
                foreach (var b in Before.Concat(Batch))
                    Assert.True(reopened.TryReadBlock(b.Hash, out var raw) && raw.AsSpan().SequenceEqual(b.Raw), $"failed at {k}: block {b.Height}");
            }
            Directory.Delete(work, true);
        }
    }
}
