using ActorNode.Chain;
using ActorNode.Chain.Blocks;
using ActorNode.Wire.Primitives;
using ActorNode.Wire.Tests;

namespace ActorNode.Sync.Tests;

public sealed class BlockCheckPipelineTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>Mainnet blocks 1–255 (index i is height i + 1).</summary>
    private static readonly Lazy<List<Block>> Mainnet = new(() =>
        TestData.ReadFramedBlocks(TestData.Blocks1To255).Select(raw => Block.Parse(raw)).ToList());

    private static BlockCheckContext Context(int height) => BlockCheckContext.For(ChainParams.Mainnet, height);

    /// <summary>A pipeline with a signal its owner waits on, as the actor waits for its message.</summary>
    private sealed class Owner<T>
    {
        private readonly SemaphoreSlim signal = new(0);

        public Owner(int maxInFlight, Func<Block, BlockCheckContext, BlockCheckResult>? check = null) =>
            Pipeline = new BlockCheckPipeline<T>(maxInFlight, () => signal.Release(), check);

        public BlockCheckPipeline<T> Pipeline { get; }

        /// <summary>Takes results until <paramref name="count"/> have come, in the order released.</summary>
        public List<CheckedBlock<T>> TakeAll(int count)
        {
            var taken = new List<CheckedBlock<T>>();
            while (taken.Count < count)
            {
                taken.AddRange(Pipeline.TakeReady());
                if (taken.Count < count)
                    Assert.True(signal.Wait(Patience), $"only {taken.Count} of {count} released");
            }
            return taken;
        }
    }

    [Fact]
    public void RandomCompletionTimes_ReleasedStrictlyInHeightOrder()
    {
        var random = new Random(7);
        var delays = Enumerable.Range(0, 256).Select(_ => random.Next(0, 4)).ToArray();
        var owner = new Owner<int>(4, (block, context) =>
        {
            Thread.Sleep(delays[context.Height]); // fault injection: completion order scrambled, not a timed assertion
            return BlockSanity.Check(block, context);
        });
        var heights = Enumerable.Range(1, 200).OrderBy(_ => random.Next()).ToList();
        foreach (int h in heights)
            owner.Pipeline.Submit(h, Mainnet.Value[h - 1], Context(h), h);

        var released = owner.TakeAll(200);

        Assert.Equal(Enumerable.Range(1, 200), released.Select(r => r.Height));
        Assert.All(released, r => Assert.True(r.IsValid, $"block {r.Height}: {r.Result.Error}"));
        Assert.All(released, r => Assert.Equal(r.Height, r.Tag));
        Assert.Equal(0, owner.Pipeline.Count);
    }

    [Fact]
    public void SubmittedWhileReleasing_NothingReleasedBeforeALowerHeightStillHeld()
    {
        var random = new Random(11);
        var owner = new Owner<int>(3, (block, context) =>
        {
            Thread.Sleep(random.Next(0, 3)); // fault injection
            return BlockCheckResult.Valid;
        });
        var held = new SortedSet<int>();
        int submitted = 0, releasedCount = 0;
        var order = Enumerable.Range(1, 240).ToList();
        // Arrives in batches of 16, each shuffled (blocks from several peers), taken between batches.
        foreach (var batch in order.Chunk(16))
        {
            foreach (int h in batch.OrderBy(_ => random.Next()))
            {
                owner.Pipeline.Submit(h, Mainnet.Value[h - 1], Context(h), h);
                held.Add(h);
                submitted++;
            }
            foreach (var r in owner.Pipeline.TakeReady())
            {
                Assert.Equal(held.Min, r.Height); // the lowest still held, every time
                held.Remove(r.Height);
                releasedCount++;
            }
        }
        foreach (var r in owner.TakeAll(submitted - releasedCount))
        {
            Assert.Equal(held.Min, r.Height);
            held.Remove(r.Height);
        }
        Assert.Empty(held);
    }

    [Fact]
    public void BadBlockInsideABatch_ReportedInItsPlaceWithItsError()
    {
        var owner = new Owner<string>(2);
        var blocks = Mainnet.Value.Take(20).ToList();
        // Block 7's header with block 8's transactions: the body does not match the merkle root (a mutated copy).
        var bad = new Block(blocks[6].Header, blocks[7].Transactions);
        for (int h = 20; h >= 1; h--)
            owner.Pipeline.Submit(h, h == 7 ? bad : blocks[h - 1], Context(h), $"peer{h % 3}");

        var released = owner.TakeAll(20);

        Assert.Equal(Enumerable.Range(1, 20), released.Select(r => r.Height));
        var seventh = released[6];
        Assert.False(seventh.IsValid);
        Assert.Equal(BlockCheckError.MerkleRootMismatch, seventh.Result.Error);
        Assert.True(seventh.Result.IsMutated); // the actor re-requests it elsewhere, as today
        Assert.Same(bad, seventh.Block);
        Assert.Equal("peer1", seventh.Tag);
        Assert.All(released.Where(r => r.Height != 7), r => Assert.True(r.IsValid));
    }

    [Fact]
    public void ChecksRunInParallel_NeverMoreThanTheLimit()
    {
        using var gate = new ManualResetEventSlim(false);
        using var started = new CountdownEvent(2);
        int now = 0, most = 0;
        var owner = new Owner<int>(2, (block, context) =>
        {
            int n = Interlocked.Increment(ref now);
            InterlockedMax(ref most, n);
            if (!started.IsSet) started.Signal();
            gate.Wait(Patience);
            Interlocked.Decrement(ref now);
            return BlockCheckResult.Valid;
        });
        for (int h = 1; h <= 6; h++)
            owner.Pipeline.Submit(h, Mainnet.Value[h - 1], Context(h), h);

        Assert.True(started.Wait(Patience), "two checks should run at once");
        Assert.Equal(2, owner.Pipeline.Running);
        Assert.Empty(owner.Pipeline.TakeReady());
        gate.Set();

        Assert.Equal(Enumerable.Range(1, 6), owner.TakeAll(6).Select(r => r.Height));
        Assert.Equal(2, most);
    }

    [Fact]
    public void CheckThrows_ReportedInOrderAsAnError()
    {
        var owner = new Owner<int>(2, (block, context) =>
            context.Height == 3 ? throw new InvalidOperationException("a bug") : BlockCheckResult.Valid);
        for (int h = 1; h <= 5; h++)
            owner.Pipeline.Submit(h, Mainnet.Value[h - 1], Context(h), h);

        var released = owner.TakeAll(5);

        Assert.Equal([1, 2, 3, 4, 5], released.Select(r => r.Height));
        Assert.IsType<InvalidOperationException>(released[2].Error);
        Assert.False(released[2].IsValid);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
