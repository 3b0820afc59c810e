using ActorNode.Storage.Blocks;

namespace ActorNode.Storage.Tests.Blocks;

/// <summary>What only the durable store does: survive a reopen, roll files, cut a torn tail, and report damage
/// to its files by name instead of returning wrong bytes.</summary>
public sealed class BlockStoreDiskTests : InTempDirectory
{
    private const uint MainNetMagic = 0xD9B4BEF9;
    private const uint TestNetMagic = 0x0709110B;

    private string StoreDir => Dir.Combine("blocks");

    private BlockStore Open(BlockStoreOptions? options = null) => BlockStore.Open(StoreDir, MainNetMagic, options);

    private string BlkFile(int n) => Path.Combine(StoreDir, $"blk{n:D5}.dat");

    /// <summary>Blocks 1–255 stored (in batches of 64: one flush and one commit each) and the tip at 255.</summary>
    private void Fill(BlockStoreOptions? options = null)
    {
        using var store = Open(options);
        store.PutHeaders(RealBlocks.Small.Select(b => b.Entry()));
        StoreInBatches(store, RealBlocks.Small, 64);
        store.SetTip(RealBlocks.Small[^1].Hash);
    }

    private static void StoreInBatches(IBlockStore store, IEnumerable<RealBlocks.Item> blocks, int size)
    {
        foreach (var chunk in blocks.Chunk(size))
            store.StoreBlocks(chunk.Select(b => (b.Hash, (ReadOnlyMemory<byte>)b.Raw)));
    }

    private static void AssertAllReadBack(IBlockStore store, IEnumerable<RealBlocks.Item> blocks)
    {
        foreach (var block in blocks)
        {
            Assert.True(store.TryReadBlock(block.Hash, out var raw), $"block {block.Height}");
            Assert.Equal(block.Raw, raw);
        }
    }

    [Fact]
    public void Reopen_KeepsIndexBlocksTipAndState()
    {
        using (var store = Open())
        {
            store.PutHeaders(RealBlocks.All.Select(b => b.Entry()));
            store.StoreBlocks(RealBlocks.All.Select(b => (b.Hash, (ReadOnlyMemory<byte>)b.Raw)));
            store.SetTip(RealBlocks.Large[^1].Hash);
            store.PutState("bestheader", RealBlocks.Large[^1].Hash.ToArray());
            store.UpdateStatus(RealBlocks.Small[4].Hash, 0x55);
        }

        using var reopened = Open();
        Assert.Empty(reopened.Repairs);
        Assert.Equal(RealBlocks.Large[^1].Hash, reopened.Tip);
        Assert.True(reopened.TryGetState("bestheader", out var best));
        Assert.Equal(RealBlocks.Large[^1].Hash.ToArray(), best);
        var headers = reopened.LoadHeaders();
        Assert.Equal(RealBlocks.All.Select(b => (b.Hash, b.Height)), headers.Select(h => (h.Hash, h.Height)));
        Assert.Equal(0x55, headers[4].Status);
        AssertAllReadBack(reopened, RealBlocks.All);
    }

    [Fact]
    public void StoreBlock_SmallMaxFileSize_RollsFilesAndReadsBackAfterReopen()
    {
        var options = new BlockStoreOptions { MaxFileSize = 4096 };
        using (var store = Open(options))
        {
            store.PutHeaders(RealBlocks.All.Select(b => b.Entry()));
            StoreInBatches(store, RealBlocks.Small, 16); // files roll inside a batch
            foreach (var block in RealBlocks.Large)
                store.StoreBlock(block.Hash, block.Raw);
        }

        string[] blkFiles = Directory.GetFiles(StoreDir, "blk*.dat");
        Assert.True(blkFiles.Length > 10, $"{blkFiles.Length} files");
        foreach (string file in blkFiles)
        {
            long length = new FileInfo(file).Length;
            Assert.True(length <= 4096 || length > 100_000, $"{file} is {length} bytes"); // only a big block passes the limit, alone
        }
        using var reopened = Open(options);
        AssertAllReadBack(reopened, RealBlocks.All);
        var locations = reopened.LoadHeaders().Select(h => h.Location!.Value).ToList();
        Assert.Equal(blkFiles.Length, locations.Select(l => l.FileNumber).Distinct().Count());
        Assert.Equal(8, locations[0].Offset); // the first record of blk00000.dat: 8-byte prefix, then the block
    }

