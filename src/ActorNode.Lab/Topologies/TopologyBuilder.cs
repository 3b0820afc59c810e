using ActorNode.Lab.Experiments;

namespace ActorNode.Lab.Topologies;

/// <summary>Turns an experiment's <see cref="TopologySpec"/> into the links its nodes dial. Deterministic: the same
/// spec, node count and seed give the same <see cref="Topology"/> (every random choice comes from one
/// <c>new System.Random(seed)</c>, drawn in a fixed order), so a run can be repeated from its file.
/// <para>Generated graphs (random, small-world) are made connected, because a propagation experiment on a split
/// network measures the split, not the protocol: when the draw leaves several components, the builder joins them
/// with the fewest links possible (components − 1), each from a random node of a component to a random node of the
/// components before it, and lists them in <see cref="Topology.AddedLinks"/>. An explicit edge list is taken as
/// asked, connected or not (<see cref="Topology.IsConnected"/> says which).</para></summary>
public static class TopologyBuilder
{
    /// <summary>Builds <paramref name="spec"/> over <paramref name="nodes"/> nodes. Throws
    /// <see cref="ArgumentException"/> when the spec cannot be built (too few nodes, a degree below 1, an odd or too
    /// large small-world neighbourhood, a rewiring probability outside [0, 1], an explicit edge naming a missing node or
    /// looping on itself).</summary>
    public static Topology Build(TopologySpec spec, int nodes, int seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec switch
        {
            TopologySpec.Random r => RandomGraph(r.Outbound, nodes, seed),
            TopologySpec.Ring => Ring(nodes),
            TopologySpec.SmallWorld s => SmallWorld(s.Neighbours, s.Rewire, nodes, seed),
            TopologySpec.Explicit e => Explicit(e.Edges, nodes),
            _ => throw new ArgumentException($"Unknown topology kind {spec.GetType().Name}.", nameof(spec)),
        };
    }

    /// <summary>Every node dials min(<paramref name="outbound"/>, n − 1) distinct other nodes chosen uniformly at random,
    /// as a Bitcoin node fills its outbound slots from its address book (btcd <c>connmgr</c> keeps
    /// <c>TargetOutbound</c> = 8 connections, Core <c>MAX_OUTBOUND_FULL_RELAY_CONNECTIONS</c> = 8); inbound counts are
    /// whatever the draw gives. Then joined into one component.</summary>
    private static Topology RandomGraph(int outbound, int nodes, int seed)
    {
        RequireNodes(nodes, 2, "A random topology");
        if (outbound < 1)
            throw new ArgumentException($"A random topology needs an outbound degree of at least 1 (got {outbound}).", nameof(outbound));

        var random = new System.Random(seed);
        var dial = Math.Min(outbound, nodes - 1);
        var edges = new List<(int From, int To)>(nodes * dial);
        for (var from = 0; from < nodes; from++)
        {
            foreach (var choice in SampleDistinct(random, nodes - 1, dial))
                edges.Add((from, choice >= from ? choice + 1 : choice));
        }
        return Connected(nodes, edges, random);
    }

    /// <summary>Node i dials node i + 1 (mod n). Two nodes give one link (0 → 1 and 1 → 0 would be the same pair).</summary>
    private static Topology Ring(int nodes)
    {
        RequireNodes(nodes, 2, "A ring");
        if (nodes == 2)
            return new Topology(2, [(0, 1)]);
        return new Topology(nodes, Enumerable.Range(0, nodes).Select(i => (i, (i + 1) % nodes)));
    }

