namespace ActorNode.AddrBook.Tests;

public class AddressSamplingTests
{
    [Fact]
    public void TakeRandom_NeverRepeatsAnElement()
    {
        var items = Enumerable.Range(0, 3000).ToArray();
        var random = new Random(42);
        for (int round = 0; round < 20; round++)
        {
            var taken = AddressSampling.TakeRandom(items, 1000, random);
            Assert.Equal(1000, taken.Length);
            Assert.Equal(1000, taken.Distinct().Count());
            Assert.All(taken, x => Assert.InRange(x, 0, 2999));
        }
        Assert.Equal(Enumerable.Range(0, 3000), items); // the input is left alone
    }

    [Fact]
    public void TakeRandom_MoreThanAvailable_ReturnsAllShuffled()
    {
        var items = Enumerable.Range(0, 50).ToArray();
        var taken = AddressSampling.TakeRandom(items, 100, new Random(1));
        Assert.Equal(items, taken.Order());
        Assert.NotEqual(items, taken);
    }

    [Fact]
    public void TakeRandom_IsUniform()
    {
        // Each of 10 elements should be in a 3-sample about 30 % of the time.
        var counts = new int[10];
        var random = new Random(7);
        for (int i = 0; i < 20_000; i++)
            foreach (int x in AddressSampling.TakeRandom(Enumerable.Range(0, 10).ToArray(), 3, random)) counts[x]++;
        Assert.All(counts, c => Assert.InRange(c, 5600, 6400));
    }

    [Fact]
    public void TakeRandom_Zero_IsEmpty() =>
        Assert.Empty(AddressSampling.TakeRandom(new[] { 1, 2, 3 }, 0, new Random(1)));
}
