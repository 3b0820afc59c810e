namespace ActorNode.V2Transport.Tests;

/// <summary>The official BIP324 vector files in <c>../shared/data/bip324</c> (README.md there), read at test time
/// and parsed by header name.</summary>
internal static class VectorFiles
{
    public const string Decode = "ellswift_decode_test_vectors.csv";
    public const string Inverse = "xswiftec_inv_test_vectors.csv";
    public const string Packets = "packet_encoding_test_vectors.csv";

    private static readonly Lazy<string> Folder = new(Locate);

    /// <summary>Rows as header → value maps, in file order.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> Read(string name)
    {
        var lines = File.ReadAllLines(Path.Combine(Folder.Value, name)).Where(l => l.Length > 0).ToArray();
        var header = lines[0].Split(',');
        var rows = new List<IReadOnlyDictionary<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split(',');
            if (fields.Length != header.Length)
                throw new InvalidDataException($"{name}: a row has {fields.Length} fields, the header {header.Length}");
            rows.Add(header.Zip(fields).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal));
        }
        return rows;
    }

    /// <summary>A file in <c>../shared/data</c> (the folder above the vectors).</summary>
    public static string SharedData(string name) => Path.Combine(Folder.Value, "..", name);

    public static byte[] Hex(string hex) => Convert.FromHexString(hex);

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data", "bip324");
            if (File.Exists(Path.Combine(candidate, Packets))) return candidate;
        }
        throw new DirectoryNotFoundException($"no ancestor of {AppContext.BaseDirectory} contains shared/data/bip324");
    }
}