    /// <summary>Watts–Strogatz (Nature 393, 1998), as networkx <c>watts_strogatz_graph</c> draws it: a ring lattice
    /// where node i dials i+1 .. i+k/2; then, for j = 1 .. k/2 and each node i in turn, the link i → i+j is rewired with
    /// probability p to i → w, w uniform among the nodes that are neither i nor already linked to i (either
    /// direction); a node linked to every other keeps its link. Every node keeps exactly k/2 outbound links and the
    /// graph keeps n·k/2 undirected links. Then joined into one component (p near 1 with small k can split it).</summary>
    private static Topology SmallWorld(int k, double p, int nodes, int seed)
    {
        RequireNodes(nodes, 3, "A small-world topology");
        if (k < 2 || k % 2 != 0)
            throw new ArgumentException($"A small-world topology needs an even neighbourhood of at least 2 (got {k}).", nameof(k));
        if (k >= nodes)
            throw new ArgumentException(
                $"A small-world neighbourhood of {k} needs more than {k} nodes (got {nodes}).", nameof(k));
        if (double.IsNaN(p) || p < 0 || p > 1)
            throw new ArgumentException($"A small-world rewiring probability must be within [0, 1] (got {p}).", nameof(p));

        var random = new System.Random(seed);
        var half = k / 2;
        // target[i][j-1]: whom node i dials in place of lattice link i → i+j.
        var target = new int[nodes][];
        var linked = new HashSet<int>[nodes];
        for (var i = 0; i < nodes; i++)
        {
            target[i] = new int[half];
            linked[i] = [];
        }
        for (var i = 0; i < nodes; i++)
        {
            for (var j = 1; j <= half; j++)
            {
                var to = (i + j) % nodes;
                target[i][j - 1] = to;
                linked[i].Add(to);
                linked[to].Add(i);
            }
        }

        var candidates = new List<int>(nodes);
        for (var j = 1; j <= half; j++)
        {
            for (var i = 0; i < nodes; i++)
            {
                if (random.NextDouble() >= p)
                    continue;
                candidates.Clear();
                for (var w = 0; w < nodes; w++)
                {
                    if (w != i && !linked[i].Contains(w))
                        candidates.Add(w);
                }
                if (candidates.Count == 0)
                    continue;
                var old = target[i][j - 1];
                var chosen = candidates[random.Next(candidates.Count)];
                linked[i].Remove(old);
                linked[old].Remove(i);
                linked[i].Add(chosen);
                linked[chosen].Add(i);
                target[i][j - 1] = chosen;
            }
        }

        var edges = new List<(int From, int To)>(nodes * half);
        for (var i = 0; i < nodes; i++)
        {
            foreach (var to in target[i])
                edges.Add((i, to));
        }
        return Connected(nodes, edges, random);
    }

    /// <summary>Exactly the listed links (duplicates dropped), not forced connected.</summary>
    private static Topology Explicit(IReadOnlyList<(int From, int To)> edges, int nodes)
    {
        ArgumentNullException.ThrowIfNull(edges);
        RequireNodes(nodes, 1, "An explicit topology");
        return new Topology(nodes, edges);
    }

    /// <summary>Joins the components of <paramref name="edges"/> (links either direction) with components − 1 new
    /// links: for each component after the first (ordered by smallest node), a random member dials a random member of
    /// the components before it. Nodes of different components share no edge, so no new link duplicates one.</summary>
    private static Topology Connected(int nodes, List<(int From, int To)> edges, System.Random random)
    {
        var draft = new Topology(nodes, edges);
        if (draft.IsConnected)
            return draft;

        var components = draft.Components();
        var joined = new List<int>(components[0]);
        var added = new List<(int From, int To)>(components.Count - 1);
        for (var c = 1; c < components.Count; c++)
        {
            var members = components[c];
            var link = (members[random.Next(members.Count)], joined[random.Next(joined.Count)]);
            added.Add(link);
            joined.AddRange(members);
        }
        return new Topology(nodes, edges.Concat(added), added);
    }

    /// <summary>A uniform random <paramref name="count"/>-subset of 0..<paramref name="range"/>-1 (Floyd's algorithm,
    /// Bentley, CACM 30(9), 1987: exactly <paramref name="count"/> draws), ascending.</summary>
    private static int[] SampleDistinct(System.Random random, int range, int count)
    {
        var chosen = new HashSet<int>(count);
        for (var j = range - count; j < range; j++)
        {
            var t = random.Next(j + 1);
            chosen.Add(chosen.Contains(t) ? j : t);
        }
        var result = chosen.ToArray();
        Array.Sort(result);
        return result;
    }

    private static void RequireNodes(int nodes, int minimum, string what)
    {
        if (nodes < minimum)
            throw new ArgumentException($"{what} needs at least {minimum} nodes (got {nodes}).", nameof(nodes));
    }
}
