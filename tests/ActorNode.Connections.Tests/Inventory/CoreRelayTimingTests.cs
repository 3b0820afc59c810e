using ActorNode.Connections.Inventory;
using ActorNode.Wire.Primitives;

namespace ActorNode.Connections.Tests.Inventory;

public class CoreRelayTimingTests
{
    private static InvVector Tx(int n)
    {
        var bytes = new byte[32];
        BitConverter.GetBytes(n).CopyTo(bytes, 0);
        return new InvVector(InvType.WitnessTx, new Hash256(bytes));
    }

    [Theory]
    [InlineData(0, 70)]
    [InlineData(999, 70)]
    [InlineData(1000, 75)]
    [InlineData(5_500, 95)]
    [InlineData(186_000, 1000)]
    [InlineData(10_000_000, 1000)]
    public void RoundCap_IsTheTargetPlusFivePerThousandQueued_AtMostTheMax(int queued, int cap) =>
        Assert.Equal(cap, CoreRelayTiming.RoundCap(queued));

    [Fact]
    public void ExponentialDelay_HasTheAskedMean_AndTheExponentialSpread()
    {
        var random = new Random(7);
        var mean = TimeSpan.FromSeconds(2);
        var draws = Enumerable.Range(0, 200_000).Select(_ => CoreRelayTiming.ExponentialDelay(mean, random.NextDouble()).TotalSeconds).ToArray();
        Assert.InRange(draws.Average(), 1.98, 2.02);
        // Exp: P(X > mean) = 1/e, median = mean * ln 2.
        Assert.InRange(draws.Count(d => d > 2) / (double)draws.Length, 0.362, 0.374);
        Array.Sort(draws);
        Assert.InRange(draws[draws.Length / 2], 2 * Math.Log(2) - 0.02, 2 * Math.Log(2) + 0.02);
        Assert.All(draws, d => Assert.True(d >= 0));
    }

    [Fact]
    public void ExponentialDelay_RefusesADrawOutsideTheUnitInterval()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CoreRelayTiming.ExponentialDelay(TimeSpan.FromSeconds(1), 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => CoreRelayTiming.ExponentialDelay(TimeSpan.FromSeconds(1), -0.1));
        Assert.Equal(TimeSpan.Zero, CoreRelayTiming.ExponentialDelay(TimeSpan.FromSeconds(1), 0));
    }

    [Fact]
    public void SharedSchedule_GivesEveryCallerTheSameTime_UntilItHasPassed()
    {
        var draws = new Queue<double>([0.5, 0.9]);
        var schedule = new SharedPoissonSchedule(TimeSpan.FromSeconds(5), () => draws.Dequeue());
        long first = schedule.Next(1000);
        Assert.Equal(1000 + CoreRelayTiming.ExponentialDelay(TimeSpan.FromSeconds(5), 0.5).Ticks, first);
        Assert.Equal(first, schedule.Next(2000));
        Assert.Equal(first, schedule.Next(first));
        long second = schedule.Next(first + 1);
        Assert.Equal(first + 1 + CoreRelayTiming.ExponentialDelay(TimeSpan.FromSeconds(5), 0.9).Ticks, second);
        Assert.Empty(draws);
    }

    [Fact]
    public void SharedSchedule_UnderContention_DrawsOnceperPassedTime()
    {
        int drawsTaken = 0;
        var schedule = new SharedPoissonSchedule(TimeSpan.FromSeconds(5), () => { Interlocked.Increment(ref drawsTaken); return 0.3; });
        var results = new long[8];
        Parallel.For(0, 8, i => results[i] = schedule.Next(10));
        Assert.All(results, r => Assert.Equal(results[0], r));
        Assert.InRange(drawsTaken, 1, 8); // a losing CAS may have drawn, but only one time is published
    }

    [Fact]
    public void CappedDrain_TakesTheOldestUpToTheCap_AndKeepsTheRestForTheNextRound()
    {
        var known = new KnownInventory(capacity: 10_000);
        var trickle = new InventoryTrickle(known);
        for (int i = 0; i < 100; i++) trickle.Enqueue(Tx(i));
        known.Add(Tx(3)); // learnt meanwhile: skipped, not counted

        var round = trickle.Drain(CoreRelayTiming.RoundCap(trickle.Count));
        var sent = round.SelectMany(m => m.Inventory).ToList();
        Assert.Equal(70, sent.Count);
        Assert.Equal(Enumerable.Range(0, 71).Where(i => i != 3).Select(Tx), sent);
        Assert.Equal(29, trickle.Count);

        var next = trickle.Drain(70).SelectMany(m => m.Inventory).ToList();
        Assert.Equal(Enumerable.Range(71, 29).Select(Tx), next);
        Assert.Equal(0, trickle.Count);
    }
}
