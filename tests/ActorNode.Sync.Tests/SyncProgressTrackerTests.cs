using Microsoft.Extensions.Time.Testing;

namespace ActorNode.Sync.Tests;

public class SyncProgressTrackerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void SteadyRate_GivesRateAndTimeLeft()
    {
        var t = new SyncProgressTracker(_time, startHeight: 0);
        for (var i = 1; i <= 10; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            t.TipChanged(i * 100);
        }
        var p = t.Snapshot(bestHeaderHeight: 10_000, peersDownloading: 5);
        Assert.Equal(1000, p.Height);
        Assert.Equal(10_000, p.BestHeaderHeight);
        Assert.Equal(100, p.BlocksPerSecond, 6);
        Assert.Equal(TimeSpan.FromSeconds(90), p.EstimatedTimeLeft);
        Assert.Equal(5, p.PeersDownloading);
        Assert.Equal(0.1, p.Fraction, 6);
    }

    [Fact]
    public void Window_Slides_OldFastPeriodForgotten()
    {
        var t = new SyncProgressTracker(_time, startHeight: 0, window: TimeSpan.FromSeconds(30));
        var height = 0;
        for (var i = 0; i < 40; i++) { _time.Advance(TimeSpan.FromSeconds(1)); t.TipChanged(height += 100); }
        for (var i = 0; i < 30; i++) { _time.Advance(TimeSpan.FromSeconds(1)); t.TipChanged(height += 10); }
        Assert.Equal(10, t.BlocksPerSecond, 6);
    }

    [Fact]
    public void NoProgress_RateZero_NoEstimate_ThenSyncedIsZeroLeft()
    {
        var t = new SyncProgressTracker(_time, startHeight: 500);
        _time.Advance(TimeSpan.FromSeconds(5));
        var stuck = t.Snapshot(1000, 0);
        Assert.Equal(0, stuck.BlocksPerSecond);
        Assert.Null(stuck.EstimatedTimeLeft);
        t.TipChanged(1000);
        Assert.Equal(TimeSpan.Zero, t.Snapshot(1000, 0).EstimatedTimeLeft);
    }

    [Fact]
    public void ManyUpdatesWithinOneInstant_Merged_RateStillRight()
    {
        var t = new SyncProgressTracker(_time, startHeight: 0, window: TimeSpan.FromSeconds(10));
        var height = 0;
        for (var s = 0; s < 20; s++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            for (var i = 0; i < 1000; i++) t.TipChanged(++height); // 1000 blocks per second, one call each
        }
        Assert.Equal(1000, t.BlocksPerSecond, 6);
    }
}
