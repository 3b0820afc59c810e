namespace ActorNode.Lab.Topologies;

/// <summary>Smallest, mean and largest of a degree over all nodes.</summary>
public readonly record struct DegreeStats(int Min, double Mean, int Max);

/// <summary>How the lab's nodes are linked: <see cref="NodeCount"/> nodes numbered 0..n-1 and the outbound connections
/// between them, each edge (From, To) meaning "From dials To" (a Bitcoin outbound peer of From, an inbound one of To).
/// There are no self-loops and no duplicate edges; a → b and b → a may both exist (two TCP connections, as on the
/// real network, where nothing stops two nodes from dialling each other), and count as one undirected link for
/// connectivity, <see cref="Neighbours"/>, <see cref="Components"/> and <see cref="Distances"/>, because a block or
/// transaction flows both ways over any connection.
/// <para>Immutable. Built by <see cref="TopologyBuilder"/> from an experiment's spec, or directly.</para></summary>
public sealed class Topology
{
    private readonly int[][] outbound;
    private readonly int[][] inbound;
    private readonly int[][] neighbours;
    private readonly IReadOnlyList<IReadOnlyList<int>> components;

    /// <summary>A topology of <paramref name="nodeCount"/> nodes (at least 1) with <paramref name="edges"/>; duplicate
    /// edges are dropped. Throws <see cref="ArgumentException"/> for a self-loop or a node index outside 0..n-1.</summary>
    public Topology(int nodeCount, IEnumerable<(int From, int To)> edges)
        : this(nodeCount, edges, [])
    {
    }

    internal Topology(int nodeCount, IEnumerable<(int From, int To)> edges, IReadOnlyList<(int From, int To)> addedLinks)
    {
        ArgumentNullException.ThrowIfNull(edges);
        if (nodeCount < 1)
            throw new ArgumentException($"A topology needs at least one node (got {nodeCount}).", nameof(nodeCount));
        NodeCount = nodeCount;

        var distinct = new SortedSet<(int From, int To)>();
        var index = 0;
        foreach (var (from, to) in edges)
        {
            if (from < 0 || from >= nodeCount || to < 0 || to >= nodeCount)
                throw new ArgumentException(
                    $"Edge #{index} ({from} → {to}) names a node outside 0..{nodeCount - 1}.", nameof(edges));
            if (from == to)
                throw new ArgumentException($"Edge #{index} ({from} → {to}) is a self-loop.", nameof(edges));
            distinct.Add((from, to));
            index++;
        }

        Edges = [.. distinct];
        AddedLinks = addedLinks;

        var outLists = NewLists(nodeCount);
        var inLists = NewLists(nodeCount);
        var neighbourSets = new SortedSet<int>[nodeCount];
        for (var i = 0; i < nodeCount; i++)
            neighbourSets[i] = [];
        foreach (var (from, to) in Edges)
        {
            outLists[from].Add(to);
            inLists[to].Add(from);
            neighbourSets[from].Add(to);
            neighbourSets[to].Add(from);
        }

        outbound = [.. outLists.Select(l => l.ToArray())];
        inbound = [.. inLists.Select(l => l.ToArray())]; // ascending: edges are sorted by From
        neighbours = [.. neighbourSets.Select(s => s.ToArray())];
        LinkCount = neighbours.Sum(n => n.Length) / 2;
        components = FindComponents();
    }

    /// <summary>How many nodes (0..NodeCount-1).</summary>
    public int NodeCount { get; }

    /// <summary>Every outbound connection, sorted by (From, To).</summary>
    public IReadOnlyList<(int From, int To)> Edges { get; }

    /// <summary>The edges <see cref="TopologyBuilder"/> added, beyond what the spec asked for, to join the components
    /// of a generated graph into one (empty when none were needed, and always for an explicit edge list). Worth
    /// showing in a run's report: those nodes have one outbound connection more than their peers.</summary>
    public IReadOnlyList<(int From, int To)> AddedLinks { get; }

    /// <summary>Undirected links: pairs of nodes with at least one connection between them.</summary>
    public int LinkCount { get; }

    /// <summary>Whether every node can reach every other along links (either direction). A single node is connected.</summary>
    public bool IsConnected => components.Count == 1;

    /// <summary>The nodes <paramref name="node"/> dials, ascending.</summary>
    public IReadOnlyList<int> OutboundOf(int node) => outbound[Check(node)];

    /// <summary>The nodes that dial <paramref name="node"/>, ascending.</summary>
    public IReadOnlyList<int> InboundOf(int node) => inbound[Check(node)];

    /// <summary>The nodes linked to <paramref name="node"/> in either direction, ascending, each once.</summary>
    public IReadOnlyList<int> Neighbours(int node) => neighbours[Check(node)];

    /// <summary>The connected components (links taken in either direction), each sorted ascending, ordered by their
    /// smallest node.</summary>
    public IReadOnlyList<IReadOnlyList<int>> Components() => components;

    /// <summary>Outbound connections per node (the spec's "outbound" plus any <see cref="AddedLinks"/>).</summary>
    public DegreeStats OutboundDegrees() => Stats(outbound);

    /// <summary>Inbound connections per node.</summary>
    public DegreeStats InboundDegrees() => Stats(inbound);

    /// <summary>Distinct neighbours per node (undirected degree).</summary>
    public DegreeStats Degrees() => Stats(neighbours);

    /// <summary>Hop distance from <paramref name="from"/> to every node along links in either direction (breadth-first
    /// search): index i holds the fewest links between them, 0 for <paramref name="from"/> itself, null when i cannot
    /// be reached. The lower bound for the hop count an item injected at <paramref name="from"/> can show.</summary>
    public IReadOnlyList<int?> Distances(int from)
    {
        Check(from);
        var distance = new int?[NodeCount];
        distance[from] = 0;
        var queue = new Queue<int>();
        queue.Enqueue(from);
        while (queue.TryDequeue(out var node))
        {
            foreach (var next in neighbours[node])
            {
                if (distance[next] is not null)
                    continue;
                distance[next] = distance[node] + 1;
                queue.Enqueue(next);
            }
        }
        return distance;
    }

    private int Check(int node)
    {
        if (node < 0 || node >= NodeCount)
            throw new ArgumentOutOfRangeException(nameof(node), node, $"Nodes are 0..{NodeCount - 1}.");
        return node;
    }

    private static List<int>[] NewLists(int count)
    {
        var lists = new List<int>[count];
        for (var i = 0; i < count; i++)
            lists[i] = [];
        return lists;
    }

    private static DegreeStats Stats(int[][] lists) =>
        new(lists.Min(l => l.Length), lists.Average(l => l.Length), lists.Max(l => l.Length));

    private List<IReadOnlyList<int>> FindComponents()
    {
        var seen = new bool[NodeCount];
        var result = new List<IReadOnlyList<int>>();
        for (var start = 0; start < NodeCount; start++)
        {
            if (seen[start])
                continue;
            var members = new List<int>();
            var stack = new Stack<int>();
            stack.Push(start);
            seen[start] = true;
            while (stack.TryPop(out var node))
            {
                members.Add(node);
                foreach (var next in neighbours[node])
                {
                    if (seen[next])
                        continue;
                    seen[next] = true;
                    stack.Push(next);
                }
            }
            members.Sort();
            result.Add(members);
        }
        return result;
    }
}
