using ActorNode.Lab.Analysis;
using ActorNode.Lab.Network;

namespace ActorNode.Lab.Reports;

/// <summary>What a run's numbers were measured under (summary.md "Conditions"): the network model as planned, the
/// relay timing, how loaded the workers were, the bytes per message type, the stale blocks and the clocks' error
/// bounds. A saturated run (CPU per node near a core's share, a growing backlog) must not be read as a slow network.</summary>
public sealed record RunConditions
{
    public NetworkSummary? Network { get; init; }

    /// <summary>The relay timing in words.</summary>
    public string? Relay { get; init; }

    public IReadOnlyList<WorkerLoad> WorkerLoad { get; init; } = [];

    /// <summary>Bytes per message type per node (summed over the peers connected at the end of the run).</summary>
    public IReadOnlyList<MessageBytes> MessageBytes { get; init; } = [];

    /// <summary>Distinct blocks some node holds off its best chain at the end (forks that lost).</summary>
    public IReadOnlyList<string> StaleBlocks { get; init; } = [];

    /// <summary>Per worker, the error bound of its clock offset estimate (half the best probe round trip).</summary>
    public IReadOnlyDictionary<int, TimeSpan> ClockErrorBounds { get; init; } = new Dictionary<int, TimeSpan>();
}

/// <summary>A worker process's CPU time over the run (from just before its start to the final report).</summary>
public sealed record WorkerLoad(int Worker, int Nodes, double CpuSeconds, double WallSeconds)
{
    /// <summary>Share of one core per node over the run.</summary>
    public double CoreSharePerNode => Nodes == 0 || WallSeconds <= 0 ? 0 : CpuSeconds / WallSeconds / Nodes;
}

public sealed record MessageBytes(int Node, string Command, long Sent, long Received);

/// <summary>A network plan in numbers: the table's name, each region's node count and rates, the links' one-way
/// latencies.</summary>
public sealed record NetworkSummary(string Name, IReadOnlyList<RegionNodes> Regions, int Links, TimeSpan? MinLatency,
    TimeSpan? MedianLatency, TimeSpan? MeanLatency, TimeSpan? P90Latency, TimeSpan? MaxLatency)
{
    public static NetworkSummary Of(NetworkPlan plan)
    {
        var counts = plan.NodesPerRegion();
        var regions = plan.Table.Regions.Select((r, i) => new RegionNodes(r.Name, counts[i], r.UploadBitsPerSecond, r.DownloadBitsPerSecond)).ToList();
        var latencies = plan.Links.Select(l => l.OneWay).ToList();
        return new NetworkSummary(plan.Table.Name, regions, latencies.Count, Percentiles.Of(latencies, 0.0001),
            Percentiles.Of(latencies, 50), latencies.Count == 0 ? null : TimeSpan.FromTicks((long)latencies.Average(l => l.Ticks)),
            Percentiles.Of(latencies, 90), Percentiles.Of(latencies, 100));
    }
}

public sealed record RegionNodes(string Region, int Nodes, double? UploadBitsPerSecond, double? DownloadBitsPerSecond);
