using System.Buffers.Binary;
using ICSharpCode.SharpZipLib.BZip2;

namespace ActorNode.Chain.Tests;

/// <summary>Finds and reads the real block files in shared/data (formats in shared/data/README.md).</summary>
internal static class SharedData
{
    private static readonly Lazy<string> Root = new(FindDataDirectory);

    /// <summary>The shared/data directory: the first ancestor of the test binaries that holds
    /// shared/data/README.md (the repository sits beside or under the directory that holds shared/).</summary>
    public static string DataDirectory => Root.Value;

    public static string PathOf(string fileName) => Path.Combine(DataDirectory, fileName);

    private static string FindDataDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (File.Exists(Path.Combine(candidate, "README.md"))) return candidate;
        }
        throw new DirectoryNotFoundException(
            $"no ancestor of {AppContext.BaseDirectory} contains shared/data/README.md");
    }

    /// <summary>Decompresses a .bz2 file.</summary>
    public static byte[] ReadBzip2(string fileName)
    {
        using var file = File.OpenRead(PathOf(fileName));
        using var bzip = new BZip2InputStream(file);
        using var output = new MemoryStream();
        bzip.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>A framed-block record: the magic it carried and the serialised block.</summary>
    public readonly record struct FramedRecord(uint Magic, ReadOnlyMemory<byte> Block);

    /// <summary>Splits a decompressed framed-block stream (magic uint32 LE ‖ length uint32 LE ‖ block) into its
    /// records; the stream must end exactly at a record boundary.</summary>
    public static List<FramedRecord> ReadFramedBlocks(string fileName)
    {
        var bytes = ReadBzip2(fileName);
        var records = new List<FramedRecord>();
        int offset = 0;
        while (offset < bytes.Length)
        {
            if (bytes.Length - offset < 8) throw new InvalidDataException("truncated record header");
            uint magic = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset));
            int length = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 4)));
            offset += 8;
            if (bytes.Length - offset < length) throw new InvalidDataException("truncated block");
            records.Add(new FramedRecord(magic, bytes.AsMemory(offset, length)));
            offset += length;
        }
        return records;
    }
}
