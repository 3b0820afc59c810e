using ActorNode.Wire.Primitives;
using RocksDbSharp;

namespace ActorNode.Storage.Blocks;

/// <summary>The durable block store of one network (ADR 0002): blocks kept as received in append-only flat files
/// <c>blk?????.dat</c> (Core's layout), and the block index and chain state in RocksDB (<c>index/</c>), as Core
/// keeps blk files beside a LevelDB block index (node/blockstorage.cpp).
/// <para>Crash safety comes from the order of writes: a block's bytes are appended and fsynced first, the index
/// entry that names them is committed after (a synced RocksDB write batch), and the tip moves only to a block whose
/// entry says stored. So a process killed at any instant leaves, at worst, bytes past the committed end of the last
/// flat file; <see cref="Open"/> cuts them off (Core instead finds them again by reindexing). The committed end of
/// each file is itself in the index (Core's <c>CBlockFileInfo</c>): a file shorter than it, a record that fails its
/// checks, or an index value that fails its checksum raises <see cref="BlockStoreCorruptException"/>; nothing
/// unverified is ever returned.</para>
/// <para>Thread safety: writes take a lock; reads take none and may run during a write.</para></summary>
public sealed class BlockStore : IBlockStore
{
    /// <summary>The index database's folder inside the store's directory.</summary>
    public const string IndexDirectoryName = "index";

    private const int FormatVersion = 1;

    private readonly RocksDb db;
    private readonly BlockFiles files;
    private readonly BlockStoreOptions options;
    private readonly WriteOptions writeOptions;
    private readonly ReadOptions readOptions;
    private readonly Lock writeLock = new();
    private readonly string indexDirectory;
    private int lastFile;
    private IndexCodec.FileInfo lastInfo;
    private volatile Box? tip;
    private long indexSyncs;
    private bool disposed;

    private sealed record Box(Hash256 Hash);

    private BlockStore(string directory, uint magic, BlockStoreOptions options, RocksDb db, string indexDirectory)
    {
        Directory = directory;
        Magic = magic;
        this.options = options;
        this.db = db;
        this.indexDirectory = indexDirectory;
        files = new BlockFiles(directory, magic, options.SyncWrites);
        writeOptions = new WriteOptions().SetSync(options.SyncWrites);
        readOptions = new ReadOptions().SetVerifyChecksums(true);
    }

    /// <summary>The store's directory (e.g. <c>~/.actornode/mainnet/blocks</c>, chosen by the host).</summary>
    public string Directory { get; }

    public uint Magic { get; }

    public Hash256? Tip => tip?.Hash;

    /// <summary>fsyncs issued since <see cref="Open"/>: of flat files, of the directory (a new file's name), and
    /// synced index commits (each one fsync of RocksDB's write-ahead log). The sync benchmark reports it per 1,000
    /// blocks. Zero when <see cref="BlockStoreOptions.SyncWrites"/> is off.</summary>
    public long Fsyncs => files.Syncs + Interlocked.Read(ref indexSyncs);

    /// <summary>Test hook: called at each <see cref="BlockStoreWriteStep"/> of a block write, on the writing thread.</summary>
    internal Action<BlockStoreWriteStep>? StepHook
    {
        get => stepHook;
        set
        {
            stepHook = value;
            files.StepHook = value;
        }
    }

    private Action<BlockStoreWriteStep>? stepHook;

    private void Step(BlockStoreWriteStep step) => stepHook?.Invoke(step);

    /// <summary>What <see cref="Open"/> repaired, one line each (bytes past the committed end of a flat file cut
    /// off, a flat file holding only uncommitted bytes deleted), for the host's log. Empty after a clean stop.</summary>
    public IReadOnlyList<string> Repairs { get; private set; } = [];

