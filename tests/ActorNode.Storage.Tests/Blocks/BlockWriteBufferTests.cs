using ActorNode.Storage.Blocks;
using ActorNode.Wire.Primitives;

namespace ActorNode.Storage.Tests.Blocks;

/// <summary>The batched write path: accepted blocks wait in memory, invisible to readers, until the policy flushes
/// them with the tip in one store write.</summary>
public sealed class BlockWriteBufferTests : InTempDirectory
{
    private const uint MainNetMagic = 0xD9B4BEF9;

    private static readonly BlockFlushPolicy Five = new() { MaxBlocks = 5, MaxBytes = 1 << 20, MaxInterval = TimeSpan.FromSeconds(2) };

    private static MemoryBlockStore StoreWithHeaders(int count)
    {
        var store = new MemoryBlockStore(MainNetMagic);
        store.PutHeaders(RealBlocks.Small.Take(count).Select(b => b.Entry()));
        return store;
    }

    private void AddAndMove(BlockWriteBuffer buffer, RealBlocks.Item block)
    {
        buffer.Add(block.Hash, block.Raw);
        buffer.MoveTip(block.Hash);
    }

    [Fact]
    public void Waiting_NotServedNorReported_UntilFlushed()
    {
        using var store = StoreWithHeaders(3);
        var buffer = new BlockWriteBuffer(store, Five, Clock);
        var (a, b) = (RealBlocks.Small[0], RealBlocks.Small[1]);
        AddAndMove(buffer, a);
        Assert.False(buffer.FlushIfDue() is not null);
        AddAndMove(buffer, b);

        Assert.True(buffer.IsPending(b.Hash));
        Assert.True(buffer.TryGetPending(b.Hash, out var pending) && pending.Span.SequenceEqual(b.Raw));
        Assert.False(store.HasBlock(b.Hash));
        Assert.False(store.TryReadBlock(b.Hash, out _));
        Assert.Null(store.Tip);
        Assert.Null(buffer.DurableTip);
        Assert.Equal(b.Hash, buffer.Tip);
        Assert.Equal((2, (long)(a.Raw.Length + b.Raw.Length)), (buffer.PendingBlocks, buffer.PendingBytes));

        var flush = buffer.Flush();

        Assert.Equal(new BlockFlush(2, a.Raw.Length + b.Raw.Length, b.Hash), flush);
        Assert.Equal(b.Hash, store.Tip);
        Assert.True(store.TryReadBlock(b.Hash, out var raw) && raw.AsSpan().SequenceEqual(b.Raw));
        Assert.False(buffer.IsPending(b.Hash));
        Assert.Equal((0, 0L, (Hash256?)null), (buffer.PendingBlocks, buffer.PendingBytes, buffer.PendingTip));
        Assert.Null(buffer.Flush()); // nothing left
    }

    [Fact]
    public void FlushIfDue_ByCount()
    {
        using var store = StoreWithHeaders(12);
        var buffer = new BlockWriteBuffer(store, Five, Clock);
        var flushes = new List<BlockFlush>();
        foreach (var block in RealBlocks.Small.Take(12))
        {
            AddAndMove(buffer, block);
            Assert.True(buffer.PendingBlocks <= Five.MaxBlocks);
            if (buffer.FlushIfDue() is { } f) flushes.Add(f);
        }

        Assert.Equal([5, 5], flushes.Select(f => f.Blocks));
        Assert.Equal(RealBlocks.Small[9].Hash, store.Tip);
        Assert.Equal(2, buffer.PendingBlocks);
        Assert.Equal((2L, 10L), (buffer.Flushes, buffer.FlushedBlocks));
    }

    [Fact]
    public void FlushIfDue_ByBytes()
    {
        var blocks = RealBlocks.Small.Take(20).ToList();
        using var store = StoreWithHeaders(20);
        long limit = blocks.Take(3).Sum(b => b.Raw.Length); // reached by the third block
        var buffer = new BlockWriteBuffer(store, Five with { MaxBlocks = 1000, MaxBytes = limit }, Clock);
        AddAndMove(buffer, blocks[0]);
        AddAndMove(buffer, blocks[1]);
        Assert.False(buffer.IsDue);
        AddAndMove(buffer, blocks[2]);
        Assert.True(buffer.IsDue);
        Assert.Equal(3, buffer.FlushIfDue()!.Value.Blocks);
    }

