using ActorNode.Lab.Experiments;
using ActorNode.Lab.Topologies;

namespace ActorNode.Lab.Tests.Topologies;

public class TopologyBuilderTests
{
    private static readonly int[] Sizes = [2, 3, 4, 5, 7, 10, 16, 31, 50, 100, 200];

    // ---- random ----

    [Theory]
    [InlineData(10, 8)]
    [InlineData(50, 8)]
    [InlineData(200, 8)]
    [InlineData(100, 3)]
    public void Random_EachNodeDialsOutboundDistinctOthers(int nodes, int outbound)
    {
        for (var seed = 0; seed < 20; seed++)
        {
            var t = TopologyBuilder.Build(new TopologySpec.Random(outbound), nodes, seed);

            for (var i = 0; i < nodes; i++)
            {
                var extra = t.AddedLinks.Count(l => l.From == i);
                var dialled = t.OutboundOf(i);
                Assert.Equal(outbound + extra, dialled.Count);
                Assert.DoesNotContain(i, dialled);
                Assert.Equal(dialled.Count, dialled.Distinct().Count());
            }
        }
    }

    [Fact]
    public void Random_OutboundAtLeastNodes_EveryNodeDialsEveryOther()
    {
        var t = TopologyBuilder.Build(new TopologySpec.Random(8), 5, seed: 3);

        Assert.Equal(5 * 4, t.Edges.Count);
        Assert.Equal(new DegreeStats(4, 4, 4), t.OutboundDegrees());
        Assert.Equal(10, t.LinkCount);
        Assert.Empty(t.AddedLinks);
    }

    [Fact]
    public void Random_SameSeed_SameTopology()
    {
        var a = TopologyBuilder.Build(new TopologySpec.Random(8), 100, seed: 42);
        var b = TopologyBuilder.Build(new TopologySpec.Random(8), 100, seed: 42);

        Assert.Equal(a.Edges, b.Edges);
        Assert.Equal(a.AddedLinks, b.AddedLinks);
    }

    [Fact]
    public void Random_DifferentSeeds_DifferentTopologies()
    {
        var seen = new HashSet<string>();
        for (var seed = 0; seed < 20; seed++)
        {
            var t = TopologyBuilder.Build(new TopologySpec.Random(8), 100, seed);
            Assert.True(seen.Add(string.Join(";", t.Edges)), $"seed {seed} repeats an earlier topology");
        }
    }

    [Fact]
    public void Random_ManySeedsAndSizes_AlwaysConnected()
    {
        foreach (var nodes in Sizes)
        {
            foreach (var outbound in new[] { 1, 2, 8 })
            {
                for (var seed = 0; seed < 30; seed++)
                {
                    var t = TopologyBuilder.Build(new TopologySpec.Random(outbound), nodes, seed);
                    Assert.True(t.IsConnected, $"n={nodes} outbound={outbound} seed={seed}");
                }
            }
        }
    }

    [Fact]
    public void Random_OutboundOne_RepairAddsComponentsMinusOneLinks()
    {
        // With one outbound each the draw is a random functional graph: it often has several components. The builder
        // adds exactly components − 1 links, each between nodes that were in different components.
        var repaired = 0;
        for (var seed = 0; seed < 200; seed++)
        {
            var t = TopologyBuilder.Build(new TopologySpec.Random(1), 30, seed);
            var drawn = new Topology(30, t.Edges.Except(t.AddedLinks));
            Assert.Equal(drawn.Components().Count - 1, t.AddedLinks.Count);
            foreach (var (from, to) in t.AddedLinks)
                Assert.Null(drawn.Distances(from)[to]);
            if (t.AddedLinks.Count > 0)
                repaired++;
        }
        Assert.True(repaired > 0, "no seed exercised the repair");
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(-3, 10)]
    [InlineData(8, 1)]
    [InlineData(8, 0)]
    public void Random_InvalidSpec_ThrowsArgumentException(int outbound, int nodes)
    {
        var error = Assert.Throws<ArgumentException>(() => TopologyBuilder.Build(new TopologySpec.Random(outbound), nodes, 1));

        Assert.Contains("random topology", error.Message);
    }

    [Fact]
    public void Random_MeanInboundEqualsOutbound()
    {
        // Every edge is one node's outbound and another's inbound.
        var t = TopologyBuilder.Build(new TopologySpec.Random(8), 200, seed: 7);

        Assert.Equal(t.OutboundDegrees().Mean, t.InboundDegrees().Mean, 10);
        Assert.Equal(8.0 + t.AddedLinks.Count / 200.0, t.OutboundDegrees().Mean, 10);
    }

    // ---- ring ----