    /// <summary>Opens the store in <paramref name="directory"/>, creating it if it does not exist.</summary>
    /// <exception cref="BlockStoreCorruptException">The index or a flat file is damaged or missing (names which).</exception>
    /// <exception cref="InvalidOperationException">The store belongs to another network (another magic) or was
    /// written by a newer format.</exception>
    /// <exception cref="IOException">The files cannot be opened, e.g. another process has the store open.</exception>
    public static BlockStore Open(string directory, uint magic, BlockStoreOptions? options = null)
    {
        options ??= BlockStoreOptions.Default;
        options.Validate();
        directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(directory);
        string indexDirectory = Path.Combine(directory, IndexDirectoryName);
        bool indexExisted = File.Exists(Path.Combine(indexDirectory, "CURRENT"));

        if (!indexExisted && System.IO.Directory.EnumerateFiles(directory, "blk*.dat").Any(f => new FileInfo(f).Length > 0))
            throw new BlockStoreCorruptException(indexDirectory,
                "the block index is missing but block files exist beside it; the store cannot say which blocks they hold");

        // A bloom filter of 10 bits per key, as Core's dbwrapper.cpp gives LevelDB: PutHeaders looks up every
        // header (to keep a stored location), and most are new.
        var tableOptions = new BlockBasedTableOptions().SetFilterPolicy(BloomFilterPolicy.Create(10, false));
        var dbOptions = new DbOptions()
            .SetBlockBasedTableFactory(tableOptions)
            .SetCreateIfMissing(true)
            .SetParanoidChecks(true)
            .SetKeepLogFileNum(2)
            .SetMaxLogFileSize(1 << 20);
        RocksDb db;
        try
        {
            db = RocksDb.Open(dbOptions, indexDirectory);
        }
        catch (RocksDbException ex)
        {
            throw Translate(ex, indexDirectory, "cannot be opened");
        }

        var store = new BlockStore(directory, magic, options, db, indexDirectory);
        try
        {
            store.Load(indexExisted);
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    private static Exception Translate(RocksDbException ex, string indexDirectory, string what) =>
        ex.Message.StartsWith("Corruption", StringComparison.OrdinalIgnoreCase)
            ? new BlockStoreCorruptException(indexDirectory, $"the block index {what}: {ex.Message}", ex)
            : new IOException($"{indexDirectory}: the block index {what}: {ex.Message}", ex);

    // ---------------------------------------------------------------- open

    private void Load(bool indexExisted)
    {
        var meta = Get(IndexCodec.MetaKey);
        if (meta is null)
        {
            if (indexExisted && AnyKey())
                throw new BlockStoreCorruptException(indexDirectory, "the block index has entries but no format record");
            Write(batch => batch.Put(IndexCodec.MetaKey, IndexCodec.EncodeMeta(Magic, FormatVersion)));
        }
        else
        {
            var (storedMagic, version) = IndexCodec.DecodeMeta(meta)
                ?? throw new BlockStoreCorruptException(indexDirectory, "the format record of the block index fails its checksum");
            if (storedMagic != Magic)
                throw new InvalidOperationException($"{Directory} holds blocks of the network with magic 0x{storedMagic:x8}, not 0x{Magic:x8}");
            if (version != FormatVersion)
                throw new InvalidOperationException($"{Directory} is in block store format {version}; this program reads format {FormatVersion}");
        }

        var repairs = new List<string>();
        var infos = ReadFileInfos();
        lastFile = infos.Count == 0 ? 0 : infos.Keys.Max();
        lastInfo = infos.GetValueOrDefault(lastFile);
        for (int file = 0; file <= lastFile; file++)
        {
            // No record at all: nothing was ever committed, blk00000.dat holds at most a torn first append.
            var info = infos.Count == 0 ? default : infos.GetValueOrDefault(file, new IndexCodec.FileInfo(-1, 0));
            if (info.Size < 0)
                throw new BlockStoreCorruptException(indexDirectory, $"the block index has no record of {files.PathOf(file)} but has later files");
            long length = files.LengthOf(file);
            if (length < 0)
            {
                if (info.Size > 0)
                    throw new BlockStoreCorruptException(files.PathOf(file), $"missing, but the block index says it holds {info.Blocks} blocks ({info.Size} bytes)");
            }
            else if (length < info.Size)
            {
                throw new BlockStoreCorruptException(files.PathOf(file),
                    $"is {length} bytes, but the block index says {info.Size} bytes of blocks ({info.Blocks} blocks) are stored in it: the file was cut short");
            }
            else if (length > info.Size)
            {
                files.Truncate(file, info.Size);
                repairs.Add($"{files.PathOf(file)}: cut {length - info.Size} bytes past the last stored block (written before a stop, never indexed)");
            }
        }
        foreach (int file in files.ExistingFiles().Where(n => n > lastFile))
        {
            long length = files.LengthOf(file);
            files.Delete(file);
            repairs.Add($"{files.PathOf(file)}: deleted, {length} bytes written before a stop and never indexed");
        }
        Repairs = repairs;

        var tipValue = Get(IndexCodec.TipKey);
        if (tipValue is not null)
        {
            var hash = IndexCodec.DecodeHash(tipValue)
                ?? throw new BlockStoreCorruptException(indexDirectory, "the tip record of the block index fails its checksum");
            var entry = ReadEntry(hash);
            if (entry?.Header.Location is null)
                throw new BlockStoreCorruptException(indexDirectory, $"the tip {hash} is not a stored block in the index");
            tip = new Box(hash);
        }
    }

    private Dictionary<int, IndexCodec.FileInfo> ReadFileInfos()
    {
        var infos = new Dictionary<int, IndexCodec.FileInfo>();
        foreach (var (key, value) in Scan(IndexCodec.FilePrefix))
        {
            int file = IndexCodec.FileOfKey(key);
            infos[file] = IndexCodec.DecodeFile(value)
                ?? throw new BlockStoreCorruptException(indexDirectory, $"the record of {files.PathOf(file)} in the block index fails its checksum");
        }
        return infos;
    }

    // ---------------------------------------------------------------- index

    public void PutHeaders(IEnumerable<HeaderEntry> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var list = headers.ToList();
        foreach (var h in list)
            CheckHeader(h);
        lock (writeLock)
        {
            ThrowIfDisposed();
            Write(batch =>
            {
                foreach (var h in list)
                {
                    var old = ReadEntry(h.Hash);
                    var stored = new StoredHeader(h.Hash, h.Header, h.Height, h.Status, old?.Header.Location);
                    batch.Put(IndexCodec.HeaderKey(h.Hash), IndexCodec.EncodeEntry(new IndexCodec.Entry(stored, old?.BlockChecksum ?? 0)));
                }
            });
        }
    }

    internal static void CheckHeader(HeaderEntry h)
    {
        if (h.Height < 0)
            throw new ArgumentException($"height {h.Height} of {h.Hash} is negative", nameof(h));
        if (h.Header.GetHash() != h.Hash)
            throw new ArgumentException($"the header given for {h.Hash} hashes to {h.Header.GetHash()}", nameof(h));
    }

    public bool UpdateStatus(Hash256 hash, byte status)
    {
        lock (writeLock)
        {
            ThrowIfDisposed();
            if (ReadEntry(hash) is not { } entry)
                return false;
            var updated = entry with { Header = entry.Header with { Status = status } };
            Write(batch => batch.Put(IndexCodec.HeaderKey(hash), IndexCodec.EncodeEntry(updated)));
            return true;
        }
    }

    public bool TryGetHeader(Hash256 hash, out StoredHeader header)
    {
        ThrowIfDisposed();
        var entry = ReadEntry(hash);
        header = entry?.Header ?? default;
        return entry is not null;
    }

    public IReadOnlyList<StoredHeader> LoadHeaders()
    {
        ThrowIfDisposed();
        var list = new List<StoredHeader>();
        foreach (var (key, value) in Scan(IndexCodec.HeaderPrefix))
        {
            var hash = IndexCodec.HashOfKey(key);
            var entry = IndexCodec.DecodeEntry(hash, value)
                ?? throw new BlockStoreCorruptException(indexDirectory, $"the index entry of block {hash} fails its checksum");
            list.Add(entry.Header);
        }
        list.Sort(static (a, b) => a.Height != b.Height ? a.Height.CompareTo(b.Height) : a.Hash.CompareTo(b.Hash));
        return list;
    }

    // ---------------------------------------------------------------- blocks

    public BlockLocation StoreBlock(Hash256 hash, ReadOnlySpan<byte> rawBlock)
    {
        lock (writeLock)
        {
            ThrowIfDisposed();
            var pending = new Dictionary<Hash256, IndexCodec.Entry>();
            var ends = new Dictionary<int, IndexCodec.FileInfo>();
            var location = Append(hash, rawBlock, pending, ends);
            Commit(pending, ends, newTip: null);
            return location;
        }
    }

    public void StoreBlocks(IEnumerable<(Hash256 Hash, ReadOnlyMemory<byte> RawBlock)> blocks) => StoreBlocks(blocks, null);

    public void StoreBlocks(IEnumerable<(Hash256 Hash, ReadOnlyMemory<byte> RawBlock)> blocks, Hash256? newTip)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        var list = blocks as IReadOnlyList<(Hash256 Hash, ReadOnlyMemory<byte> RawBlock)> ?? blocks.ToList();
        lock (writeLock)
        {
            ThrowIfDisposed();
            // The tip is checked before anything is written: all or none.
            if (newTip is { } t && ReadEntry(t)?.Header.Location is null && !list.Any(b => b.Hash == t))
                throw new InvalidOperationException($"block {t} is neither stored nor in the batch; the tip must be a stored block");
            var pending = new Dictionary<Hash256, IndexCodec.Entry>();
            var ends = new Dictionary<int, IndexCodec.FileInfo>();
            foreach (var (hash, raw) in list)
                Append(hash, raw.Span, pending, ends);
            Commit(pending, ends, newTip);
        }
    }

    /// <summary>Appends one block's record (not yet flushed nor indexed) and notes the entry to commit. On any
    /// failure the in-memory end of the files goes back to the committed one, so the next append overwrites.</summary>
    private BlockLocation Append(Hash256 hash, ReadOnlySpan<byte> raw, Dictionary<Hash256, IndexCodec.Entry> pending, Dictionary<int, IndexCodec.FileInfo> ends)
    {
        var entry = pending.TryGetValue(hash, out var p) ? p : ReadEntry(hash)
            ?? throw new KeyNotFoundException($"block {hash} is not in the index: put its header first");
        if (entry.Header.Location is { } existing)
            return existing;
        if (raw.Length < BlockHeader.Size || Hash256.DoubleSha256(raw[..BlockHeader.Size]) != hash)
            throw new ArgumentException($"the bytes given for block {hash} do not start with its header", nameof(raw));
        if (raw.Length > BlockStoreOptions.MaxBlockLength)
            throw new ArgumentException($"block {hash} is {raw.Length} bytes, more than {BlockStoreOptions.MaxBlockLength}", nameof(raw));

        try
        {
            long recordLength = BlockFiles.RecordPrefix + raw.Length;
            if (lastInfo.Size > 0 && lastInfo.Size + recordLength > options.MaxFileSize)
            {
                files.Flush(); // the file being left must be on disk before the commit that names its blocks
                Step(BlockStoreWriteStep.FileSyncedBeforeRoll);
                lastFile++;
                lastInfo = default;
            }
            files.Append(lastFile, lastInfo.Size, raw);
            Step(BlockStoreWriteStep.RecordWritten);
            var location = new BlockLocation(lastFile, lastInfo.Size + BlockFiles.RecordPrefix, raw.Length);
            lastInfo = new IndexCodec.FileInfo(lastInfo.Size + recordLength, lastInfo.Blocks + 1);
            ends[lastFile] = lastInfo;
            pending[hash] = new IndexCodec.Entry(entry.Header with { Location = location }, Crc32C.Compute(raw));
            return location;
        }
        catch
        {
            RewindToCommitted();
            throw;
        }
    }

    /// <summary>Bytes first (fsync), then one synced index write batch with the blocks' entries, each file's new
    /// committed end and the tip: a kill before the commit leaves only uncommitted bytes past the committed end.</summary>
    private void Commit(Dictionary<Hash256, IndexCodec.Entry> pending, Dictionary<int, IndexCodec.FileInfo> ends, Hash256? newTip)
    {
        if (pending.Count == 0 && (newTip is null || newTip == Tip))
            return;
        try
        {
            if (pending.Count > 0)
            {
                files.Flush(); // bytes first ...
                Step(BlockStoreWriteStep.DataSynced);
            }
            Write(batch => // ... then the index that names them, with each file's new committed end, and the tip
            {
                foreach (var (hash, entry) in pending)
                    batch.Put(IndexCodec.HeaderKey(hash), IndexCodec.EncodeEntry(entry));
                foreach (var (file, info) in ends)
                    batch.Put(IndexCodec.FileKey(file), IndexCodec.EncodeFile(info));
                if (newTip is { } t)
                    batch.Put(IndexCodec.TipKey, IndexCodec.EncodeHash(t));
            });
            if (newTip is { } moved)
                tip = new Box(moved);
            Step(BlockStoreWriteStep.IndexCommitted);
        }
        catch
        {
            RewindToCommitted();
            throw;
        }
    }

    private void RewindToCommitted()
    {
        var infos = ReadFileInfos();
        lastFile = infos.Count == 0 ? 0 : infos.Keys.Max();
        lastInfo = infos.GetValueOrDefault(lastFile);
    }

    public bool HasBlock(Hash256 hash)
    {
        ThrowIfDisposed();
        return ReadEntry(hash)?.Header.Location is not null;
    }

    public bool TryReadBlock(Hash256 hash, out byte[] rawBlock)
    {
        ThrowIfDisposed();
        rawBlock = [];
        if (ReadEntry(hash) is not { Header.Location: { } location } entry)
            return false;
        rawBlock = files.Read(hash, location, entry.BlockChecksum);
        return true;
    }

    // ---------------------------------------------------------------- chain state

    public void SetTip(Hash256 hash)
    {
        lock (writeLock)
        {
            ThrowIfDisposed();
            if (ReadEntry(hash)?.Header.Location is null)
                throw new InvalidOperationException($"block {hash} is not stored; the tip must be a stored block");
            Write(batch => batch.Put(IndexCodec.TipKey, IndexCodec.EncodeHash(hash)));
            tip = new Box(hash);
        }
    }

    public void PutState(string key, ReadOnlySpan<byte> value)
    {
        byte[] k = IndexCodec.StateKey(key);
        byte[] v = IndexCodec.EncodeState(value);
        lock (writeLock)
        {
            ThrowIfDisposed();
            Write(batch => batch.Put(k, v));
        }
    }

    public bool TryGetState(string key, out byte[] value)
    {
        ThrowIfDisposed();
        value = [];
        if (Get(IndexCodec.StateKey(key)) is not { } stored)
            return false;
        value = IndexCodec.DecodeState(stored)
            ?? throw new BlockStoreCorruptException(indexDirectory, $"the chain-state value '{key}' fails its checksum");
        return true;
    }

    // ---------------------------------------------------------------- engine access

    private IndexCodec.Entry? ReadEntry(Hash256 hash)
    {
        if (Get(IndexCodec.HeaderKey(hash)) is not { } value)
            return null;
        return IndexCodec.DecodeEntry(hash, value)
            ?? throw new BlockStoreCorruptException(indexDirectory, $"the index entry of block {hash} fails its checksum");
    }

    private byte[]? Get(byte[] key)
    {
        try
        {
            return db.Get(key, null, readOptions);
        }
        catch (RocksDbException ex)
        {
            throw Translate(ex, indexDirectory, "cannot be read");
        }
    }

    private void Write(Action<WriteBatch> fill)
    {
        using var batch = new WriteBatch();
        fill(batch);
        try
        {
            db.Write(batch, writeOptions);
            if (options.SyncWrites)
                Interlocked.Increment(ref indexSyncs);
        }
        catch (RocksDbException ex)
        {
            throw Translate(ex, indexDirectory, "cannot be written");
        }
    }

    private bool AnyKey()
    {
        using var it = db.NewIterator(null, readOptions);
        it.SeekToFirst();
        return it.Valid();
    }

    /// <summary>Every key and value whose key starts with <paramref name="prefix"/>, in key order; an engine
    /// error (a damaged table file) is raised after the last good entry.</summary>
    private List<(byte[] Key, byte[] Value)> Scan(byte prefix)
    {
        var result = new List<(byte[], byte[])>();
        try
        {
            using var it = db.NewIterator(null, readOptions);
            for (it.Seek([prefix]); it.Valid(); it.Next())
            {
                byte[] key = it.Key();
                if (key.Length == 0 || key[0] != prefix)
                    break;
                result.Add((key, it.Value()));
            }
            Native.Instance.rocksdb_iter_get_error(it.Handle);
        }
        catch (RocksDbException ex)
        {
            throw Translate(ex, indexDirectory, "cannot be read");
        }
        return result;
    }

    /// <summary>Test hook: the raw value under an index key, and a way to overwrite it (to damage an entry as a
    /// failing disk would, past the engine's own checks).</summary>
    internal byte[]? GetRawIndexValue(byte[] key) => Get(key);

    internal void PutRawIndexValue(byte[] key, byte[] value) => Write(batch => batch.Put(key, value));

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(disposed, this);

    public void Dispose()
    {
        lock (writeLock)
        {
            if (disposed)
                return;
            disposed = true;
            files.Dispose();
            db.Dispose();
        }
    }
}
