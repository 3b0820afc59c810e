using ActorNode.Storage.Blocks;
using ActorNode.Wire.Primitives;

namespace ActorNode.Storage.Tests.Blocks;

/// <summary>What every <see cref="IBlockStore"/> does, run against <see cref="BlockStore"/> (on disk) and
/// <see cref="MemoryBlockStore"/> alike, so the lab's store cannot drift from the real one.</summary>
public abstract class BlockStoreContractTests : InTempDirectory
{
    protected const uint MainNetMagic = 0xD9B4BEF9;

    protected abstract IBlockStore Create();

    private static readonly Hash256 Block1 = Hash256.Parse("00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048");

    [Fact]
    public void StoreBlock_RealBlocks_ReadBackByteForByte()
    {
        using var store = Create();
        store.PutHeaders(RealBlocks.All.Select(b => b.Entry()));
        foreach (var block in RealBlocks.All)
            store.StoreBlock(block.Hash, block.Raw);

        foreach (var block in RealBlocks.All)
        {
            Assert.True(store.HasBlock(block.Hash));
            Assert.True(store.TryReadBlock(block.Hash, out var raw));
            Assert.Equal(block.Raw, raw);
        }
        // The README's hash of block 1: the key is the real block hash, not something the store made up.
        Assert.True(store.TryReadBlock(Block1, out var first));
        Assert.Equal(215, first.Length);
    }

    [Fact]
    public void StoreBlocks_Batch_AllReadBack()
    {
        using var store = Create();
        store.PutHeaders(RealBlocks.All.Select(b => b.Entry()));
        store.StoreBlocks(RealBlocks.All.Select(b => (b.Hash, (ReadOnlyMemory<byte>)b.Raw)));
        foreach (var block in RealBlocks.All)
            Assert.True(store.TryReadBlock(block.Hash, out var raw) && raw.AsSpan().SequenceEqual(block.Raw));
    }

    [Fact]
    public void StoreBlocks_OneBadBlock_NoneStored()
    {
        using var store = Create();
        var blocks = RealBlocks.Small.Take(5).ToList();
        store.PutHeaders(blocks.Select(b => b.Entry()));
        var batch = blocks.Select(b => (b.Hash, (ReadOnlyMemory<byte>)b.Raw)).ToList();
        batch[3] = (blocks[3].Hash, blocks[4].Raw); // the bytes of another block

        Assert.Throws<ArgumentException>(() => store.StoreBlocks(batch));

        Assert.All(blocks, b => Assert.False(store.HasBlock(b.Hash)));
        store.StoreBlocks(blocks.Select(b => (b.Hash, (ReadOnlyMemory<byte>)b.Raw))); // and the store goes on
        Assert.All(blocks, b => Assert.True(store.TryReadBlock(b.Hash, out var raw) && raw.AsSpan().SequenceEqual(b.Raw)));
    }

    [Fact]
    public void StoreBlock_HeaderNotInIndex_Throws()
    {
        using var store = Create();
        var block = RealBlocks.Small[0];
        Assert.Throws<KeyNotFoundException>(() => store.StoreBlock(block.Hash, block.Raw));
        Assert.False(store.HasBlock(block.Hash));
    }

    [Fact]
    public void StoreBlock_BytesOfAnotherBlock_ThrowsAndStoresNothing()
    {
        using var store = Create();
        var (a, b) = (RealBlocks.Small[0], RealBlocks.Small[1]);
        store.PutHeaders([a.Entry(), b.Entry()]);
        Assert.Throws<ArgumentException>(() => store.StoreBlock(a.Hash, b.Raw));
        Assert.Throws<ArgumentException>(() => store.StoreBlock(a.Hash, a.Raw.AsSpan(0, 79)));
        Assert.False(store.HasBlock(a.Hash));
        Assert.False(store.TryReadBlock(a.Hash, out _));
    }

    [Fact]
    public void StoreBlock_Twice_KeepsTheFirstLocation()
    {
        using var store = Create();
        var (a, b) = (RealBlocks.Small[0], RealBlocks.Small[1]);
        store.PutHeaders([a.Entry(), b.Entry()]);
        var first = store.StoreBlock(a.Hash, a.Raw);
        Assert.Equal(first, store.StoreBlock(a.Hash, a.Raw));
        var second = store.StoreBlock(b.Hash, b.Raw);
        Assert.Equal(first.Offset + first.Length + 8, second.Offset); // one record each: nothing written twice
        Assert.True(store.TryGetHeader(a.Hash, out var entry));
        Assert.Equal(first, entry.Location);
    }

