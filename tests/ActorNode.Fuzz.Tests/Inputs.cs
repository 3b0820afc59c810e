namespace ActorNode.Fuzz.Tests;

/// <summary>The committed inputs of a target, as copied next to the test binaries: corpus/&lt;target&gt;/ (seeds)
/// and crashes/&lt;target&gt;/ (every crash found and fixed, kept as a regression input).</summary>
internal static class Inputs
{
    private static string Root => Path.Combine(AppContext.BaseDirectory, "fuzz");

    public static IReadOnlyList<(string Name, byte[] Bytes)> Corpus(string target) => Read("corpus", target);

    public static IReadOnlyList<(string Name, byte[] Bytes)> Crashes(string target) => Read("crashes", target);

    private static List<(string, byte[])> Read(string kind, string target)
    {
        string dir = Path.Combine(Root, kind, target);
        if (!Directory.Exists(dir)) return [];
        return Directory.EnumerateFiles(dir)
            .Where(f => !Path.GetFileName(f).StartsWith('.') && !f.EndsWith(".md", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => ($"{kind}/{target}/{Path.GetFileName(f)}", File.ReadAllBytes(f)))
            .ToList();
    }

    /// <summary>The shared/data folder (../shared/data from the repository), found from the test binaries up.</summary>
    public static string SharedData()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data");
            if (File.Exists(Path.Combine(candidate, "README.md"))) return candidate;
        }
        throw new DirectoryNotFoundException($"no ancestor of {AppContext.BaseDirectory} contains shared/data/README.md");
    }
}
