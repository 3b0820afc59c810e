using System.Reflection;

namespace ActorNode.Lab.Experiments;

/// <summary>The sizes of real transactions, for a lab load that looks like the network's: the serialised sizes
/// (with witness) of the 3,314 non-coinbase transactions of mainnet block 574,200 (2019-05-02, a full block of its
/// time), embedded from <c>mainnet-574200-tx-sizes.txt</c>. Mean 375.7 bytes, median 257, from 189 to 17,096.
/// A run draws each injected transaction's size from them (with replacement, seeded) and builds a lab transaction of
/// exactly that size (<see cref="LabTransactions.Create(int, int, int)"/>).</summary>
public static class MainnetTxSizes
{
    private static readonly Lazy<int[]> Loaded = new(Load);

    /// <summary>The sizes, in block order.</summary>
    public static IReadOnlyList<int> All => Loaded.Value;

    public static double Mean => Loaded.Value.Average();

    /// <summary>One size, drawn uniformly from <see cref="All"/>.</summary>
    public static int Draw(Random random) => Loaded.Value[random.Next(Loaded.Value.Length)];

    private static int[] Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("ActorNode.Lab.mainnet-574200-tx-sizes.txt")
            ?? throw new InvalidOperationException("the embedded mainnet transaction sizes are missing from the build");
        using var reader = new StreamReader(stream);
        var sizes = new List<int>(3314);
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith('#') || line.Length == 0) continue;
            foreach (var field in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                sizes.Add(int.Parse(field, System.Globalization.CultureInfo.InvariantCulture));
        }
        return [.. sizes];
    }
}
