namespace ActorNode.AddrBook;

/// <summary>Settings of the per-source addr rate limit (Bitcoin Core net_processing.cpp; btcd has
/// none). Core's values are the defaults.</summary>
/// <param name="BucketSize">The most tokens the refill can reach (Core MAX_ADDR_PROCESSING_TOKEN_BUCKET = 1000).</param>
/// <param name="TokensPerSecond">The refill rate (Core MAX_ADDR_RATE_PER_SECOND = 0.1).</param>
/// <param name="InitialTokens">Tokens of a source not seen before (Core starts every peer at 1).</param>
/// <param name="GetAddrCredit">Tokens added when we send a peer <c>getaddr</c>, so its answer is accepted (Core adds
/// MAX_ADDR_TO_SEND = 1000, above the bucket size if need be).</param>
/// <param name="MaxTrackedSources">How many sources are remembered; past that the one updated longest ago is forgotten
/// (it starts again from <paramref name="InitialTokens"/>, which only makes it stricter).</param>
public sealed record AddrRateLimitOptions(
    double BucketSize = 1000,
    double TokensPerSecond = 0.1,
    double InitialTokens = 1,
    double GetAddrCredit = 1000,
    int MaxTrackedSources = 10_000)
{
    /// <summary>Bitcoin Core's limit.</summary>
    public static AddrRateLimitOptions Core { get; } = new();
}

/// <summary>A token bucket per source of addresses (Bitcoin Core's addr rate limit): each address a source announces
/// costs one token; tokens refill at <see cref="AddrRateLimitOptions.TokensPerSecond"/> up to
/// <see cref="AddrRateLimitOptions.BucketSize"/>; an address that finds the bucket below one token is dropped and
/// counted. As in Core, the refill is computed once per message (<see cref="Refill"/>), then each address takes a
/// token (<see cref="TryTake"/>). Sources are identified by their address key (one connection's ip:port).</summary>
public sealed class AddrRateLimiter
{
    private sealed class Bucket
    {
        public double Tokens;
        public DateTimeOffset Updated;
    }

    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    public AddrRateLimiter(AddrRateLimitOptions options) => Options = options;

    public AddrRateLimitOptions Options { get; }

    /// <summary>Addresses dropped so far.</summary>
    public long Dropped { get; private set; }

    /// <summary>Sources currently remembered.</summary>
    public int TrackedSources => _buckets.Count;

    /// <summary>The tokens a source has now (without refilling).</summary>
    public double TokensOf(string source) =>
        _buckets.TryGetValue(source, out var bucket) ? bucket.Tokens : Options.InitialTokens;

    /// <summary>Adds the tokens earned since the source's last message (Core: only while below the bucket size, and
    /// never above it; time running backwards earns nothing).</summary>
    public void Refill(string source, DateTimeOffset now)
    {
        var bucket = Get(source, now);
        if (bucket.Tokens < Options.BucketSize)
        {
            double seconds = Math.Max((now - bucket.Updated).TotalSeconds, 0);
            bucket.Tokens = Math.Min(bucket.Tokens + seconds * Options.TokensPerSecond, Options.BucketSize);
        }
        bucket.Updated = now;
    }

    /// <summary>Takes one token for one address; false (and counted as dropped) when the source has less than
    /// one.</summary>
    public bool TryTake(string source, DateTimeOffset now)
    {
        var bucket = Get(source, now);
        if (bucket.Tokens < 1.0)
        {
            Dropped++;
            return false;
        }
        bucket.Tokens -= 1.0;
        return true;
    }

    /// <summary>Credits a source we just asked for addresses (Core, on sending <c>getaddr</c>).</summary>
    public void Credit(string source, DateTimeOffset now)
    {
        Refill(source, now);
        _buckets[source].Tokens += Options.GetAddrCredit;
    }

    /// <summary>Forgets a source (say, when its connection closes), as Core forgets a peer's bucket.</summary>
    public void Forget(string source) => _buckets.Remove(source);

    private Bucket Get(string source, DateTimeOffset now)
    {
        if (_buckets.TryGetValue(source, out var bucket)) return bucket;
        if (_buckets.Count >= Options.MaxTrackedSources) ForgetOldest();
        bucket = new Bucket { Tokens = Options.InitialTokens, Updated = now };
        _buckets.Add(source, bucket);
        return bucket;
    }

    private void ForgetOldest()
    {
        string? oldest = null;
        var oldestTime = DateTimeOffset.MaxValue;
        foreach (var (key, bucket) in _buckets)
        {
            if (bucket.Updated < oldestTime)
            {
                oldest = key;
                oldestTime = bucket.Updated;
            }
        }
        if (oldest is not null) _buckets.Remove(oldest);
    }
}
