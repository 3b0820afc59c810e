using ActorNode.Wire;
using ActorNode.Wire.Primitives;

namespace ActorNode.AddrBook;

/// <summary>One address the book knows, with what it has learned about it (btcd addrmgr KnownAddress,
/// btcd addrmgr/knownaddress.go): the address as last announced (timestamp and services), the peer that first told us, connection attempts
/// and successes, and where it lives (in the tried table, or in 1 to 8 new buckets).
/// <para>This is a live view owned by its <see cref="AddressBook"/> and changed only through it; it is not
/// thread-safe. Send <see cref="Address"/> (an immutable record) across threads or actors, not this object.</para></summary>
public sealed class KnownAddress
{
    private readonly AddressScope _scope;
    private string? _groupKey;

    internal KnownAddress(NetAddressV2 address, NetAddressV2 source, string key, AddressScope? scope = null)
    {
        Address = address;
        Source = source;
        Key = key;
        _scope = scope ?? AddressScope.Internet;
    }

    /// <summary>The address with its last-seen timestamp and services. Replaced (never mutated) when they change,
    /// as btcd replaces its immutable <c>na</c>.</summary>
    public NetAddressV2 Address { get; internal set; }

    /// <summary>The peer (or seed, or ourselves) that first told us about the address (btcd srcAddr).</summary>
    public NetAddressV2 Source { get; }

    /// <summary>The <c>host:port</c> key (<see cref="AddressKey.Format"/>).</summary>
    public string Key { get; }

    /// <summary>The network group (<see cref="AddressScope.GroupKey"/> of the book's scope), computed once.</summary>
    public string GroupKey => _groupKey ??= _scope.GroupKey(Address);

    /// <summary>When the address was last seen, from its timestamp.</summary>
    public DateTimeOffset Timestamp => DateTimeOffset.FromUnixTimeSeconds(Address.Timestamp);

    /// <summary>The services the address advertises.</summary>
    public ServiceFlags Services => Address.Services;

    /// <summary>Connection attempts since the last success (btcd attempts).</summary>
    public int Attempts { get; internal set; }

    /// <summary>The last connection attempt; null for never (btcd's Go zero time).</summary>
    public DateTimeOffset? LastAttempt { get; internal set; }

    /// <summary>The last successful connection (handshake done); null for never.</summary>
    public DateTimeOffset? LastSuccess { get; internal set; }

    /// <summary>True when the address is in the tried table (btcd tried); then it is in no new bucket.</summary>
    public bool IsTried { get; internal set; }

    /// <summary>How many new buckets hold the address (btcd refs): 0 when tried, else 1 to 8.</summary>
    public int References => NewBuckets.Count;

    /// <summary>The new buckets that hold the address, in the order it entered them.</summary>
    internal List<int> NewBuckets { get; } = new(1);

    /// <summary>The relative chance of being picked by <see cref="AddressBook.GetAddress"/> (btcd chance,
    /// btcd addrmgr/knownaddress.go): 1, times 0.01 when attempted less than 10 minutes ago (an attempt in the future counts as now), divided
    /// by 1.5 per failed attempt. Never exactly 0, so a pick always ends (btcd's unbounded division underflows to 0
    /// after about 1,840 attempts, and its pick loop would then spin for ever).</summary>
    public double Chance(DateTimeOffset now)
    {
        double c = 1.0;
        if (LastAttempt is { } last)
        {
            var since = now - last;
            if (since < TimeSpan.Zero) since = TimeSpan.Zero;
            if (since < TimeSpan.FromMinutes(10)) c *= 0.01;
        }
        for (int i = Attempts; i > 0 && c > double.Epsilon; i--) c /= 1.5;
        return Math.Max(c, double.Epsilon);
    }

    /// <summary>Whether the address is worthless and may be dropped from a full new bucket (btcd isBad, Core
    /// IsTerrible; btcd addrmgr/knownaddress.go). Never when attempted within the last minute. Otherwise bad when its timestamp is
    /// more than 10 minutes in the future or more than 30 days old, when it never succeeded after 3 or more attempts,
    /// or when it did not succeed in the last 7 days after 10 or more attempts.</summary>
    public bool IsBad(DateTimeOffset now)
    {
        if (LastAttempt is { } last && last > now - TimeSpan.FromMinutes(1)) return false;
        var timestamp = Timestamp;
        if (timestamp > now + TimeSpan.FromMinutes(10)) return true;
        if (timestamp < now - TimeSpan.FromDays(AddressBook.NumMissingDays)) return true;
        if (LastSuccess is null && Attempts >= AddressBook.NumRetries) return true;
        if (!(LastSuccess > now - TimeSpan.FromDays(AddressBook.MinBadDays)) && Attempts >= AddressBook.MaxFailures)
            return true;
        return false;
    }

    /// <inheritdoc/>
    public override string ToString() => Key;
}
