namespace ActorNode.Minisketch.Tests;

/// <summary>One row of shared/data/minisketch/vectors.csv (its README gives the columns).</summary>
internal sealed record VectorRow(int Line, int Bits, int Capacity, ulong[] Elements, string SketchHex,
    ulong[] OtherElements, string MergedHex, ulong[]? Decoded);

/// <summary>Reads the libminisketch known-answer file at test time.</summary>
internal static class VectorFile
{
    private static readonly Lazy<IReadOnlyList<VectorRow>> Rows = new(Load);

    public static IReadOnlyList<VectorRow> All => Rows.Value;

    public static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data", "minisketch", "vectors.csv");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"no ancestor of {AppContext.BaseDirectory} holds shared/data/minisketch/vectors.csv");
    }

    private static IReadOnlyList<VectorRow> Load()
    {
        var lines = File.ReadAllLines(Locate());
        if (lines[0] != "bits,capacity,elements,sketch_hex,other_elements,merged_hex,decoded")
            throw new InvalidDataException($"unexpected header: {lines[0]}");
        var rows = new List<VectorRow>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var f = lines[i].Split(',');
            if (f.Length != 7) throw new InvalidDataException($"line {i + 1}: {f.Length} fields");
            rows.Add(new VectorRow(i + 1, int.Parse(f[0]), int.Parse(f[1]), Numbers(f[2]), f[3], Numbers(f[4]), f[5],
                f[6] == "FAIL" ? null : Numbers(f[6])));
        }
        return rows;
    }

    private static ulong[] Numbers(string field) =>
        field.Length == 0 ? [] : field.Split(' ').Select(ulong.Parse).ToArray();
}