    [Fact]
    public void TryReadBlock_HeaderOnlyOrUnknown_False()
    {
        using var store = Create();
        var a = RealBlocks.Small[0];
        Assert.False(store.TryReadBlock(a.Hash, out _));
        store.PutHeaders([a.Entry()]);
        Assert.False(store.TryReadBlock(a.Hash, out _));
        Assert.False(store.HasBlock(a.Hash));
        Assert.True(store.TryGetHeader(a.Hash, out var entry));
        Assert.False(entry.HasData);
    }

    [Fact]
    public void PutHeaders_HashOfAnotherHeader_Throws()
    {
        using var store = Create();
        var (a, b) = (RealBlocks.Small[0], RealBlocks.Small[1]);
        Assert.Throws<ArgumentException>(() => store.PutHeaders([new HeaderEntry(a.Hash, b.Header, 1, 0)]));
        Assert.Throws<ArgumentException>(() => store.PutHeaders([new HeaderEntry(a.Hash, a.Header, -1, 0)]));
        Assert.False(store.TryGetHeader(a.Hash, out _));
    }

    [Fact]
    public void PutHeaders_Again_KeepsStoredBytesAndReplacesHeightAndStatus()
    {
        using var store = Create();
        var a = RealBlocks.Small[0];
        store.PutHeaders([a.Entry(status: 1)]);
        var location = store.StoreBlock(a.Hash, a.Raw);
        store.PutHeaders([new HeaderEntry(a.Hash, a.Header, 7, 0x42)]);

        Assert.True(store.TryGetHeader(a.Hash, out var entry));
        Assert.Equal((7, (byte)0x42, (BlockLocation?)location), (entry.Height, entry.Status, entry.Location));
        Assert.True(store.TryReadBlock(a.Hash, out var raw));
        Assert.Equal(a.Raw, raw);
    }

    [Fact]
    public void UpdateStatus_KnownAndUnknown()
    {
        using var store = Create();
        var a = RealBlocks.Small[0];
        Assert.False(store.UpdateStatus(a.Hash, 3));
        store.PutHeaders([a.Entry(status: 1)]);
        Assert.True(store.UpdateStatus(a.Hash, 0x83));
        Assert.True(store.TryGetHeader(a.Hash, out var entry));
        Assert.Equal(0x83, entry.Status);
        Assert.Equal(a.Header, entry.Header);
    }

    [Fact]
    public void LoadHeaders_ShuffledWithFork_OrderedByHeight()
    {
        using var store = Create();
        var chain = RealBlocks.Small;
        // A competing block at height 2 (block 3's header claimed at height 2: the store does not check links).
        var shuffled = chain.Select(b => b.Entry((byte)(b.Height % 7))).OrderBy(e => e.Hash).ToList();
        var fork = new HeaderEntry(chain[2].Hash, chain[2].Header, 2, 9);
        store.PutHeaders(shuffled.Where(e => e.Hash != fork.Hash).Append(fork));
        store.StoreBlock(chain[10].Hash, chain[10].Raw);

        var loaded = store.LoadHeaders();

        Assert.Equal(chain.Count, loaded.Count);
        Assert.Equal(loaded.OrderBy(h => h.Height).ThenBy(h => h.Hash).Select(h => h.Hash), loaded.Select(h => h.Hash));
        var byHash = loaded.ToDictionary(h => h.Hash);
        Assert.Equal(2, byHash[fork.Hash].Height);
        Assert.Equal(9, byHash[fork.Hash].Status);
        Assert.Equal(chain[100].Header, byHash[chain[100].Hash].Header);
        Assert.Equal((byte)(101 % 7), byHash[chain[100].Hash].Status);
        Assert.Equal([chain[10].Hash], loaded.Where(h => h.HasData).Select(h => h.Hash));
    }

