namespace ActorNode.Lab.Network;

/// <summary>One link's shaping: the one-way latency each way (the same both ways) between two nodes.</summary>
public readonly record struct LinkLatency(int From, int To, TimeSpan OneWay);

/// <summary>A network model applied to one experiment's nodes and links: which region each node is in, and each
/// link's one-way latency, all drawn from the experiment's seed so the same file gives the same network.
/// <para>Nodes are dealt to regions by share with the largest-remainder method (so 500 nodes at 33.16 % put exactly
/// 166 in North America) and then shuffled. A link's latency is drawn once, as SimBlock draws a message's: Pareto
/// with shape 0.2 × mean and scale mean − 5 ms, whose mean is the table's mean (for means of 5 ms or less, where
/// that shape gives no finite mean, the mean itself). The draw is capped at 100 × the mean so one unlucky link does
/// not stall a run; for the smallest table mean (11 ms, shape 2.2) the cap lowers the mean by under 0.1 %.</para></summary>
public sealed class NetworkPlan
{
    private readonly int[] _regionOf;
    private readonly Dictionary<(int, int), TimeSpan> _latency;

    private NetworkPlan(RegionTable table, int[] regionOf, Dictionary<(int, int), TimeSpan> latency)
    {
        Table = table;
        _regionOf = regionOf;
        _latency = latency;
    }

    public RegionTable Table { get; }
    public int Nodes => _regionOf.Length;

    /// <summary>The region index of node <paramref name="node"/>.</summary>
    public int RegionOf(int node) => _regionOf[node];

    public Region RegionOfNode(int node) => Table.Regions[_regionOf[node]];

    /// <summary>The one-way latency of the link between two nodes (either order), zero for a pair with no link.</summary>
    public TimeSpan Latency(int a, int b) =>
        _latency.TryGetValue(a < b ? (a, b) : (b, a), out var l) ? l : TimeSpan.Zero;

    /// <summary>Every planned link with its latency.</summary>
    public IEnumerable<LinkLatency> Links => _latency.Select(kv => new LinkLatency(kv.Key.Item1, kv.Key.Item2, kv.Value));

    /// <summary>Counts of nodes per region, in table order.</summary>
    public int[] NodesPerRegion()
    {
        var counts = new int[Table.Regions.Count];
        foreach (int r in _regionOf) counts[r]++;
        return counts;
    }

    /// <summary>The plan of an experiment's run over its topology's links: its network table, drawn with a stream of
    /// its seed of its own (so the topology's draws are the same with or without a network).</summary>
    public static NetworkPlan For(Experiments.Experiment experiment, IEnumerable<(int From, int To)> links)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        return Build(experiment.Network, experiment.Nodes, links, unchecked(experiment.Seed * 31 + 7));
    }

    public static NetworkPlan Build(RegionTable table, int nodes, IEnumerable<(int From, int To)> links, int seed)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentOutOfRangeException.ThrowIfNegative(nodes);
        var random = new Random(seed);
        var regionOf = Deal(table, nodes, random);
        var latency = new Dictionary<(int, int), TimeSpan>();
        foreach (var (from, to) in links)
        {
            if (from < 0 || from >= nodes || to < 0 || to >= nodes || from == to)
                throw new ArgumentException($"link {from} -> {to} is not between two distinct nodes of {nodes}");
            var key = from < to ? (from, to) : (to, from);
            if (latency.ContainsKey(key)) continue;
            double mean = table.MeanLatencyMs[regionOf[from], regionOf[to]];
            latency[key] = TimeSpan.FromMilliseconds(DrawLatencyMs(mean, random.NextDouble()));
        }
        return new NetworkPlan(table, regionOf, latency);
    }

    /// <summary>SimBlock's latency draw for a table mean (see the class remarks), from a uniform draw in [0, 1).</summary>
    public static double DrawLatencyMs(double meanMs, double uniform)
    {
        if (meanMs <= 5) return meanMs;
        double shape = 0.2 * meanMs;
        double scale = meanMs - 5;
        double u = 1 - uniform; // (0, 1]
        return Math.Min(100 * meanMs, scale / Math.Pow(u, 1 / shape));
    }

    private static int[] Deal(RegionTable table, int nodes, Random random)
    {
        int regions = table.Regions.Count;
        var counts = new int[regions];
        var remainders = new (double Remainder, int Region)[regions];
        int dealt = 0;
        for (int r = 0; r < regions; r++)
        {
            double exact = table.Regions[r].Share * nodes;
            counts[r] = (int)Math.Floor(exact);
            dealt += counts[r];
            remainders[r] = (exact - counts[r], r);
        }
        foreach (var (_, r) in remainders.OrderByDescending(x => x.Remainder).ThenBy(x => x.Region).Take(Math.Max(0, nodes - dealt)))
            counts[r]++;
        var regionOf = new int[nodes];
        int i = 0;
        for (int r = 0; r < regions; r++)
            for (int k = 0; k < counts[r] && i < nodes; k++)
                regionOf[i++] = r;
        random.Shuffle(regionOf);
        return regionOf;
    }
}
