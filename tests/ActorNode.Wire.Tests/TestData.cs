using System.Buffers.Binary;
using ICSharpCode.SharpZipLib.BZip2;

namespace ActorNode.Wire.Tests;

/// <summary>The shared real-data files (<c>shared/data</c>, described in its README.md): finds the folder and
/// reads its formats.</summary>
internal static class TestData
{
    /// <summary>Mainnet magic, which also starts every record of the framed-block files.</summary>
    public const uint MainNetMagic = 0xD9B4BEF9;

    public const string Blocks1To255 = "blocks1-256.bz2";
    public const string Block277647 = "277647.dat.bz2";
    public const string HeadersMainnet1To11 = "blockheaders-mainnet-1-11.txt";
    public const string Block574200 = "block-0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2.blk";
    public const string Block540107 = "block-00000000000000000021868c2cefc52a480d173c849412fe81c4e5ab806f94ab.blk";

    private static readonly Lazy<string> Folder = new(Locate);

    /// <summary>The <c>shared/data</c> folder: the first ancestor of the test binaries that holds
    /// <c>shared/data/README.md</c> (the repo is at /work/main or /work/wt/x with /work/shared; CI puts shared
    /// next to the repo root).</summary>
    public static string Directory => Folder.Value;

    public static string PathOf(string name) => Path.Combine(Directory, name);

    public static byte[] ReadAllBytes(string name) => File.ReadAllBytes(PathOf(name));

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data");
            if (File.Exists(Path.Combine(candidate, "README.md"))) return candidate;
        }
        throw new DirectoryNotFoundException(
            $"the shared test data is missing: no ancestor of {AppContext.BaseDirectory} contains shared/data/README.md. "
            + "The suite needs the shared folder (real mainnet blocks, BIP324 and minisketch vectors) beside the "
            + "repository, as ../shared (README.md, Prerequisites).");
    }

    /// <summary>Decompresses a bzip2 file whole.</summary>
    public static byte[] ReadBZip2(string name)
    {
        using var file = File.OpenRead(PathOf(name));
        using var bzip = new BZip2InputStream(file);
        using var output = new MemoryStream();
        bzip.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>The records of a framed-block file: magic (uint32 LE) ‖ length (uint32 LE) ‖ block. The stream must
    /// end exactly at a record boundary, and every magic must be mainnet's.</summary>
    public static List<byte[]> ReadFramedBlocks(string name)
    {
        var data = ReadBZip2(name);
        var blocks = new List<byte[]>();
        int offset = 0;
        while (offset < data.Length)
        {
            if (data.Length - offset < 8) throw new InvalidDataException($"{name}: partial record header at {offset}");
            uint magic = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset));
            if (magic != MainNetMagic) throw new InvalidDataException($"{name}: bad magic 0x{magic:x8} at {offset}");
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset + 4));
            offset += 8;
            if (length > (uint)(data.Length - offset))
                throw new InvalidDataException($"{name}: record of {length} bytes runs past the end at {offset}");
            blocks.Add(data.AsSpan(offset, (int)length).ToArray());
            offset += (int)length;
        }
        return blocks;
    }

    /// <summary>The lines of a hex-per-line file (empty lines skipped), decoded.</summary>
    public static List<byte[]> ReadHexLines(string name) =>
        File.ReadAllLines(PathOf(name))
            .Where(line => line.Length > 0)
            .Select(Convert.FromHexString)
            .ToList();
}
