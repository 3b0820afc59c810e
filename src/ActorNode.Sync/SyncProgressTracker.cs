namespace ActorNode.Sync;

/// <summary>Sync progress as the SyncActor publishes it to subscribers (the console, getblockchaininfo-like
/// queries): our height, the best header, the recent download rate and the time left at that rate.</summary>
/// <param name="Height">Our block tip height.</param>
/// <param name="BestHeaderHeight">The best header height (the target).</param>
/// <param name="BlocksPerSecond">Blocks connected per second over the tracker's sliding window.</param>
/// <param name="EstimatedTimeLeft">(best header − height) / rate; zero when synced; null while the rate is zero.</param>
/// <param name="PeersDownloading">Peers with blocks in flight.</param>
public sealed record SyncProgress(int Height, int BestHeaderHeight, double BlocksPerSecond, TimeSpan? EstimatedTimeLeft,
    int PeersDownloading)
{
    /// <summary>Height / best header, 0..1 (1 when there is nothing to sync).</summary>
    public double Fraction => BestHeaderHeight <= 0 ? 1 : Math.Clamp((double)Height / BestHeaderHeight, 0, 1);
}

/// <summary>Measures blocks per second over a sliding window (default 30 s) and estimates the time left to the best
/// header. Neither btcd nor Core has one (Core logs <c>progress=</c> from transaction counts); this is ours.
/// Memory is bounded: samples closer together than window / 64 are merged into one.</summary>
public sealed class SyncProgressTracker
{
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromSeconds(30);
    private const int Resolution = 64;

    private readonly TimeProvider _time;
    private readonly TimeSpan _window;
    private readonly TimeSpan _minSpacing;
    private readonly LinkedList<(DateTimeOffset At, int Height)> _samples = new();

    public SyncProgressTracker(TimeProvider time, int startHeight, TimeSpan? window = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _window = window ?? DefaultWindow;
        if (_window <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(window));
        _minSpacing = _window / Resolution;
        _samples.AddLast((time.GetUtcNow(), startHeight));
    }

    /// <summary>Our tip is now at <paramref name="height"/>.</summary>
    public void TipChanged(int height)
    {
        var now = _time.GetUtcNow();
        var last = _samples.Last!;
        if (now - last.Value.At < _minSpacing && _samples.Count > 1)
            last.Value = (last.Value.At, height); // merged: at most window / 64 of timing error
        else
            _samples.AddLast((now, height));
        Trim(now);
    }

    /// <summary>Blocks per second over the window ending now (0 if no time has passed or no block came).</summary>
    public double BlocksPerSecond
    {
        get
        {
            var now = _time.GetUtcNow();
            Trim(now);
            var (baseAt, baseHeight) = _samples.First!.Value;
            var elapsed = (now - baseAt).TotalSeconds;
            var blocks = Height - baseHeight;
            return elapsed <= 0 || blocks <= 0 ? 0 : blocks / elapsed;
        }
    }

    public int Height => _samples.Last!.Value.Height;

    public SyncProgress Snapshot(int bestHeaderHeight, int peersDownloading)
    {
        var rate = BlocksPerSecond;
        var height = Height;
        var left = Math.Max(0, bestHeaderHeight - height);
        TimeSpan? eta = left == 0 ? TimeSpan.Zero : rate > 0 ? TimeSpan.FromSeconds(left / rate) : null;
        return new SyncProgress(height, bestHeaderHeight, rate, eta, peersDownloading);
    }

    /// <summary>Keeps one sample at or before the window's start as the baseline.</summary>
    private void Trim(DateTimeOffset now)
    {
        var start = now - _window;
        while (_samples.First!.Next is { } second && second.Value.At <= start) _samples.RemoveFirst();
    }
}
