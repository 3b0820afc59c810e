using ActorNode.Lab.Network;

namespace ActorNode.Lab.Tests.Network;

public class NetworkPlanTests
{
    private static IEnumerable<(int, int)> Ring(int n) => Enumerable.Range(0, n).Select(i => (i, (i + 1) % n));

    [Fact]
    public void Nodes_AreDealtToRegionsByShare_WithTheLargestRemainders()
    {
        var plan = NetworkPlan.Build(NetworkPresets.SimBlock2019, 500, Ring(500), seed: 3);
        var counts = plan.NodesPerRegion();
        Assert.Equal(500, counts.Sum());
        // 500 x shares = 165.8, 249.9, 4.5, 58.85, 11.2, 9.75: floors 165+249+4+58+11+9 = 496, the four largest
        // remainders (0.9 europe, 0.85 asia-pacific, 0.8 north america, 0.75 australia) get one more.
        Assert.Equal(new[] { 166, 250, 4, 59, 11, 10 }, counts);
    }

    [Fact]
    public void ThePlan_IsAFunctionOfTheSeed()
    {
        var a = NetworkPlan.Build(NetworkPresets.SimBlock2019, 100, Ring(100), seed: 9);
        var b = NetworkPlan.Build(NetworkPresets.SimBlock2019, 100, Ring(100), seed: 9);
        var c = NetworkPlan.Build(NetworkPresets.SimBlock2019, 100, Ring(100), seed: 10);
        Assert.Equal(Enumerable.Range(0, 100).Select(a.RegionOf), Enumerable.Range(0, 100).Select(b.RegionOf));
        Assert.Equal(a.Links.OrderBy(l => l.From), b.Links.OrderBy(l => l.From));
        Assert.NotEqual(Enumerable.Range(0, 100).Select(a.RegionOf), Enumerable.Range(0, 100).Select(c.RegionOf));
    }

    [Fact]
    public void LinkLatencies_AreSymmetric_AndDrawnAroundTheTableMean()
    {
        var plan = NetworkPlan.Build(NetworkPresets.SimBlock2019, 10, [(0, 1), (1, 0), (2, 3)], seed: 1);
        Assert.Equal(plan.Latency(0, 1), plan.Latency(1, 0));
        Assert.Equal(2, plan.Links.Count());
        Assert.Equal(TimeSpan.Zero, plan.Latency(4, 5));
    }

    [Theory]
    [InlineData(124)]
    [InlineData(11)]
    [InlineData(325)]
    public void TheParetoDraw_HasTheTableMean_AndNeverGoesBelowItsScale(double mean)
    {
        var random = new Random(5);
        var draws = Enumerable.Range(0, 200_000).Select(_ => NetworkPlan.DrawLatencyMs(mean, random.NextDouble())).ToArray();
        Assert.InRange(draws.Average(), mean * 0.99, mean * 1.01);
        Assert.All(draws, d => Assert.InRange(d, mean - 5, 100 * mean));
    }

    [Fact]
    public void Loopback_IsLoopback_AndSimBlockIsNot()
    {
        Assert.True(NetworkPresets.Loopback.IsLoopback);
        Assert.False(NetworkPresets.SimBlock2019.IsLoopback);
        Assert.Equal(124, NetworkPresets.SimBlock2019.MeanLatencyMs[0, 1]);
        Assert.Equal(11, NetworkPresets.SimBlock2019.MeanLatencyMs[1, 1]);
        Assert.Equal(19_200_000, NetworkPresets.SimBlock2019.Regions[0].UploadBitsPerSecond);
        Assert.Equal(52_000_000, NetworkPresets.SimBlock2019.Regions[0].DownloadBitsPerSecond);
    }

    [Fact]
    public void ABadTable_IsRefusedWithItsReason()
    {
        var e = Assert.Throws<ArgumentException>(() => new RegionTable("t", [new Region("a", 0.5, null, null)], new double[1, 1]));
        Assert.Contains("sum to 0.5", e.Message);
        Assert.Throws<ArgumentException>(() => new RegionTable("t", [new Region("a", 1, null, null)], new double[2, 2]));
        Assert.Throws<ArgumentException>(() => new RegionTable("t", [new Region("a", 1, -1, null)], new double[1, 1]));
    }
}