    [Fact]
    public void FlushIfDue_ByTime_AndDueInForTheTimer()
    {
        using var store = StoreWithHeaders(5);
        var buffer = new BlockWriteBuffer(store, Five, Clock);
        Assert.Null(buffer.DueIn); // nothing waits: no timer

        Clock.Advance(TimeSpan.FromSeconds(10));
        AddAndMove(buffer, RealBlocks.Small[0]); // after a quiet spell: due at once
        Assert.Equal(TimeSpan.Zero, buffer.DueIn);
        Assert.NotNull(buffer.FlushIfDue());

        Clock.Advance(TimeSpan.FromMilliseconds(500));
        AddAndMove(buffer, RealBlocks.Small[1]);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), buffer.DueIn);
        Assert.Null(buffer.FlushIfDue());
        Clock.Advance(TimeSpan.FromMilliseconds(1499));
        Assert.Null(buffer.FlushIfDue());
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, buffer.FlushIfDue()!.Value.Blocks);
        Assert.Equal(RealBlocks.Small[1].Hash, store.Tip);
    }

    [Fact]
    public void Add_UnknownOrWrongBytes_RefusedAtOnce_KnownIgnored()
    {
        using var store = StoreWithHeaders(3);
        var buffer = new BlockWriteBuffer(store, Five, Clock);
        var (a, b, c) = (RealBlocks.Small[0], RealBlocks.Small[1], RealBlocks.Small[2]);
        var unknown = RealBlocks.Small[3];

        Assert.Throws<KeyNotFoundException>(() => buffer.Add(unknown.Hash, unknown.Raw));
        Assert.Throws<ArgumentException>(() => buffer.Add(a.Hash, b.Raw));
        Assert.Equal(0, buffer.PendingBlocks);

        store.StoreBlock(c.Hash, c.Raw);
        buffer.Add(c.Hash, c.Raw); // stored already
        buffer.Add(a.Hash, a.Raw);
        buffer.Add(a.Hash, a.Raw); // waiting already
        Assert.Equal(1, buffer.PendingBlocks);
        Assert.Equal(a.Raw.Length, buffer.PendingBytes);
    }

    [Fact]
    public void Flush_Fails_BlocksStillWait_DiscardDropsThem()
    {
        using var store = StoreWithHeaders(3);
        var buffer = new BlockWriteBuffer(store, Five, Clock);
        var (a, b, notGiven) = (RealBlocks.Small[0], RealBlocks.Small[1], RealBlocks.Small[2]);
        buffer.Add(a.Hash, a.Raw);
        buffer.Add(b.Hash, b.Raw);
        buffer.MoveTip(notGiven.Hash); // a tip whose block never came: the store refuses the whole write

        Assert.Throws<InvalidOperationException>(() => buffer.Flush());
        Assert.False(store.HasBlock(a.Hash));
        Assert.Equal(2, buffer.PendingBlocks);

        Assert.Equal([a.Hash, b.Hash], buffer.Discard());
        Assert.Equal(0, buffer.PendingBlocks);
        Assert.Null(buffer.PendingTip);
        Assert.Null(buffer.Flush());
    }

    [Fact]
    public void OnDisk_OneFileSyncAndOneIndexSyncPerFlush()
    {
        var blocks = RealBlocks.Small.Take(250).ToList();
        using var store = BlockStore.Open(Dir.Combine("blocks"), MainNetMagic);
        store.PutHeaders(blocks.Select(b => b.Entry()));
        var buffer = new BlockWriteBuffer(store, new BlockFlushPolicy { MaxBlocks = 100 }, Clock);
        long before = store.Fsyncs;

        foreach (var block in blocks)
        {
            AddAndMove(buffer, block);
            buffer.FlushIfDue();
        }
        buffer.Flush(); // the last 50, as at shutdown

        // Three flushes: each one fsync of the flat file and one synced index commit (blocks and tip together),
        // plus one fsync of the directory when blk00000.dat was created.
        Assert.Equal(3 * 2 + 1, store.Fsyncs - before);
        Assert.Equal(blocks[^1].Hash, store.Tip);

        // One block at a time, as before batching: StoreBlock then SetTip, three fsyncs a block.
        var more = RealBlocks.Small.Skip(250).Take(5).ToList();
        store.PutHeaders(more.Select(b => b.Entry()));
        before = store.Fsyncs;
        foreach (var block in more)
        {
            store.StoreBlock(block.Hash, block.Raw);
            store.SetTip(block.Hash);
        }
        Assert.Equal(5 * 3, store.Fsyncs - before);
    }
}
