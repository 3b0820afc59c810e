using System.Net;

namespace ActorNode.Connections.Bans;

/// <summary>What <see cref="BanScoreTable.Add"/> decided.</summary>
public enum BanVerdict
{
    /// <summary>Not scored: the peer is whitelisted or banning is disabled (btcd <c>addBanScore</c> returns early).</summary>
    Exempt,
    /// <summary>Scored; the score is at most half the threshold.</summary>
    Recorded,
    /// <summary>Scored; the score is above half the threshold (btcd logs "Misbehaving peer …").</summary>
    Warning,
    /// <summary>The score exceeded the threshold: ban the IP and disconnect (btcd <c>BanPeer</c> + <c>Disconnect</c>).
    /// The table has forgotten the score; the ban list takes over.</summary>
    Ban,
}

/// <summary>The result of scoring one offence: the verdict and the score after it.</summary>
public readonly record struct BanOutcome(BanVerdict Verdict, uint Score);

/// <summary>The ban scores of peers, one <see cref="DynamicBanScore"/> per IP, and btcd's <c>addBanScore</c> rule
/// on top (server.go): whitelisted peers and <c>--nobanning</c> are never scored; a score above half the threshold
/// warns; above the threshold bans.
/// <para>Beyond btcd, scores are kept per IP (<see cref="IpKey"/>), not per connection, and outlive the
/// connection: every codec error and several protocol faults disconnect the peer at once, so a per-connection
/// score would restart from zero on each reconnection and a flood of garbage could never add up to a ban. An entry
/// is forgotten when its IP is banned, when it has not been raised for <see cref="BanPolicy.Duration"/>, or, when
/// the table is full, oldest-raised first (after entries whose score already reads zero).</para>
/// <para>Not thread-safe: owned by one actor.</para></summary>
public sealed class BanScoreTable
{
    /// <summary>The default number of IPs remembered.</summary>
    public const int DefaultCapacity = 8192;

    private readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly TimeProvider time;

    /// <summary>A table applying <paramref name="policy"/>, exempting <paramref name="whitelist"/>, reading the
    /// clock from <paramref name="timeProvider"/> (default: system), holding at most <paramref name="capacity"/> IPs.</summary>
    public BanScoreTable(BanPolicy? policy = null, IpWhitelist? whitelist = null, TimeProvider? timeProvider = null,
        int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Policy = policy ?? BanPolicy.Default;
        Whitelist = whitelist ?? IpWhitelist.Empty;
        time = timeProvider ?? TimeProvider.System;
        Capacity = capacity;
    }

    /// <summary>The threshold, duration and on/off switch.</summary>
    public BanPolicy Policy { get; }

    /// <summary>IPs that are never scored.</summary>
    public IpWhitelist Whitelist { get; }

    /// <summary>The most IPs remembered at once.</summary>
    public int Capacity { get; }

    /// <summary>How many IPs currently have an entry.</summary>
    public int Count => entries.Count;

    /// <summary>Scores <paramref name="penalty"/> against <paramref name="address"/> (btcd <c>addBanScore</c>). A
    /// penalty of zero points changes nothing but still reports <see cref="BanVerdict.Warning"/> when the current
    /// score is above half the threshold (btcd logs "it was not increased this time").</summary>
    public BanOutcome Add(IPAddress address, BanPenalty penalty)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (Policy.Disabled || Whitelist.Contains(address))
            return new BanOutcome(BanVerdict.Exempt, 0);

        DateTimeOffset now = time.GetUtcNow();
        string key = IpKey.Of(address);
        if (penalty.Persistent == 0 && penalty.Transient == 0)
        {
            uint current = Score(key, now);
            return new BanOutcome(current > Policy.WarnThreshold ? BanVerdict.Warning : BanVerdict.Recorded, current);
        }

        Entry entry = GetOrAdd(key, now);
        uint score = entry.Score.Increase(penalty.Persistent, penalty.Transient, now);
        entry.LastRaised = now;
        if (score <= Policy.WarnThreshold)
            return new BanOutcome(BanVerdict.Recorded, score);
        if (score <= Policy.Threshold)
            return new BanOutcome(BanVerdict.Warning, score);
        entries.Remove(key);
        return new BanOutcome(BanVerdict.Ban, score);
    }

    /// <summary>The current (decayed) score of <paramref name="address"/>; 0 if unknown or exempt (btcd
    /// <c>banScore.Int()</c>, the <c>banscore</c> field of getpeerinfo).</summary>
    public uint Score(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return Score(IpKey.Of(address), time.GetUtcNow());
    }

    /// <summary>Drops the score of <paramref name="address"/> (e.g. after an operator unbans it). Returns whether
    /// there was one.</summary>
    public bool Forget(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return entries.Remove(IpKey.Of(address));
    }

    /// <summary>Drops every entry not raised within <see cref="BanPolicy.Duration"/>, and every entry whose score
    /// reads zero. Returns how many were dropped. Called by the table itself when it is full; an owner may call
    /// it on a timer.</summary>
    public int Prune()
    {
        DateTimeOffset now = time.GetUtcNow();
        var stale = entries.Where(e => IsStale(e.Value, now) || e.Value.Score.Int(now) == 0).Select(e => e.Key).ToList();
        foreach (string key in stale)
            entries.Remove(key);
        return stale.Count;
    }

    private uint Score(string key, DateTimeOffset now)
    {
        if (!entries.TryGetValue(key, out Entry? entry))
            return 0;
        if (IsStale(entry, now))
        {
            entries.Remove(key);
            return 0;
        }
        return entry.Score.Int(now);
    }

    private Entry GetOrAdd(string key, DateTimeOffset now)
    {
        if (entries.TryGetValue(key, out Entry? entry))
        {
            if (!IsStale(entry, now))
                return entry;
            entries.Remove(key);
        }
        if (entries.Count >= Capacity)
            MakeRoom();
        entry = new Entry(new DynamicBanScore(time));
        entries.Add(key, entry);
        return entry;
    }

    private void MakeRoom()
    {
        if (Prune() > 0)
            return;
        // Still full of live scores: drop the oldest-raised quarter at once, so that a flood of new IPs costs one
        // sort per Capacity/4 insertions rather than one scan per insertion.
        int drop = Math.Max(1, entries.Count / 4);
        foreach (string key in entries.OrderBy(e => e.Value.LastRaised).ThenBy(e => e.Key, StringComparer.Ordinal)
                     .Take(drop).Select(e => e.Key).ToList())
            entries.Remove(key);
    }

    private bool IsStale(Entry entry, DateTimeOffset now) => now - entry.LastRaised >= Policy.Duration;

    private sealed class Entry(DynamicBanScore score)
    {
        public DynamicBanScore Score { get; } = score;
        public DateTimeOffset LastRaised { get; set; }
    }
}
