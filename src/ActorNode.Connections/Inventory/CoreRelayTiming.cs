namespace ActorNode.Connections.Inventory;

/// <summary>Bitcoin Core's transaction-announcement timing (net_processing.cpp <c>SendMessages</c>): each outbound
/// peer's queued announcements go out at Poisson-spaced times with a mean of 2 s, and all inbound peers share one
/// Poisson-spaced schedule with a mean of 5 s (so an observer connecting many times learns no more than one
/// connection would). One round announces at most <see cref="RoundCap"/> transactions; blocks never wait.
/// <para>btcd instead drains the whole queue every 10 s (peer.go <c>trickleTicker</c>); ActorNode keeps that as
/// <see cref="RelayPolicy.FixedInterval"/>.</para></summary>
public static class CoreRelayTiming
{
    /// <summary>Core's <c>OUTBOUND_INVENTORY_BROADCAST_INTERVAL</c>.</summary>
    public static readonly TimeSpan OutboundMean = TimeSpan.FromSeconds(2);

    /// <summary>Core's <c>INBOUND_INVENTORY_BROADCAST_INTERVAL</c>.</summary>
    public static readonly TimeSpan InboundMean = TimeSpan.FromSeconds(5);

    /// <summary>Core's <c>INVENTORY_BROADCAST_PER_SECOND</c> (14 since Core 28; 7 before).</summary>
    public const int BroadcastPerSecond = 14;

    /// <summary>Core's <c>INVENTORY_BROADCAST_TARGET</c>: the per-second rate over the inbound interval.</summary>
    public const int BroadcastTarget = BroadcastPerSecond * 5;

    /// <summary>Core's <c>INVENTORY_BROADCAST_MAX</c>.</summary>
    public const int BroadcastMax = 1000;

    /// <summary>How many of <paramref name="queued"/> transactions one round may announce: the target plus 5 for
    /// every 1,000 waiting, at most <see cref="BroadcastMax"/> (Core's <c>broadcast_max</c>).</summary>
    public static int RoundCap(int queued)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(queued);
        return (int)Math.Min(BroadcastMax, BroadcastTarget + (long)(queued / 1000) * 5);
    }

    /// <summary>An exponentially distributed delay with the given mean (Core's <c>rand_exp_duration</c>): the gap
    /// between events of a Poisson process. <paramref name="uniform"/> is a draw from [0, 1).</summary>
    public static TimeSpan ExponentialDelay(TimeSpan mean, double uniform)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(mean.Ticks, nameof(mean));
        if (uniform is < 0 or >= 1 || double.IsNaN(uniform))
            throw new ArgumentOutOfRangeException(nameof(uniform), uniform, "a draw from [0, 1)");
        // -ln(1 - u) is Exp(1); 1 - u is in (0, 1], so the log is finite.
        return TimeSpan.FromTicks((long)(-Math.Log(1 - uniform) * mean.Ticks));
    }
}

/// <summary>How a peer's queued transaction announcements are timed.</summary>
public enum RelayPolicy
{
    /// <summary>Bitcoin Core's: Poisson-spaced rounds (mean 2 s outbound, 5 s shared by inbound), each capped.</summary>
    CorePoisson,

    /// <summary>btcd's: the whole queue every fixed interval (10 s by default; zero announces at once).</summary>
    FixedInterval,
}

/// <summary>The one Poisson schedule that all inbound peers of a node share (Core's <c>NextInvToInbounds</c>): when
/// the shared time has passed, the next one is drawn; every inbound peer asking before then gets the same time.
/// Shared by the node's peer actors, so it is thread-safe (a compare-and-swap on one value, no lock).</summary>
public sealed class SharedPoissonSchedule(TimeSpan mean, Func<double> uniform)
{
    private long _nextTicks = long.MinValue;

    public TimeSpan Mean { get; } = mean;

    /// <summary>The next shared send time at or after <paramref name="now"/> (ticks of any monotonic clock the
    /// callers agree on).</summary>
    public long Next(long now)
    {
        while (true)
        {
            long current = Volatile.Read(ref _nextTicks);
            if (current >= now) return current;
            long next = now + CoreRelayTiming.ExponentialDelay(Mean, uniform()).Ticks;
            if (Interlocked.CompareExchange(ref _nextTicks, next, current) == current) return next;
        }
    }
}
