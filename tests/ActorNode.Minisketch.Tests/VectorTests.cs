namespace ActorNode.Minisketch.Tests;

/// <summary>Every row of the libminisketch vectors: serialisation, merge and decode, including decodes of sketches
/// beyond capacity (FAIL rows and wrong-set rows).</summary>
public class VectorTests
{
    [Theory]
    [InlineData(16, 485)]
    [InlineData(32, 1056)]
    [InlineData(64, 481)]
    public void Every_row_matches_libminisketch(int bits, int expectedRows)
    {
        var rows = VectorFile.All.Where(r => r.Bits == bits).ToList();
        Assert.Equal(expectedRows, rows.Count);
        var mismatches = rows.Select(Check).Where(m => m is not null).ToList();
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {rows.Count} rows differ:\n" + string.Join("\n", mismatches.Take(10)));
    }

    [Fact]
    public void The_rows_cover_failures_and_wrong_sets_beyond_capacity()
    {
        // The README's counts: the file must exercise what the decode comparison claims to check.
        var rows = VectorFile.All;
        Assert.Equal(2022, rows.Count);
        Assert.Equal(295, rows.Count(r => r.Decoded is null));
        int beyond = rows.Count(r => SymmetricDifference(r).Count > r.Capacity);
        Assert.Equal(724, beyond);
        int wrong = rows.Count(r => r.Decoded is not null && !r.Decoded.SequenceEqual(SymmetricDifference(r)));
        Assert.Equal(429, wrong);
    }

    [Theory]
    [InlineData(ulong.MaxValue)]
    [InlineData(0x0123456789abcdefUL)]
    [InlineData(12345UL)]
    public void Decode_results_do_not_depend_on_the_seed(ulong seed)
    {
        // The rows where the randomised root finding could matter: more differences than capacity.
        var rows = VectorFile.All.Where(r => SymmetricDifference(r).Count > r.Capacity).ToList();
        Assert.Equal(724, rows.Count);
        var mismatches = rows.Select(r => Check(r, seed)).Where(m => m is not null).ToList();
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches.Take(10)));
    }

    private static List<ulong> SymmetricDifference(VectorRow r)
    {
        var set = new HashSet<ulong>(r.Elements);
        set.SymmetricExceptWith(r.OtherElements);
        return set.Order().ToList();
    }

    private static string? Check(VectorRow row) => Check(row, null);

    private static string? Check(VectorRow row, ulong? seed)
    {
        var a = Minisketch.Create(row.Bits, row.Capacity);
        if (seed is { } s) a.SetSeed(s);
        foreach (var e in row.Elements) a.Add(e);
        string sketchHex = Convert.ToHexStringLower(a.Serialize());
        if (sketchHex != row.SketchHex) return $"line {row.Line}: sketch {sketchHex} != {row.SketchHex}";

        var b = Minisketch.Create(row.Bits, row.Capacity);
        foreach (var e in row.OtherElements) b.Add(e);
        a.Merge(b);
        string mergedHex = Convert.ToHexStringLower(a.Serialize());
        if (mergedHex != row.MergedHex) return $"line {row.Line}: merged {mergedHex} != {row.MergedHex}";

        // Decode what libminisketch decoded: the deserialised merged bytes.
        var merged = Minisketch.Deserialize(row.Bits, row.Capacity, Convert.FromHexString(row.MergedHex));
        if (seed is { } s2) merged.SetSeed(s2);
        bool ok = merged.TryDecode(row.Capacity, out var decoded);
        if (row.Decoded is null)
            return ok ? $"line {row.Line}: decoded [{string.Join(' ', decoded.Order())}], libminisketch FAIL" : null;
        if (!ok) return $"line {row.Line}: FAIL, libminisketch [{string.Join(' ', row.Decoded)}]";
        var sorted = decoded.Order().ToArray();
        return sorted.SequenceEqual(row.Decoded)
            ? null
            : $"line {row.Line}: decoded [{string.Join(' ', sorted)}], libminisketch [{string.Join(' ', row.Decoded)}]";
    }
}
