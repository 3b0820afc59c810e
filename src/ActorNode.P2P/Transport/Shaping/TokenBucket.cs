namespace ActorNode.P2P.Transport.Shaping;

/// <summary>A byte-rate limit as a token bucket: tokens (bytes) accrue at <see cref="BytesPerSecond"/> up to
/// <see cref="BurstBytes"/>; sending n bytes takes n tokens, waiting for them when there are too few. Callers
/// reserve bytes and get back the moment they are through, so a run of reservations is paced exactly at the rate
/// (after an initial burst) and keeps its order.
/// <para>One bucket stands for one node's uplink (or downlink) and is shared by all that node's connections, which
/// belong to different actors: reservations are serialised by a private lock held for a few arithmetic operations
/// (no actor state is behind it, and nothing waits while holding it).</para></summary>
public sealed class TokenBucket
{
    private readonly object _gate = new();
    private readonly double _ticksPerByte;
    private readonly long _burstTicks;
    private long _freeAt = long.MinValue;

    /// <param name="bytesPerSecond">The sustained rate.</param>
    /// <param name="burstBytes">Bytes that may pass at once after the bucket has been idle (at least one packet's
    /// worth, so a small message is not delayed by its own size alone).</param>
    public TokenBucket(double bytesPerSecond, int burstBytes = 16 * 1024)
    {
        if (!(bytesPerSecond > 0) || double.IsInfinity(bytesPerSecond))
            throw new ArgumentOutOfRangeException(nameof(bytesPerSecond), bytesPerSecond, "a positive, finite rate");
        ArgumentOutOfRangeException.ThrowIfNegative(burstBytes);
        BytesPerSecond = bytesPerSecond;
        BurstBytes = burstBytes;
        _ticksPerByte = TimeSpan.TicksPerSecond / bytesPerSecond;
        _burstTicks = (long)(burstBytes * _ticksPerByte);
    }

    /// <summary>A bucket for a rate given in bits per second, as network tables give it.</summary>
    public static TokenBucket FromBitsPerSecond(double bitsPerSecond, int burstBytes = 16 * 1024) =>
        new(bitsPerSecond / 8, burstBytes);

    public double BytesPerSecond { get; }
    public int BurstBytes { get; }

    /// <summary>Takes <paramref name="bytes"/> tokens at <paramref name="now"/> (ticks of a monotonic clock, e.g.
    /// <see cref="ShapingClock"/>) and returns when the last of them is through: <paramref name="now"/> when the
    /// bucket had enough, later when the bytes must wait for tokens or for earlier reservations.</summary>
    public long Reserve(int bytes, long now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        lock (_gate)
        {
            // An idle bucket has at most the burst in hand: the line may start no earlier than now - burst.
            long start = Math.Max(_freeAt, now - _burstTicks);
            _freeAt = start + (long)(bytes * _ticksPerByte);
            return Math.Max(_freeAt, now);
        }
    }
}

/// <summary>The shaping layer's monotonic clock, in <see cref="TimeSpan"/> ticks (100 ns).</summary>
public static class ShapingClock
{
    private static readonly double TicksPerTimestamp = (double)TimeSpan.TicksPerSecond / System.Diagnostics.Stopwatch.Frequency;

    public static long Now => (long)(System.Diagnostics.Stopwatch.GetTimestamp() * TicksPerTimestamp);
}
