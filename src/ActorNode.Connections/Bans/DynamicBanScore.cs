using System.Globalization;

namespace ActorNode.Connections.Bans;

/// <summary>A ban score with a persistent part that never decays and a transient part that halves every
/// minute, so that a burst of cheap-but-abusive requests crosses the ban threshold while the same requests spread
/// over time do not. A port of btcd <c>connmgr.DynamicBanScore</c> (connmgr/dynamicbanscore.go), with the same
/// arithmetic: time is counted in whole Unix seconds, decay factors <c>e^(−λ·t)</c> with
/// <c>λ = ln 2 / 60</c> are precomputed for t = 0..63 s, and a transient part older than 1,800 s counts as zero.
/// <para>btcd quirks kept on purpose: a transient part at or below 1 is never decayed by <see cref="Increase(uint, uint)"/>
/// (only discarded once older than <see cref="LifetimeSeconds"/>); an increase with no transient points does not
/// move the decay clock; a clock that went backwards (negative age) reads as the persistent part alone.</para>
/// <para>One deliberate difference: where Go's uint32 arithmetic would wrap (a total above 4,294,967,295) or its
/// float-to-uint32 conversion is undefined, this class saturates at <see cref="uint.MaxValue"/>.</para>
/// <para>Safe for concurrent use, as btcd's is (a peer's score is read by RPC while its actor raises it).</para>
/// </summary>
public sealed class DynamicBanScore
{
    /// <summary>Seconds after which the transient part has decayed to half (btcd <c>Halflife</c>).</summary>
    public const int HalfLifeSeconds = 60;

    /// <summary>Age in seconds beyond which the transient part counts as zero (btcd <c>Lifetime</c>).</summary>
    public const int LifetimeSeconds = 1800;

    /// <summary>How many per-second decay factors are precomputed (btcd <c>precomputedLen</c>).</summary>
    internal const int PrecomputedLength = 64;

    /// <summary>The decay constant λ = ln 2 / 60 per second (btcd <c>lambda</c>; the same double as Go's constant
    /// expression <c>math.Ln2 / Halflife</c>).</summary>
    internal const double Lambda = 0.693147180559945309417232121458176568 / HalfLifeSeconds;

    private static readonly double[] PrecomputedFactor = BuildFactors();

    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private long lastUnix;
    private double transient;
    private uint persistent;

    /// <summary>A zero score that reads the time from <paramref name="timeProvider"/> (default: the system clock).</summary>
    public DynamicBanScore(TimeProvider? timeProvider = null)
    {
        time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The persistent part (never decays).</summary>
    public uint Persistent
    {
        get
        {
            lock (gate)
                return persistent;
        }
    }

    /// <summary>The transient part as of its last increase, before decay.</summary>
    public double Transient
    {
        get
        {
            lock (gate)
                return transient;
        }
    }

    /// <summary>When the transient part was last increased, in Unix seconds (0 if never).</summary>
    public long LastUnixSeconds
    {
        get
        {
            lock (gate)
                return lastUnix;
        }
    }

    /// <summary>The current score: persistent + decayed transient, truncated (btcd <c>Int</c>).</summary>
    public uint Int() => Int(time.GetUtcNow());

    /// <summary>The score as it reads at <paramref name="now"/> (btcd's internal <c>int(t)</c>).</summary>
    public uint Int(DateTimeOffset now)
    {
        lock (gate)
            return IntCore(now.ToUnixTimeSeconds());
    }

    /// <summary>Adds <paramref name="persistentPoints"/> to the persistent part and <paramref name="transientPoints"/>
    /// to the (first decayed) transient part; returns the new score (btcd <c>Increase</c>). Note that the
    /// returned value truncates the transient part without decaying it again, exactly as btcd does.</summary>
    public uint Increase(uint persistentPoints, uint transientPoints) =>
        Increase(persistentPoints, transientPoints, time.GetUtcNow());

    /// <summary><see cref="Increase(uint, uint)"/> as if done at <paramref name="now"/> (btcd's internal
    /// <c>increase(p, t, time)</c>).</summary>
    public uint Increase(uint persistentPoints, uint transientPoints, DateTimeOffset now)
    {
        lock (gate)
        {
            persistent = SaturatingAdd(persistent, persistentPoints);
            long nowUnix = now.ToUnixTimeSeconds();
            long dt = nowUnix - lastUnix;
            if (transientPoints > 0)
            {
                if (dt > LifetimeSeconds)
                    transient = 0;
                else if (transient > 1 && dt > 0)
                    transient *= DecayFactor(dt);
                transient += transientPoints;
                lastUnix = nowUnix;
            }
            return SaturatingAdd(persistent, Truncate(transient));
        }
    }

    /// <summary>Sets both parts to zero (btcd <c>Reset</c>).</summary>
    public void Reset()
    {
        lock (gate)
        {
            persistent = 0;
            transient = 0;
            lastUnix = 0;
        }
    }

    /// <summary>btcd's <c>String</c>: "persistent P + transient T at LAST = SCORE as of now".</summary>
    public override string ToString()
    {
        DateTimeOffset now = time.GetUtcNow();
        lock (gate)
        {
            string t = transient.ToString("R", CultureInfo.InvariantCulture);
            return $"persistent {persistent} + transient {t} at {lastUnix} = {IntCore(now.ToUnixTimeSeconds())} as of now";
        }
    }

    /// <summary>The factor by which a transient score decays in <paramref name="seconds"/> seconds
    /// (btcd <c>decayFactor</c>): precomputed below 64 s, computed beyond.</summary>
    internal static double DecayFactor(long seconds) =>
        seconds < PrecomputedLength ? PrecomputedFactor[seconds] : Math.Exp(-1.0 * seconds * Lambda);

    private uint IntCore(long nowUnix)
    {
        long dt = nowUnix - lastUnix;
        if (transient < 1 || dt < 0 || dt > LifetimeSeconds)
            return persistent;
        return SaturatingAdd(persistent, Truncate(transient * DecayFactor(dt)));
    }

    private static double[] BuildFactors()
    {
        var factors = new double[PrecomputedLength];
        for (int i = 0; i < factors.Length; i++)
            factors[i] = Math.Exp(-1.0 * i * Lambda);
        return factors;
    }

    private static uint Truncate(double value) => value >= uint.MaxValue ? uint.MaxValue : (uint)value;

    private static uint SaturatingAdd(uint a, uint b)
    {
        uint sum = unchecked(a + b);
        return sum < a ? uint.MaxValue : sum;
    }
}
