using ActorNode.P2P.Transport.Shaping;

namespace ActorNode.P2P.Tests.Transport.Shaping;

public class ShapingTests
{
    private const long Second = TimeSpan.TicksPerSecond;

    [Fact]
    public void TokenBucket_PacesARunOfReservationsAtItsRate_AfterTheBurst()
    {
        var bucket = new TokenBucket(bytesPerSecond: 1000, burstBytes: 500);
        long now = 100 * Second;
        Assert.Equal(now, bucket.Reserve(500, now)); // the burst passes at once
        Assert.Equal(now + Second, bucket.Reserve(1000, now)); // then one second per 1,000 bytes
        Assert.Equal(now + 3 * Second, bucket.Reserve(2000, now));
        // An idle bucket refills to its burst only, not beyond.
        long later = now + 100 * Second;
        Assert.Equal(later, bucket.Reserve(500, later));
        Assert.Equal(later + Second / 2, bucket.Reserve(500, later));
    }

    [Fact]
    public void TokenBucket_SharedByThreads_NeverLetsMoreThroughThanTheRateAllows()
    {
        var bucket = new TokenBucket(bytesPerSecond: 1_000_000, burstBytes: 0);
        long now = 5 * Second;
        var done = new long[4000];
        Parallel.For(0, done.Length, i => done[i] = bucket.Reserve(1000, now));
        // 4 MB at 1 MB/s: the last reservation finishes 4 s after now, whatever the interleaving.
        Assert.Equal(now + 4 * Second, done.Max());
        Assert.Equal(done.Length, done.Distinct().Count());
    }

    [Fact]
    public void TokenBucket_FromBitsPerSecond_ConvertsToBytes() =>
        Assert.Equal(2_400_000, TokenBucket.FromBitsPerSecond(19_200_000).BytesPerSecond);

    [Fact]
    public void LinkShaper_AddsTheLatencyAfterTheUplink_AndKeepsOrder()
    {
        var upload = new TokenBucket(1000, burstBytes: 0);
        var shaper = new LinkShaper(TimeSpan.FromMilliseconds(100), TimeSpan.Zero, upload, null);
        long now = 10 * Second;
        Assert.Equal(now + Second + Second / 10, shaper.SendAt(1000, now));
        Assert.Equal(now + 2 * Second + Second / 10, shaper.SendAt(1000, now));
        Assert.False(shaper.IsIdentity);
        Assert.True(new LinkShaper(TimeSpan.Zero, TimeSpan.Zero, null, null).IsIdentity);
    }

    [Fact]
    public void LinkShaper_ReceivePath_DelaysByLatencyThenPacesByTheDownlink()
    {
        var download = new TokenBucket(10_000, burstBytes: 0);
        var shaper = new LinkShaper(TimeSpan.Zero, TimeSpan.FromMilliseconds(50), null, download);
        long now = 3 * Second;
        long first = shaper.ReceiveAt(1000, now);
        Assert.Equal(now + Second / 20 + Second / 10, first);
        // A chunk read a little later still comes after the first (order), paced behind it.
        long second = shaper.ReceiveAt(1000, now + 1);
        Assert.Equal(first + Second / 10, second);
    }

    [Fact]
    public void DelayLine_RunsCallbacksInDueOrder_NeverEarly()
    {
        using var line = new DelayLine();
        var fired = new System.Collections.Concurrent.ConcurrentQueue<(int Id, long At)>();
        long start = ShapingClock.Now;
        var dues = new[] { 40, 10, 30, 20, 10 };
        var all = new CountdownEvent(dues.Length);
        for (int i = 0; i < dues.Length; i++)
        {
            int id = i;
            long due = start + dues[i] * TimeSpan.TicksPerMillisecond;
            line.Schedule(due, () => { fired.Enqueue((id, ShapingClock.Now)); all.Signal(); });
        }
        Assert.True(all.Wait(TimeSpan.FromSeconds(10)));
        var order = fired.Select(f => f.Id).ToArray();
        Assert.Equal(new[] { 1, 4, 3, 2, 0 }, order); // by due time; the two 10 ms items in scheduling order
        foreach (var (id, at) in fired)
            Assert.True(at >= start + dues[id] * TimeSpan.TicksPerMillisecond, $"item {id} ran early");
    }

    [Fact]
    public void DelayLine_ACallbackThatThrows_IsCountedAndTheLineGoesOn()
    {
        using var line = new DelayLine();
        var ran = new ManualResetEventSlim();
        line.Schedule(ShapingClock.Now, () => throw new InvalidOperationException("boom"));
        line.Schedule(ShapingClock.Now + TimeSpan.TicksPerMillisecond, ran.Set);
        Assert.True(ran.Wait(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, line.Faults);
    }
}