    [Fact]
    public void Open_TornTailAfterLastStoredBlock_CutAndStoreGoesOn()
    {
        Fill();
        long committed = new FileInfo(BlkFile(0)).Length;
        // What a process killed in the middle of an append leaves: a record prefix and part of a block.
        using (var file = new FileStream(BlkFile(0), FileMode.Append))
        {
            file.Write([0xF9, 0xBE, 0xB4, 0xD9, 0x00, 0x10, 0x00, 0x00]);
            file.Write(RealBlocks.Large[0].Raw.AsSpan(0, 1000));
        }

        using (var store = Open())
        {
            Assert.Contains(store.Repairs, r => r.Contains("blk00000.dat", StringComparison.Ordinal) && r.Contains("1008 bytes", StringComparison.Ordinal));
            Assert.Equal(committed, new FileInfo(BlkFile(0)).Length);
            AssertAllReadBack(store, RealBlocks.Small);
            var big = RealBlocks.Large[0];
            store.PutHeaders([big.Entry()]);
            var location = store.StoreBlock(big.Hash, big.Raw);
            Assert.Equal(committed + 8, location.Offset); // written where the torn record was
        }
        using var again = Open();
        Assert.Empty(again.Repairs);
        AssertAllReadBack(again, RealBlocks.Small.Append(RealBlocks.Large[0]));
    }

    [Fact]
    public void Open_TornFirstAppendNothingCommitted_FileCutToZero()
    {
        using (Open())
        {
        }
        File.WriteAllBytes(BlkFile(0), [0xF9, 0xBE, 0xB4, 0xD9, 0xD7, 0x00]);

        using var store = Open();
        Assert.Equal(0, new FileInfo(BlkFile(0)).Length);
        Assert.Single(store.Repairs);
        var block = RealBlocks.Small[0];
        store.PutHeaders([block.Entry()]);
        Assert.Equal(new BlockLocation(0, 8, block.Raw.Length), store.StoreBlock(block.Hash, block.Raw));
    }

    [Fact]
    public void Open_UnindexedNextFile_Deleted()
    {
        Fill();
        File.WriteAllBytes(BlkFile(1), new byte[300]); // a roll whose first block was never indexed

        using var store = Open();
        Assert.False(File.Exists(BlkFile(1)));
        Assert.Contains(store.Repairs, r => r.Contains("blk00001.dat", StringComparison.Ordinal));
        AssertAllReadBack(store, RealBlocks.Small);
    }

