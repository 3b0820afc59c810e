using ActorNode.Lab.Analysis;

namespace ActorNode.Lab.Tests.Analysis;

public class PercentilesTests
{
    // The worked examples of the nearest-rank method in Wikipedia's "Percentile" article.
    [Theory]
    [InlineData(new[] { 15, 20, 35, 40, 50 }, 5, 15)]
    [InlineData(new[] { 15, 20, 35, 40, 50 }, 30, 20)]
    [InlineData(new[] { 15, 20, 35, 40, 50 }, 40, 20)]
    [InlineData(new[] { 15, 20, 35, 40, 50 }, 50, 35)]
    [InlineData(new[] { 15, 20, 35, 40, 50 }, 100, 50)]
    [InlineData(new[] { 3, 6, 7, 8, 8, 10, 13, 15, 16, 20 }, 25, 7)]
    [InlineData(new[] { 3, 6, 7, 8, 8, 10, 13, 15, 16, 20 }, 50, 8)]
    [InlineData(new[] { 3, 6, 7, 8, 8, 10, 13, 15, 16, 20 }, 75, 15)]
    [InlineData(new[] { 3, 6, 7, 8, 8, 10, 13, 15, 16, 20 }, 100, 20)]
    [InlineData(new[] { 3, 6, 7, 8, 8, 9, 10, 13, 15, 16, 20 }, 25, 7)]
    [InlineData(new[] { 3, 6, 7, 8, 8, 9, 10, 13, 15, 16, 20 }, 50, 9)]
    [InlineData(new[] { 3, 6, 7, 8, 8, 9, 10, 13, 15, 16, 20 }, 75, 15)]
    [InlineData(new[] { 3, 6, 7, 8, 8, 9, 10, 13, 15, 16, 20 }, 100, 20)]
    public void NearestRank_WikipediaExamples(int[] sorted, double percent, int expected)
    {
        Assert.Equal(expected, Percentiles.NearestRank(sorted, percent));
    }

    [Theory]
    [InlineData(10, 70, 7)]
    [InlineData(100, 7, 7)]   // 7 / 100.0 · 100 is 7.000000000000001 in doubles; the rank must still be 7
    [InlineData(10, 50, 5)]
    [InlineData(10, 51, 6)]
    [InlineData(10, 0.001, 1)]
    [InlineData(3, 100, 3)]
    [InlineData(1, 50, 1)]
    [InlineData(1000, 99.9, 999)] // 99.9 / 100 · 1000 is 999.0000000000001 in doubles
    public void Rank_IsCeilingOfShareWithoutFloatingPointDrift(int count, double percent, int rank)
    {
        Assert.Equal(rank, Percentiles.Rank(count, percent));
    }

    [Fact]
    public void Rank_MatchesIntegerCeilingForWholePercents()
    {
        for (var count = 0; count <= 300; count++)
        {
            for (var percent = 1; percent <= 100; percent++)
                Assert.Equal(Math.Max(1, (percent * count + 99) / 100), Percentiles.Rank(count, percent));
        }
    }

    [Fact]
    public void NearestRank_IsSmallestValueWithAtLeastPPercentAtOrBelow()
    {
        var random = new Random(11);
        for (var round = 0; round < 500; round++)
        {
            var values = Enumerable.Range(0, random.Next(1, 40)).Select(_ => random.Next(0, 20)).Order().ToList();
            var percent = random.Next(1, 101);
            var smallest = values.Where(v => values.Count(x => x <= v) * 100 >= percent * values.Count).Min();
            Assert.Equal(smallest, Percentiles.NearestRank(values, percent));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(100.5)]
    [InlineData(double.NaN)]
    public void NearestRank_PercentOutsideRange_Throws(double percent)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.NearestRank([1, 2, 3], percent));
    }

    [Fact]
    public void NearestRank_NoValues_Throws()
    {
        Assert.Throws<ArgumentException>(() => Percentiles.NearestRank(Array.Empty<int>(), 50));
    }

    [Fact]
    public void Of_SortsFirst_NullWhenEmpty()
    {
        Assert.Equal(35, Percentiles.Of([50, 15, 40, 35, 20], 50));
        Assert.Null(Percentiles.Of(Array.Empty<int>(), 50));
    }

    [Fact]
    public void TimeToReach_CountsAgainstExpectedNodesNotArrivals()
    {
        // 10 nodes expected, 6 got the item (delays in ms). 50 % = the 5th arrival; 90 % would need 9.
        var delays = new[] { 0, 10, 20, 30, 40, 50 }.Select(ms => TimeSpan.FromMilliseconds(ms)).ToList();

        Assert.Equal(TimeSpan.FromMilliseconds(40), Percentiles.TimeToReach(delays, 10, 50));
        Assert.Equal(TimeSpan.FromMilliseconds(50), Percentiles.TimeToReach(delays, 10, 60));
        Assert.Null(Percentiles.TimeToReach(delays, 10, 61));
        Assert.Null(Percentiles.TimeToReach(delays, 10, 90));
        Assert.Null(Percentiles.TimeToReach(delays, 10, 100));
        Assert.Equal(TimeSpan.FromMilliseconds(50), Percentiles.TimeToReach(delays, 6, 100));
    }

    [Fact]
    public void TimeToReach_NoExpectedNodes_Null()
    {
        Assert.Null(Percentiles.TimeToReach([], 0, 50));
    }
}
