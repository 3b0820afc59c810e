using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using ActorNode.Wire.Primitives;
using Microsoft.Win32.SafeHandles;

namespace ActorNode.Storage.Blocks;

/// <summary>The append-only flat files <c>blk00000.dat</c>, <c>blk00001.dat</c>, …: records of magic (uint32 LE) ‖
/// length (uint32 LE) ‖ block, the layout of Core's <c>blk?????.dat</c> (node/blockstorage.cpp
/// <c>WriteBlockToDisk</c>). Appends go to the last file at the end its owner says is committed; reads go to any
/// file by position, from any thread.</summary>
internal sealed class BlockFiles : IDisposable
{
    public const int RecordPrefix = 8;

    private readonly string directory;
    private readonly uint magic;
    private readonly bool sync;
    private readonly ConcurrentDictionary<int, SafeFileHandle> readers = new();
    private FileStream? writer;
    private int writerFile = -1;
    private long syncs;

    public BlockFiles(string directory, uint magic, bool sync)
    {
        this.directory = directory;
        this.magic = magic;
        this.sync = sync;
    }

    /// <summary>fsyncs issued so far (of flat files and of the directory).</summary>
    public long Syncs => Interlocked.Read(ref syncs);

    /// <summary>Test hook: called between the prefix and the block of a record.</summary>
    public Action<BlockStoreWriteStep>? StepHook { get; set; }

    public string PathOf(int file) =>
        Path.Combine(directory, "blk" + file.ToString("D5", CultureInfo.InvariantCulture) + ".dat");

    /// <summary>The numbers of the flat files present, ascending.</summary>
    public IEnumerable<int> ExistingFiles() =>
        Directory.EnumerateFiles(directory, "blk*.dat")
            .Select(Path.GetFileName)
            .Select(name => name!.Length == 12 && int.TryParse(name.AsSpan(3, 5), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : -1)
            .Where(n => n >= 0)
            .Order();

    public long LengthOf(int file)
    {
        var info = new FileInfo(PathOf(file));
        return info.Exists ? info.Length : -1;
    }

    /// <summary>Cuts a file back to <paramref name="length"/> (the bytes past it were never committed) and syncs it.</summary>
    public void Truncate(int file, long length)
    {
        using var stream = new FileStream(PathOf(file), FileMode.Open, FileAccess.Write, FileShare.Read, bufferSize: 0);
        stream.SetLength(length);
        if (sync) SyncFile(stream);
    }

    public void Delete(int file)
    {
        File.Delete(PathOf(file));
        if (sync) SyncDirectory();
    }

    /// <summary>Writes one record at <paramref name="position"/> of <paramref name="file"/> (the committed end),
    /// creating the file when needed. Not flushed: see <see cref="Flush"/>.</summary>
    public void Append(int file, long position, ReadOnlySpan<byte> block)
    {
        var stream = WriterFor(file);
        Span<byte> prefix = stackalloc byte[RecordPrefix];
        BinaryPrimitives.WriteUInt32LittleEndian(prefix, magic);
        BinaryPrimitives.WriteUInt32LittleEndian(prefix[4..], (uint)block.Length);
        stream.Position = position;
        stream.Write(prefix);
        StepHook?.Invoke(BlockStoreWriteStep.RecordPrefixWritten);
        stream.Write(block);
    }

    /// <summary>fsync of the file being appended to (when syncing is on).</summary>
    public void Flush()
    {
        if (sync && writer is not null) SyncFile(writer);
    }

    private void SyncFile(FileStream stream)
    {
        stream.Flush(flushToDisk: true);
        Interlocked.Increment(ref syncs);
    }

    private void SyncDirectory()
    {
        DirectorySync.Flush(directory);
        Interlocked.Increment(ref syncs);
    }

    private FileStream WriterFor(int file)
    {
        if (writerFile == file && writer is not null)
            return writer;
        writer?.Dispose();
        bool existed = File.Exists(PathOf(file));
        // bufferSize 0: every Write goes straight to the OS, as DurableFile does.
        writer = new FileStream(PathOf(file), FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        writerFile = file;
        if (!existed && sync)
            SyncDirectory(); // the new file's name must survive a power loss before the index names it
        return writer;
    }

    /// <summary>Reads and verifies the record of a block: the file must hold the whole record, its prefix must
    /// carry the magic and the indexed length, its bytes the indexed checksum, and its header the block's hash.</summary>
    public byte[] Read(Hash256 hash, BlockLocation location, uint checksum)
    {
        string path = PathOf(location.FileNumber);
        SafeFileHandle handle;
        try
        {
            handle = readers.GetOrAdd(location.FileNumber,
                static (n, self) => File.OpenHandle(self.PathOf(n), FileMode.Open, FileAccess.Read, FileShare.ReadWrite), this);
        }
        catch (FileNotFoundException ex)
        {
            throw new BlockStoreCorruptException(path, $"missing, but the index says block {hash} is in it", ex);
        }

        long start = location.Offset - RecordPrefix;
        long fileLength = RandomAccess.GetLength(handle);
        if (start < 0 || location.Length < BlockHeader.Size || location.Length > BlockStoreOptions.MaxBlockLength
            || location.Offset + location.Length > fileLength)
            throw new BlockStoreCorruptException(path,
                $"block {hash} should be {location.Length} bytes at offset {location.Offset}, but the file is {fileLength} bytes");

        Span<byte> prefix = stackalloc byte[RecordPrefix];
        if (ReadFully(handle, prefix, start) != RecordPrefix)
            throw new BlockStoreCorruptException(path, $"record of block {hash} at offset {start} is cut short");
        uint recordMagic = BinaryPrimitives.ReadUInt32LittleEndian(prefix);
        uint recordLength = BinaryPrimitives.ReadUInt32LittleEndian(prefix[4..]);
        if (recordMagic != magic)
            throw new BlockStoreCorruptException(path, $"record of block {hash} at offset {start} starts with 0x{recordMagic:x8}, not the magic 0x{magic:x8}");
        if (recordLength != (uint)location.Length)
            throw new BlockStoreCorruptException(path, $"record of block {hash} at offset {start} says {recordLength} bytes, the index {location.Length}");

        // The length is now checked against the index and the file: the allocation is backed by bytes on disk.
        byte[] bytes = new byte[location.Length];
        int read = ReadFully(handle, bytes, location.Offset);
        if (read != bytes.Length)
            throw new BlockStoreCorruptException(path, $"block {hash} at offset {location.Offset}: read {read} of {bytes.Length} bytes");
        uint actual = Crc32C.Compute(bytes);
        if (actual != checksum)
            throw new BlockStoreCorruptException(path, $"block {hash} at offset {location.Offset}: checksum 0x{actual:x8}, index says 0x{checksum:x8}");
        var headerHash = Hash256.DoubleSha256(bytes.AsSpan(0, BlockHeader.Size));
        if (headerHash != hash)
            throw new BlockStoreCorruptException(path, $"block at offset {location.Offset} has header hash {headerHash}, index says {hash}");
        return bytes;
    }

    private static int ReadFully(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = RandomAccess.Read(handle, buffer[total..], offset + total);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    public void Dispose()
    {
        writer?.Dispose();
        writer = null;
        foreach (var handle in readers.Values)
            handle.Dispose();
        readers.Clear();
    }
}