    [Theory]
    [InlineData(0)]      // the magic of the first record
    [InlineData(5)]      // its length
    [InlineData(8 + 40)] // the header of block 1 (the prev-hash field)
    [InlineData(8 + 150)] // the coinbase of block 1: only the checksum can tell
    public void TryReadBlock_FlippedByte_CorruptExceptionNamesFileOthersStillRead(int position)
    {
        Fill();
        using (var file = new FileStream(BlkFile(0), FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = position;
            int b = file.ReadByte();
            file.Position = position;
            file.WriteByte((byte)(b ^ 0x01));
        }

        using var store = Open();
        var ex = Assert.Throws<BlockStoreCorruptException>(() => store.TryReadBlock(RealBlocks.Small[0].Hash, out _));
        Assert.Equal(BlkFile(0), ex.Path);
        Assert.Contains("blk00000.dat", ex.Message, StringComparison.Ordinal);
        Assert.Contains(RealBlocks.Small[0].Hash.ToString(), ex.Message, StringComparison.Ordinal);
        AssertAllReadBack(store, RealBlocks.Small.Skip(1));
    }

    [Fact]
    public void Open_FlatFileCutShort_CorruptExceptionNamesFile()
    {
        Fill();
        long length = new FileInfo(BlkFile(0)).Length;
        using (var file = new FileStream(BlkFile(0), FileMode.Open, FileAccess.Write))
            file.SetLength(length - 10);

        var ex = Assert.Throws<BlockStoreCorruptException>(() => Open());
        Assert.Equal(BlkFile(0), ex.Path);
        Assert.Contains("cut short", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_FlatFileMissing_CorruptExceptionNamesFile()
    {
        Fill(new BlockStoreOptions { MaxFileSize = 4096 });
        File.Delete(BlkFile(2));

        var ex = Assert.Throws<BlockStoreCorruptException>(() => Open(new BlockStoreOptions { MaxFileSize = 4096 }));
        Assert.Equal(BlkFile(2), ex.Path);
    }

    [Fact]
    public void Open_IndexTableFileDamaged_CorruptExceptionNamesIndex()
    {
        Fill();
        using (Open())
        {
            // A second open replays the write-ahead log into a table file (an .sst), where the entries now live.
        }
        string indexDir = Path.Combine(StoreDir, BlockStore.IndexDirectoryName);
        string[] tables = Directory.GetFiles(indexDir, "*.sst");
        Assert.NotEmpty(tables);
        foreach (string table in tables)
        {
            byte[] bytes = File.ReadAllBytes(table);
            for (int i = 100; i < bytes.Length - 100; i += 97)
                bytes[i] ^= 0x5A;
            File.WriteAllBytes(table, bytes);
        }

        var ex = Assert.Throws<BlockStoreCorruptException>(() =>
        {
            using var store = Open();
            store.LoadHeaders();
        });
        Assert.Equal(indexDir, ex.Path);
        Assert.Contains("Corruption", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IndexEntryFailsItsChecksum_CorruptExceptionNotWrongLocation()
    {
        Fill();
        var victim = RealBlocks.Small[7];
        using var store = Open();
        byte[] key = IndexCodec.HeaderKey(victim.Hash);
        byte[] value = store.GetRawIndexValue(key)!;
        value[90] ^= 0x10; // the offset of the block in its file
        store.PutRawIndexValue(key, value);

        string indexDir = Path.Combine(StoreDir, BlockStore.IndexDirectoryName);
        var read = Assert.Throws<BlockStoreCorruptException>(() => store.TryReadBlock(victim.Hash, out _));
        Assert.Equal(indexDir, read.Path);
        Assert.Contains(victim.Hash.ToString(), read.Message, StringComparison.Ordinal);
        Assert.Throws<BlockStoreCorruptException>(() => store.LoadHeaders());
        Assert.True(store.TryReadBlock(RealBlocks.Small[8].Hash, out _));
    }

    [Fact]
    public void Open_IndexMissingBesideBlockFiles_CorruptException()
    {
        Fill();
        Directory.Delete(Path.Combine(StoreDir, BlockStore.IndexDirectoryName), recursive: true);

        var ex = Assert.Throws<BlockStoreCorruptException>(() => Open());
        Assert.Contains("index is missing", ex.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(BlkFile(0))); // nothing deleted
    }

    [Fact]
    public void Open_OtherNetworksStore_Refused()
    {
        Fill();
        var ex = Assert.Throws<InvalidOperationException>(() => BlockStore.Open(StoreDir, TestNetMagic));
        Assert.Contains("0xd9b4bef9", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_WhileOpen_IOException()
    {
        using var store = Open();
        Assert.Throws<IOException>(() => Open());
    }

    [Fact]
    public void Open_EmptyDirectory_EmptyStore()
    {
        using var store = Open();
        Assert.Null(store.Tip);
        Assert.Empty(store.LoadHeaders());
        Assert.Empty(store.Repairs);
        Assert.Equal(MainNetMagic, store.Magic);
    }
}