    [Theory]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(200)]
    public void Ring_EachNodeDialsTheNext(int nodes)
    {
        var t = TopologyBuilder.Build(new TopologySpec.Ring(), nodes, seed: 1);

        Assert.Equal(nodes, t.Edges.Count);
        for (var i = 0; i < nodes; i++)
        {
            Assert.Equal([(i + 1) % nodes], t.OutboundOf(i));
            Assert.Equal([(i + nodes - 1) % nodes], t.InboundOf(i));
        }
        Assert.True(t.IsConnected);
        // The farthest node is half way round.
        Assert.Equal(nodes / 2, t.Distances(0).Max());
    }

    [Fact]
    public void Ring_TwoNodes_OneLink()
    {
        var t = TopologyBuilder.Build(new TopologySpec.Ring(), 2, seed: 1);

        Assert.Equal([(0, 1)], t.Edges);
        Assert.True(t.IsConnected);
    }

    [Fact]
    public void Ring_OneNode_Throws()
    {
        Assert.Throws<ArgumentException>(() => TopologyBuilder.Build(new TopologySpec.Ring(), 1, seed: 1));
    }

    [Fact]
    public void Ring_IgnoresSeed()
    {
        Assert.Equal(
            TopologyBuilder.Build(new TopologySpec.Ring(), 20, 1).Edges,
            TopologyBuilder.Build(new TopologySpec.Ring(), 20, 99).Edges);
    }

    // ---- small world ----

    [Theory]
    [InlineData(10, 2)]
    [InlineData(10, 4)]
    [InlineData(51, 6)]
    public void SmallWorld_NoRewiring_IsTheRingLattice(int nodes, int k)
    {
        var t = TopologyBuilder.Build(new TopologySpec.SmallWorld(k, 0), nodes, seed: 5);

        var lattice = Enumerable.Range(0, nodes)
            .SelectMany(i => Enumerable.Range(1, k / 2).Select(j => (i, (i + j) % nodes)))
            .Order();
        Assert.Equal(lattice, t.Edges);
        Assert.Equal(new DegreeStats(k, k, k), t.Degrees());
        Assert.Empty(t.AddedLinks);
    }

    [Fact]
    public void SmallWorld_FullRewiring_KeepsHalfKOutboundAndStaysConnected()
    {
        foreach (var nodes in new[] { 5, 10, 31, 100, 200 })
        {
            foreach (var k in new[] { 2, 4, 8 })
            {
                if (k >= nodes)
                    continue;
                for (var seed = 0; seed < 20; seed++)
                {
                    var t = TopologyBuilder.Build(new TopologySpec.SmallWorld(k, 1.0), nodes, seed);
                    Assert.True(t.IsConnected, $"n={nodes} k={k} seed={seed}");
                    for (var i = 0; i < nodes; i++)
                        Assert.Equal(k / 2 + t.AddedLinks.Count(l => l.From == i), t.OutboundOf(i).Count);
                    // Rewiring never makes a pair twice: n·k/2 undirected links, plus any joining links.
                    Assert.Equal(nodes * k / 2 + t.AddedLinks.Count, t.LinkCount);
                }
            }
        }
    }

    [Fact]
    public void SmallWorld_FullRewiring_ChangesMostLatticeLinks()
    {
        var t = TopologyBuilder.Build(new TopologySpec.SmallWorld(4, 1.0), 200, seed: 3);
        var lattice = TopologyBuilder.Build(new TopologySpec.SmallWorld(4, 0.0), 200, seed: 3);

        var kept = t.Edges.Intersect(lattice.Edges).Count();
        // Each link is rewired to a random node among ~196: expect a handful to land back on a lattice neighbour.
        Assert.True(kept < lattice.Edges.Count / 10, $"{kept} lattice links survived full rewiring");
    }

    [Fact]
    public void SmallWorld_SomeRewiring_ShortensPaths()
    {
        // The point of Watts–Strogatz: a few shortcuts cut the lattice's long paths.
        var lattice = TopologyBuilder.Build(new TopologySpec.SmallWorld(4, 0.0), 200, seed: 3);
        var small = TopologyBuilder.Build(new TopologySpec.SmallWorld(4, 0.1), 200, seed: 3);

        Assert.True(MeanDistance(small) < MeanDistance(lattice) / 2);
    }

    [Fact]
    public void SmallWorld_ManySeeds_ConnectedAndDeterministic()
    {
        foreach (var nodes in Sizes.Where(n => n >= 3))
        {
            for (var seed = 0; seed < 15; seed++)
            {
                var spec = new TopologySpec.SmallWorld(2, 0.5);
                var a = TopologyBuilder.Build(spec, nodes, seed);
                var b = TopologyBuilder.Build(spec, nodes, seed);
                Assert.True(a.IsConnected, $"n={nodes} seed={seed}");
                Assert.Equal(a.Edges, b.Edges);
            }
        }
    }

    [Fact]
    public void SmallWorld_DifferentSeeds_Differ()
    {
        var a = TopologyBuilder.Build(new TopologySpec.SmallWorld(6, 0.3), 100, seed: 1);
        var b = TopologyBuilder.Build(new TopologySpec.SmallWorld(6, 0.3), 100, seed: 2);

        Assert.NotEqual(a.Edges, b.Edges);
    }

    [Theory]
    [InlineData(3, 0.1, 10)]
    [InlineData(0, 0.1, 10)]
    [InlineData(4, -0.1, 10)]
    [InlineData(4, 1.5, 10)]
    [InlineData(4, double.NaN, 10)]
    [InlineData(10, 0.1, 10)]
    [InlineData(2, 0.1, 2)]
    public void SmallWorld_InvalidSpec_ThrowsArgumentException(int k, double p, int nodes)
    {
        var error = Assert.Throws<ArgumentException>(() => TopologyBuilder.Build(new TopologySpec.SmallWorld(k, p), nodes, 1));

        Assert.Contains("small-world", error.Message);
    }

    // ---- explicit ----

    [Fact]
    public void Explicit_TakenAsAsked_DuplicatesDropped_NotForcedConnected()
    {
        var t = TopologyBuilder.Build(new TopologySpec.Explicit([(0, 1), (1, 2), (0, 1), (3, 4)]), 5, seed: 1);

        Assert.Equal([(0, 1), (1, 2), (3, 4)], t.Edges);
        Assert.False(t.IsConnected);
        Assert.Empty(t.AddedLinks);
    }

    [Fact]
    public void Explicit_NodeOutOfRange_Throws()
    {
        var error = Assert.Throws<ArgumentException>(
            () => TopologyBuilder.Build(new TopologySpec.Explicit([(0, 1), (1, 5)]), 5, seed: 1));

        Assert.Contains("(1 → 5)", error.Message);
        Assert.Contains("0..4", error.Message);
    }

    [Fact]
    public void Explicit_SelfLoop_Throws()
    {
        var error = Assert.Throws<ArgumentException>(
            () => TopologyBuilder.Build(new TopologySpec.Explicit([(2, 2)]), 5, seed: 1));

        Assert.Contains("self-loop", error.Message);
    }

    [Fact]
    public void Explicit_NegativeIndex_Throws()
    {
        Assert.Throws<ArgumentException>(() => TopologyBuilder.Build(new TopologySpec.Explicit([(-1, 2)]), 5, seed: 1));
    }

    // ---- properties over many seeds ----

    [Fact]
    public void AllGenerators_ManySeeds_InvariantsHold()
    {
        TopologySpec[] specs = [new TopologySpec.Random(1), new TopologySpec.Random(8), new TopologySpec.Ring(),
            new TopologySpec.SmallWorld(2, 0.2), new TopologySpec.SmallWorld(4, 0.9)];
        var random = new Random(2024);
        for (var round = 0; round < 300; round++)
        {
            var spec = specs[random.Next(specs.Length)];
            var nodes = random.Next(spec is TopologySpec.SmallWorld s ? s.Neighbours + 1 : 2, 201);
            var t = TopologyBuilder.Build(spec, nodes, random.Next());
            var context = $"{spec} n={nodes}";

            Assert.Equal(nodes, t.NodeCount);
            Assert.True(t.IsConnected, context);
            Assert.DoesNotContain(t.Edges, e => e.From == e.To);
            Assert.True(t.Edges.Order().Distinct().SequenceEqual(t.Edges), "edges sorted and distinct");
            Assert.True(t.AddedLinks.All(t.Edges.Contains), "added links are edges");
            // Neighbours agree with the edges, both ways.
            var pairs = t.Edges.Concat(t.Edges.Select(e => (From: e.To, To: e.From))).ToLookup(e => e.From, e => e.To);
            for (var i = 0; i < nodes; i++)
                Assert.True(pairs[i].Distinct().Order().SequenceEqual(t.Neighbours(i)), $"{context}: neighbours of {i}");
            // Distances: every node reachable; a neighbour's distance differs by at most one.
            var d = t.Distances(0);
            Assert.DoesNotContain(null, d);
            Assert.True(t.Edges.All(e => Math.Abs(d[e.From]!.Value - d[e.To]!.Value) <= 1), context);
        }
    }

    private static double MeanDistance(Topology t) =>
        Enumerable.Range(0, t.NodeCount).SelectMany(i => t.Distances(i)).Average(d => d!.Value);
}