    [Fact]
    public void SetTip_OnlyToAStoredBlock()
    {
        using var store = Create();
        var (a, b) = (RealBlocks.Small[0], RealBlocks.Small[1]);
        store.PutHeaders([a.Entry(), b.Entry()]);
        Assert.Null(store.Tip);
        Assert.Throws<InvalidOperationException>(() => store.SetTip(a.Hash)); // header only
        store.StoreBlock(a.Hash, a.Raw);
        store.SetTip(a.Hash);
        Assert.Throws<InvalidOperationException>(() => store.SetTip(b.Hash));
        Assert.Equal(a.Hash, store.Tip);
    }

    [Fact]
    public void StoreBlocksWithTip_BlocksAndTipInOneWrite()
    {
        using var store = Create();
        var blocks = RealBlocks.Small.Take(10).ToList();
        store.PutHeaders(blocks.Select(b => b.Entry()));

        store.StoreBlocks(blocks.Take(6).Select(b => (b.Hash, (ReadOnlyMemory<byte>)b.Raw)), blocks[5].Hash);
        Assert.Equal(blocks[5].Hash, store.Tip);
        Assert.All(blocks.Take(6), b => Assert.True(store.HasBlock(b.Hash)));

        // Only the tip moving (back to a stored block, as after a reorganisation): no blocks, still one write.
        store.StoreBlocks([], blocks[2].Hash);
        Assert.Equal(blocks[2].Hash, store.Tip);
        // A batch without a tip leaves it.
        store.StoreBlocks(blocks.Skip(6).Select(b => (b.Hash, (ReadOnlyMemory<byte>)b.Raw)), null);
        Assert.Equal(blocks[2].Hash, store.Tip);
        Assert.True(store.TryReadBlock(blocks[9].Hash, out var raw) && raw.AsSpan().SequenceEqual(blocks[9].Raw));
    }

    [Fact]
    public void StoreBlocksWithTip_TipNeitherStoredNorInBatch_NothingWritten()
    {
        using var store = Create();
        var blocks = RealBlocks.Small.Take(4).ToList();
        store.PutHeaders(blocks.Select(b => b.Entry()));
        store.StoreBlocks([(blocks[0].Hash, blocks[0].Raw)], blocks[0].Hash);

        Assert.Throws<InvalidOperationException>(() =>
            store.StoreBlocks(blocks.Skip(1).Take(2).Select(b => (b.Hash, (ReadOnlyMemory<byte>)b.Raw)), blocks[3].Hash));

        Assert.Equal(blocks[0].Hash, store.Tip);
        Assert.False(store.HasBlock(blocks[1].Hash));
        Assert.False(store.HasBlock(blocks[2].Hash));
    }

    [Fact]
    public void StoreBlocksWithTip_BadBlockInBatch_TipNotMoved()
    {
        using var store = Create();
        var blocks = RealBlocks.Small.Take(4).ToList();
        store.PutHeaders(blocks.Select(b => b.Entry()));
        store.StoreBlocks([(blocks[0].Hash, blocks[0].Raw)], blocks[0].Hash);
        var batch = blocks.Skip(1).Select(b => (b.Hash, (ReadOnlyMemory<byte>)b.Raw)).ToList();
        batch[1] = (blocks[2].Hash, blocks[3].Raw);

        Assert.Throws<ArgumentException>(() => store.StoreBlocks(batch, blocks[3].Hash));

        Assert.Equal(blocks[0].Hash, store.Tip);
        Assert.All(blocks.Skip(1), b => Assert.False(store.HasBlock(b.Hash)));
    }

    [Fact]
    public void State_PutAndGet()
    {
        using var store = Create();
        Assert.False(store.TryGetState("bestheader", out _));
        store.PutState("bestheader", [1, 2, 3]);
        store.PutState("empty", []);
        store.PutState("bestheader", [4, 5]);
        Assert.True(store.TryGetState("bestheader", out var value));
        Assert.Equal([4, 5], value);
        Assert.True(store.TryGetState("empty", out var empty));
        Assert.Empty(empty);
        Assert.Throws<ArgumentException>(() => store.PutState(new string('k', 201), [1]));
    }
}

public sealed class DiskBlockStoreContractTests : BlockStoreContractTests
{
    protected override IBlockStore Create() => BlockStore.Open(Dir.Combine("blocks"), MainNetMagic);
}

public sealed class MemoryBlockStoreContractTests : BlockStoreContractTests
{
    protected override IBlockStore Create() => new MemoryBlockStore(MainNetMagic);
}
