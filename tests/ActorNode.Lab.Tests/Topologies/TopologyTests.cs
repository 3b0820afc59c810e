using ActorNode.Lab.Topologies;

namespace ActorNode.Lab.Tests.Topologies;

public class TopologyTests
{
    [Fact]
    public void Constructor_DuplicateEdges_KeptOnceAndSorted()
    {
        var t = new Topology(3, [(2, 0), (0, 1), (2, 0), (0, 1)]);

        Assert.Equal([(0, 1), (2, 0)], t.Edges);
    }

    [Fact]
    public void Constructor_BothDirections_TwoEdgesOneLink()
    {
        var t = new Topology(2, [(0, 1), (1, 0)]);

        Assert.Equal(2, t.Edges.Count);
        Assert.Equal(1, t.LinkCount);
        Assert.Equal([1], t.Neighbours(0));
        Assert.Equal([1], t.OutboundOf(0));
        Assert.Equal([1], t.InboundOf(0));
        Assert.True(t.IsConnected);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(-1, 0)]
    [InlineData(0, 3)]
    [InlineData(1, 1)]
    public void Constructor_BadEdge_Throws(int from, int to)
    {
        var error = Assert.Throws<ArgumentException>(() => new Topology(3, [(0, 1), (from, to)]));

        Assert.Contains("#1", error.Message);
    }

    [Fact]
    public void Constructor_NoNodes_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Topology(0, []));
    }

    [Fact]
    public void Neighbours_AndDegrees_CountUndirectedOnce()
    {
        // 0 → 1, 1 → 0, 0 → 2, 3 → 0: node 0 dials 2, is dialled by 2, and has 3 distinct neighbours.
        var t = new Topology(4, [(0, 1), (1, 0), (0, 2), (3, 0)]);

        Assert.Equal([1, 2, 3], t.Neighbours(0));
        Assert.Equal([1, 2], t.OutboundOf(0));
        Assert.Equal([1, 3], t.InboundOf(0));
        Assert.Equal(new DegreeStats(0, 1.0, 2), t.OutboundDegrees());
        Assert.Equal(new DegreeStats(0, 1.0, 2), t.InboundDegrees());
        Assert.Equal(new DegreeStats(1, 1.5, 3), t.Degrees());
        Assert.Equal(3, t.LinkCount);
    }

    [Fact]
    public void Components_TwoGroupsAndAnIsolatedNode_OrderedBySmallestMember()
    {
        var t = new Topology(6, [(4, 1), (5, 2), (0, 5)]);

        Assert.False(t.IsConnected);
        var components = t.Components();
        Assert.Equal(3, components.Count);
        Assert.Equal([0, 2, 5], components[0]);
        Assert.Equal([1, 4], components[1]);
        Assert.Equal([3], components[2]);
    }

    [Fact]
    public void IsConnected_SingleNode_True()
    {
        Assert.True(new Topology(1, []).IsConnected);
    }

    [Fact]
    public void Distances_FollowLinksEitherWay_NullWhenUnreachable()
    {
        // 0 → 1 ← 2 → 3, and 4 alone.
        var t = new Topology(5, [(0, 1), (2, 1), (2, 3)]);

        Assert.Equal([0, 1, 2, 3, null], t.Distances(0));
        Assert.Equal([2, 1, 0, 1, null], t.Distances(2));
        Assert.Equal([null, null, null, null, 0], t.Distances(4));
    }

    [Fact]
    public void Queries_NodeOutOfRange_Throw()
    {
        var t = new Topology(2, [(0, 1)]);

        Assert.Throws<ArgumentOutOfRangeException>(() => t.OutboundOf(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Neighbours(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Distances(5));
    }
}
