namespace ActorNode.Benchmarks;

/// <summary>Finds ../shared/data (the real mainnet blocks) by walking up from the benchmark's directory.</summary>
internal static class SharedData
{
    public const string Block574200 = "block-0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2.blk";
    public const string Block540107 = "block-00000000000000000021868c2cefc52a480d173c849412fe81c4e5ab806f94ab.blk";

    public static string Directory
    {
        get
        {
            foreach (var start in new[] { AppContext.BaseDirectory, System.IO.Directory.GetCurrentDirectory() })
            {
                for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                {
                    var candidate = Path.Combine(dir.FullName, "shared", "data");
                    if (File.Exists(Path.Combine(candidate, "README.md"))) return candidate;
                }
            }
            throw new DirectoryNotFoundException("shared/data not found above " + AppContext.BaseDirectory);
        }
    }

    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(Directory, name));
}
