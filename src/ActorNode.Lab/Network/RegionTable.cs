namespace ActorNode.Lab.Network;

/// <summary>A region of the modelled network: its share of the nodes and its nodes' access-link rates.</summary>
/// <param name="Name">As the table names it (e.g. "north-america").</param>
/// <param name="Share">Fraction of the nodes dealt to this region (the shares of a table sum to 1).</param>
/// <param name="UploadBitsPerSecond">Each node's uplink; null: unlimited.</param>
/// <param name="DownloadBitsPerSecond">Each node's downlink; null: unlimited.</param>
public sealed record Region(string Name, double Share, double? UploadBitsPerSecond, double? DownloadBitsPerSecond);

/// <summary>A network model as SimBlock tables it (Aoki et al., "SimBlock", 2019): regions with node shares and
/// access rates, and the mean one-way latency between each pair of regions. Each link's latency is drawn once from a
/// Pareto distribution around the table's mean (<see cref="NetworkPlan"/>).</summary>
public sealed record RegionTable
{
    public RegionTable(string name, IReadOnlyList<Region> regions, double[,] meanLatencyMs)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(regions);
        ArgumentNullException.ThrowIfNull(meanLatencyMs);
        if (regions.Count == 0) throw new ArgumentException("a table has at least one region", nameof(regions));
        if (meanLatencyMs.GetLength(0) != regions.Count || meanLatencyMs.GetLength(1) != regions.Count)
            throw new ArgumentException($"the latency matrix must be {regions.Count} x {regions.Count}", nameof(meanLatencyMs));
        double total = 0;
        foreach (var r in regions)
        {
            if (r.Share < 0 || double.IsNaN(r.Share)) throw new ArgumentException($"region {r.Name}: share must not be negative");
            if (r.UploadBitsPerSecond is <= 0 || r.DownloadBitsPerSecond is <= 0)
                throw new ArgumentException($"region {r.Name}: rates must be positive");
            total += r.Share;
        }
        if (Math.Abs(total - 1) > 0.01) throw new ArgumentException($"region shares sum to {total:0.####}, not 1", nameof(regions));
        foreach (var ms in meanLatencyMs)
            if (ms < 0 || double.IsNaN(ms) || double.IsInfinity(ms)) throw new ArgumentException("latencies must be finite and not negative");
        Name = name;
        Regions = regions;
        MeanLatencyMs = (double[,])meanLatencyMs.Clone();
    }

    public string Name { get; }
    public IReadOnlyList<Region> Regions { get; }

    /// <summary>[from, to] mean one-way latency in milliseconds.</summary>
    public double[,] MeanLatencyMs { get; }

    /// <summary>True for the loopback model: no latency and no rate limit anywhere.</summary>
    public bool IsLoopback => Regions.All(r => r.UploadBitsPerSecond is null && r.DownloadBitsPerSecond is null)
        && MeanLatencyMs.Cast<double>().All(ms => ms == 0);

    public int IndexOf(string region)
    {
        for (int i = 0; i < Regions.Count; i++)
            if (string.Equals(Regions[i].Name, region, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }
}

/// <summary>The network models an experiment can name (<c>network.preset</c>).</summary>
public static class NetworkPresets
{
    /// <summary>No shaping: every link is a plain loopback socket.</summary>
    public static RegionTable Loopback { get; } = new("loopback", [new Region("local", 1, null, null)], new double[1, 1]);

    /// <summary>SimBlock's 2019 Bitcoin table (simblock settings/NetworkConfiguration.java: LATENCY_2019,
    /// UPLOAD_BANDWIDTH_2019 and DOWNLOAD_BANDWIDTH_2019 as per-region lists, REGION_DISTRIBUTION_BITCOIN_2019).
    /// Latencies in ms, rates in bit/s.</summary>
    public static RegionTable SimBlock2019 { get; } = new("simblock-2019",
    [
        new Region("north-america", 0.3316, 19_200_000, 52_000_000),
        new Region("europe", 0.4998, 20_700_000, 40_000_000),
        new Region("south-america", 0.0090, 5_800_000, 18_000_000),
        new Region("asia-pacific", 0.1177, 15_700_000, 22_800_000),
        new Region("japan", 0.0224, 10_200_000, 22_800_000),
        new Region("australia", 0.0195, 11_300_000, 29_900_000),
    ],
    new double[,]
    {
        { 32, 124, 184, 198, 151, 189 },
        { 124, 11, 227, 237, 252, 294 },
        { 184, 227, 88, 325, 301, 322 },
        { 198, 237, 325, 85, 58, 198 },
        { 151, 252, 301, 58, 12, 126 },
        { 189, 294, 322, 198, 126, 16 },
    });

    public static IReadOnlyDictionary<string, RegionTable> ByName { get; } =
        new Dictionary<string, RegionTable>(StringComparer.OrdinalIgnoreCase)
        {
            [Loopback.Name] = Loopback,
            [SimBlock2019.Name] = SimBlock2019,
        };
}
