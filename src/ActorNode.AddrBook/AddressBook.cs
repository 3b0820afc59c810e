using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ActorNode.Wire;
using ActorNode.Wire.Primitives;

namespace ActorNode.AddrBook;

/// <summary>The address book: every address we know, in btcd's new and tried tables (btcd addrmgr AddrManager,
/// btcd addrmgr/addrmanager.go). Addresses heard about go to the new table (1,024 buckets of 64); an address we completed a
/// handshake with moves to the tried table (64 buckets of 256). Bucket placement hashes the address's network group
/// and its source's group with a secret key, so one network segment, or one source, can fill only a few buckets;
/// <see cref="GetAddress"/> picks a bucket first and an entry second, so filling buckets densely gains nothing.
/// <para>On top of btcd: Bitcoin Core's per-source addr rate limit and a rule that a peer's addr message never
/// changes a tried entry (both in <see cref="AddressBookOptions"/>), and btcd's plain bugs fixed; see
/// docs/addrbook.md for every rule and deviation.</para>
/// <para>Pure and single-threaded: no I/O, no locks (the AddrBookActor owns it). Time comes from a
/// <see cref="TimeProvider"/> and randomness from a seedable <see cref="Random"/>, so tests are deterministic.
/// Addresses go in and come out as <see cref="NetAddressV2"/>.</para></summary>
public sealed partial class AddressBook
{
    /// <summary>Below this many addresses the book wants more (btcd needAddressThreshold).</summary>
    public const int NeedAddressThreshold = 1000;
    /// <summary>Entries per tried bucket (btcd triedBucketSize; Core has 64).</summary>
    public const int TriedBucketSize = 256;
    /// <summary>Tried buckets (btcd triedBucketCount; Core has 256).</summary>
    public const int TriedBucketCount = 64;
    /// <summary>Entries per new bucket (btcd newBucketSize).</summary>
    public const int NewBucketSize = 64;
    /// <summary>New buckets (btcd newBucketCount).</summary>
    public const int NewBucketCount = 1024;
    /// <summary>Tried buckets one address group can reach (btcd triedBucketsPerGroup).</summary>
    public const int TriedBucketsPerGroup = 8;
    /// <summary>New buckets one source group can reach (btcd newBucketsPerGroup).</summary>
    public const int NewBucketsPerGroup = 64;
    /// <summary>New buckets one address may be in (btcd newBucketsPerAddress).</summary>
    public const int NewBucketsPerAddress = 8;
    /// <summary>An address not seen for this many days is bad (btcd numMissingDays).</summary>
    public const int NumMissingDays = 30;
    /// <summary>Attempts without any success after which an address is bad (btcd numRetries).</summary>
    public const int NumRetries = 3;
    /// <summary>Attempts without a recent success after which an address is bad (btcd maxFailures).</summary>
    public const int MaxFailures = 10;
    /// <summary>Days without success that, with <see cref="MaxFailures"/>, make an address bad (btcd minBadDays).</summary>
    public const int MinBadDays = 7;
    /// <summary>The most addresses in a getaddr answer (btcd getAddrMax).</summary>
    public const int GetAddrMax = 2500;
    /// <summary>The share of known addresses in a getaddr answer, in percent (btcd getAddrPercent).</summary>
    public const int GetAddrPercent = 23;
    /// <summary>The size of the secret bucket key.</summary>
    public const int KeySize = 32;
    /// <summary>How often the book should be saved (btcd dumpAddressInterval); the actor owns the timer.</summary>
    public static readonly TimeSpan DumpAddressInterval = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan RecentAttempt = TimeSpan.FromMinutes(10);

    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly byte[] _key;
    private readonly Dictionary<string, KnownAddress> _index = new(StringComparer.Ordinal);
    private readonly List<KnownAddress>[] _new = new List<KnownAddress>[NewBucketCount];
    private readonly List<KnownAddress>[] _tried = new List<KnownAddress>[TriedBucketCount];
    private readonly LocalAddressSet _local = new();
    private readonly AddrRateLimiter? _rateLimiter;
    private int _newCount;
    private int _triedCount;

    /// <summary>An empty book.</summary>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="random">The random source for selection and the getaddr shuffle (btcd uses math/rand, not a
    /// CSPRNG); a new unseeded <see cref="Random"/> by default. Pass a seeded one for deterministic tests.</param>
    /// <param name="key">The 32-byte secret bucket key; fresh bytes from a CSPRNG by default.</param>
    /// <param name="options">The defences on top of btcd; <see cref="AddressBookOptions.Default"/> by default.</param>
    public AddressBook(TimeProvider? timeProvider = null, Random? random = null, byte[]? key = null,
        AddressBookOptions? options = null)
    {
        if (key is not null && key.Length != KeySize)
            throw new ArgumentException($"the bucket key has {KeySize} bytes, not {key.Length}", nameof(key));
        _time = timeProvider ?? TimeProvider.System;
        _random = random ?? new Random();
        _key = key is null ? RandomNumberGenerator.GetBytes(KeySize) : (byte[])key.Clone();
        Options = options ?? AddressBookOptions.Default;
        if (Options.RateLimit is { } limit) _rateLimiter = new AddrRateLimiter(limit);
        for (int i = 0; i < NewBucketCount; i++) _new[i] = [];
        for (int i = 0; i < TriedBucketCount; i++) _tried[i] = [];
    }

    /// <summary>The defences in force.</summary>
    public AddressBookOptions Options { get; }

    /// <summary>The secret bucket key (a copy).</summary>
    public byte[] Key => (byte[])_key.Clone();

    /// <summary>Addresses known (btcd NumAddresses).</summary>
    public int Count => _newCount + _triedCount;

    /// <summary>Addresses in the new table.</summary>
    public int NewCount => _newCount;

    /// <summary>Addresses in the tried table.</summary>
    public int TriedCount => _triedCount;

    /// <summary>True while fewer than 1,000 addresses are known (btcd NeedMoreAddresses): time to ask for more.</summary>
    public bool NeedMoreAddresses => Count < NeedAddressThreshold;

    /// <summary>Addresses dropped by the rate limit since the book was created.</summary>
    public long RateLimitedTotal => _rateLimiter?.Dropped ?? 0;

    /// <summary>Every known address, tried or new, in no particular order (a live view: do not change the book
    /// while enumerating).</summary>
    public IEnumerable<KnownAddress> Addresses => _index.Values;

    /// <summary>Our own addresses (see <see cref="AddLocalAddress"/>).</summary>
    public IReadOnlyList<LocalAddress> LocalAddresses => _local.All;

    private DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>The entry for an address (matched by <c>host:port</c>), or null.</summary>
    public KnownAddress? Find(NetAddressV2 address) => Find(AddressKey.Format(address));

    /// <summary>The entry for a <c>host:port</c> key, or null.</summary>
    public KnownAddress? Find(string key) => _index.GetValueOrDefault(key);

    /// <summary>Adds or refreshes one address (btcd AddAddress); see <see cref="AddAddresses"/>.</summary>
    public AddResult AddAddress(NetAddressV2 address, NetAddressV2 source, AddressOrigin origin = AddressOrigin.Peer) =>
        AddAddresses([address], source, origin);

    /// <summary>Adds or refreshes addresses that <paramref name="source"/> told us about (btcd AddAddresses and
    /// updateAddress, btcd addrmgr/addrmanager.go). An address that is not routable is refused. A known address takes the newer
    /// timestamp and any new service bits; a new-table entry may then gain another new bucket, with probability
    /// 1/(2·references), up to 8. An unknown address enters the new bucket of its group and the source's group; a full
    /// bucket first expires its bad entries and its oldest one (btcd expireNew).
    /// <para>For <see cref="AddressOrigin.Peer"/> (a peer's addr/addrv2): each address first costs one token of the
    /// source's rate limit, and is dropped when there is none; a timestamp more than 10 minutes ahead becomes
    /// now − 5 days (btcd OnAddr); and a tried entry is left untouched. Seeds and the user are not limited.</para></summary>
    public AddResult AddAddresses(IEnumerable<NetAddressV2> addresses, NetAddressV2 source,
        AddressOrigin origin = AddressOrigin.Peer)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        ArgumentNullException.ThrowIfNull(source);
        source = AddressKey.Normalize(source);
        var now = Now;
        bool fromPeer = origin == AddressOrigin.Peer;
        string? limitKey = null;
        if (fromPeer && _rateLimiter is not null)
        {
            limitKey = AddressKey.Format(source);
            _rateLimiter.Refill(limitKey, now);
        }
        var future = now + TimeSpan.FromMinutes(10);
        uint fiveDaysAgo = ToUnix(now - TimeSpan.FromDays(5));

        int received = 0, added = 0, known = 0, unroutable = 0, limited = 0;
        foreach (var original in addresses)
        {
            received++;
            if (limitKey is not null && !_rateLimiter!.TryTake(limitKey, now))
            {
                limited++;
                continue;
            }
            var address = original;
            if (fromPeer && Options.FixFutureTimestamps &&
                DateTimeOffset.FromUnixTimeSeconds(address.Timestamp) > future)
                address = address with { Timestamp = fiveDaysAgo };
            switch (Update(address, source, fromPeer, now))
            {
                case UpdateOutcome.New: added++; break;
                case UpdateOutcome.Known: known++; break;
                default: unroutable++; break;
            }
        }
        return new AddResult(received, added, known, unroutable, limited);
    }

    /// <summary>Adds an address typed by the user as <c>host:port</c> (btcd AddAddressByIP: its own source,
    /// timestamp now, no services). Throws <see cref="FormatException"/> when the text is not an IP or .onion
    /// endpoint.</summary>
    public AddResult AddAddressByIP(string hostPort)
    {
        var address = AddressKey.Parse(hostPort, ServiceFlags.None, ToUnix(Now));
        return AddAddress(address, address, AddressOrigin.User);
    }

    /// <summary>Call when sending <c>getaddr</c> to a peer: its answer may then exceed the rate limit by 1,000
    /// addresses (Core credits MAX_ADDR_TO_SEND). Without this, a peer's first message is limited to one address
    /// plus 0.1 per second since it was first seen.</summary>
    public void ExpectAddrResponse(NetAddressV2 peer) =>
        _rateLimiter?.Credit(AddressKey.Format(AddressKey.Normalize(peer)), Now);

    /// <summary>Call when a peer disconnects: forgets its rate-limit bucket (Core keeps it per connection).</summary>
    public void ForgetSource(NetAddressV2 peer) => _rateLimiter?.Forget(AddressKey.Format(AddressKey.Normalize(peer)));

    /// <summary>Picks an address to dial (btcd GetAddress, btcd addrmgr/addrmanager.go), or null when the book is empty. Tried or
    /// new with even odds (the other when one is empty); then a random non-empty bucket and a random entry in it,
    /// accepted with probability <c>factor × chance</c>, the factor growing ×1.2 after each refusal so the pick always
    /// ends. The caller records the dial with <see cref="Attempt"/> (or uses <see cref="PickForDial"/>).</summary>
    public KnownAddress? GetAddress()
    {
        if (Count == 0) return null;
        var now = Now;
        bool fromTried = _triedCount > 0 && (_newCount == 0 || _random.Next(2) == 0);
        var table = fromTried ? _tried : _new;
        const int large = 1 << 30;
        double factor = 1.0;
        while (true)
        {
            var bucket = table[_random.Next(table.Length)];
            if (bucket.Count == 0) continue;
            var candidate = bucket[_random.Next(bucket.Count)];
            int roll = _random.Next(large);
            if (roll < factor * candidate.Chance(now) * large) return candidate;
            factor *= 1.2;
        }
    }

    /// <summary>Picks an address for an automatic outbound connection, with btcd's newAddressFunc rules (server.go,
    /// btcd server.go): up to 100 <see cref="GetAddress"/> picks, skipping an address whose group already has one of
    /// our outbound connections, for the first 30 picks one attempted in the last 10 minutes, and for the first 50
    /// one on another port than <paramref name="defaultPort"/>. The chosen address is marked with
    /// <see cref="Attempt"/>. Null when nothing qualifies ("no valid connect address").</summary>
    /// <param name="outboundGroups">The <see cref="NetworkGroups.GroupKey"/>s of our current outbound peers.</param>
    /// <param name="defaultPort">The network's default port.</param>
    /// <param name="accept">An extra condition (say, only networks we can reach), checked last.</param>
    public KnownAddress? PickForDial(IReadOnlySet<string> outboundGroups, ushort defaultPort,
        Func<KnownAddress, bool>? accept = null)
    {
        ArgumentNullException.ThrowIfNull(outboundGroups);
        var now = Now;
        for (int tries = 0; tries < 100; tries++)
        {
            var candidate = GetAddress();
            if (candidate is null) break;
            if (outboundGroups.Contains(candidate.GroupKey)) continue;
            if (tries < 30 && candidate.LastAttempt is { } last && now - last < RecentAttempt) continue;
            if (tries < 50 && candidate.Address.Port != defaultPort) continue;
            if (accept is not null && !accept(candidate)) continue;
            MarkAttempt(candidate, now);
            return candidate;
        }
        return null;
    }

    /// <summary>Records a connection attempt: attempts + 1, last attempt = now (btcd Attempt; counted on every call).
    /// False for an unknown address.</summary>
    public bool Attempt(NetAddressV2 address)
    {
        var entry = Find(address);
        if (entry is null) return false;
        MarkAttempt(entry, Now);
        return true;
    }

    /// <summary>Marks an address as connected and working now (btcd Connected, once after the handshake): its
    /// timestamp becomes now if it is more than 20 minutes old. False for an unknown address.</summary>
    public bool Connected(NetAddressV2 address)
    {
        var entry = Find(address);
        if (entry is null) return false;
        var now = Now;
        if (now > entry.Timestamp + TimeSpan.FromMinutes(20))
            entry.Address = entry.Address with { Timestamp = ToUnix(now) };
        return true;
    }

    /// <summary>Marks an address good after a successful outbound handshake (btcd Good, btcd addrmgr/addrmanager.go): last
    /// success = last attempt = now, attempts = 0, the timestamp left alone (not to leak who we are connected to).
    /// A new entry moves to the tried table; when its tried bucket is full, the entry there with the oldest timestamp
    /// goes back to the new table (its own new bucket, or, when that is full, the bucket just vacated) and the
    /// promoted entry takes its place. False for an unknown address.</summary>
    public bool Good(NetAddressV2 address)
    {
        var entry = Find(address);
        if (entry is null) return false;
        var now = Now;
        entry.LastSuccess = now;
        entry.LastAttempt = now;
        entry.Attempts = 0;
        if (entry.IsTried || entry.NewBuckets.Count == 0) return true;

        int vacated = entry.NewBuckets.Min(); // btcd records the first bucket in index order
        foreach (int b in entry.NewBuckets) _new[b].Remove(entry);
        entry.NewBuckets.Clear();
        _newCount--;

        var tried = _tried[TriedBucketOf(entry)];
        if (tried.Count < TriedBucketSize)
        {
            entry.IsTried = true;
            tried.Add(entry);
            _triedCount++;
            return true;
        }

        int slot = OldestSlot(tried);
        var evicted = tried[slot];
        int newBucket = NewBucketOf(evicted.Address, evicted.Source);
        if (_new[newBucket].Count >= NewBucketSize) newBucket = vacated;
        entry.IsTried = true;
        tried[slot] = entry;
        evicted.IsTried = false;
        evicted.NewBuckets.Add(newBucket);
        _new[newBucket].Add(evicted);
        _newCount++;
        return true;
    }

    /// <summary>Sets an address's services to what its peer told us in its version message (btcd SetServices).
    /// False for an unknown address.</summary>
    public bool SetServices(NetAddressV2 address, ServiceFlags services)
    {
        var entry = Find(address);
        if (entry is null) return false;
        if (entry.Address.Services != services) entry.Address = entry.Address with { Services = services };
        return true;
    }

    /// <summary>The answer to a peer's getaddr (btcd AddressCache, btcd addrmgr/addrmanager.go): a uniformly random 23 % of all
    /// known addresses, tried and new, at most 2,500, and at least one when any is known (btcd answers nothing below
    /// 5). The selection is a partial Fisher–Yates shuffle, so no address appears twice.</summary>
    public IReadOnlyList<NetAddressV2> AddressCache()
    {
        var all = new NetAddressV2[_index.Count];
        int n = 0;
        foreach (var entry in _index.Values) all[n++] = entry.Address;
        int count = Math.Min(all.Length * GetAddrPercent / 100, GetAddrMax);
        if (count == 0 && all.Length > 0) count = 1;
        return AddressSampling.TakeRandom(all, count, _random);
    }

    /// <summary>Adds one of our own addresses to advertise, or raises its priority (btcd AddLocalAddress). False (btcd:
    /// an error) when it is not routable.</summary>
    public bool AddLocalAddress(NetAddressV2 address, AddressPriority priority) => _local.Add(address, priority);

    /// <summary>The local address to advertise to <paramref name="remote"/> (btcd GetBestLocalAddress): the one it
    /// can reach best, ties to the higher priority; an unroutable 0.0.0.0 or :: (port 0) when there is none.</summary>
    public NetAddressV2 GetBestLocalAddress(NetAddressV2 remote) => _local.GetBest(remote, ToUnix(Now));

    /// <summary>How well <paramref name="remote"/> can reach <paramref name="local"/> (btcd getReachabilityFrom).</summary>
    public static Reachability GetReachability(NetAddressV2 local, NetAddressV2 remote) =>
        LocalAddressSet.GetReachability(local, remote);

    // ---- internals -------------------------------------------------------------------------------------------------

    private enum UpdateOutcome { New, Known, Unroutable }

    /// <summary>btcd updateAddress.</summary>
    private UpdateOutcome Update(NetAddressV2 address, NetAddressV2 source, bool fromPeer, DateTimeOffset now)
    {
        address = AddressKey.Normalize(address);
        if (!Options.Scope.IsRoutable(address)) return UpdateOutcome.Unroutable;
        string key = AddressKey.Format(address);

        UpdateOutcome outcome;
        if (_index.TryGetValue(key, out var entry))
        {
            outcome = UpdateOutcome.Known;
            if (entry.IsTried && fromPeer && Options.ProtectTriedFromGossip) return outcome;
            var stored = entry.Address;
            bool newer = address.Timestamp > stored.Timestamp;
            bool newServices = (stored.Services & address.Services) != address.Services;
            // btcd copies the incoming timestamp even when only the services are new, which can move it backwards;
            // the newer of the two is kept here.
            if (newer || newServices)
                entry.Address = stored with
                {
                    Timestamp = Math.Max(stored.Timestamp, address.Timestamp),
                    Services = stored.Services | address.Services,
                };
            if (entry.IsTried) return outcome;
            if (entry.References >= NewBucketsPerAddress) return outcome;
            if (_random.Next(2 * entry.References) != 0) return outcome;
        }
        else
        {
            entry = new KnownAddress(address, source, key, Options.Scope);
            _index.Add(key, entry);
            _newCount++;
            outcome = UpdateOutcome.New;
        }

        int bucketIndex = NewBucketOf(address, source);
        if (entry.NewBuckets.Contains(bucketIndex)) return outcome;
        var bucket = _new[bucketIndex];
        // btcd expires only when the bucket holds more than 64, so a bucket can reach 65; here it never exceeds 64
        // (a loop, since a bucket loaded from a btcd file may already hold 65).
        while (bucket.Count >= NewBucketSize) ExpireNew(bucketIndex, now);
        bucket.Add(entry);
        entry.NewBuckets.Add(bucketIndex);
        return outcome;
    }

    /// <summary>btcd expireNew: drops every bad entry of the bucket, then the oldest remaining one (by timestamp;
    /// on a tie the later one in bucket order).</summary>
    private void ExpireNew(int bucketIndex, DateTimeOffset now)
    {
        var bucket = _new[bucketIndex];
        KnownAddress? oldest = null;
        for (int i = 0; i < bucket.Count;)
        {
            var entry = bucket[i];
            if (entry.IsBad(now))
            {
                bucket.RemoveAt(i);
                DropReference(entry, bucketIndex);
                continue;
            }
            if (oldest is null || entry.Address.Timestamp <= oldest.Address.Timestamp) oldest = entry;
            i++;
        }
        if (oldest is not null)
        {
            bucket.Remove(oldest);
            DropReference(oldest, bucketIndex);
        }
    }

    private void DropReference(KnownAddress entry, int bucketIndex)
    {
        entry.NewBuckets.Remove(bucketIndex);
        if (entry.References > 0) return;
        _newCount--;
        _index.Remove(entry.Key);
    }

    /// <summary>btcd pickTried: the slot with the oldest timestamp, the first one on a tie.</summary>
    private static int OldestSlot(List<KnownAddress> bucket)
    {
        int slot = 0;
        for (int i = 1; i < bucket.Count; i++)
            if (bucket[i].Address.Timestamp < bucket[slot].Address.Timestamp) slot = i;
        return slot;
    }

    private static void MarkAttempt(KnownAddress entry, DateTimeOffset now)
    {
        entry.Attempts++;
        entry.LastAttempt = now;
    }

    private int NewBucketOf(NetAddressV2 address, NetAddressV2 source) =>
        NewBucketOf(_key, Options.Scope.GroupKey(address), Options.Scope.GroupKey(source));

    private int TriedBucketOf(KnownAddress entry) => TriedBucketOf(_key, entry.Key, entry.GroupKey);

    /// <summary>The new bucket of an address group heard from a source group (btcd getNewBucket, btcd addrmgr/addrmanager.go):
    /// h = LE64(dsha(key ‖ group ‖ sourceGroup)) mod 64, then LE64(dsha(key ‖ sourceGroup ‖ LE64 bytes of h)) mod
    /// 1024.</summary>
    internal static int NewBucketOf(ReadOnlySpan<byte> key, string group, string sourceGroup)
    {
        ulong h = HashToUInt64(key, group, sourceGroup, null) % NewBucketsPerGroup;
        return (int)(HashToUInt64(key, sourceGroup, null, h) % NewBucketCount);
    }

    /// <summary>The tried bucket of an address (btcd getTriedBucket): h = LE64(dsha(key ‖ "host:port")) mod 8, then
    /// LE64(dsha(key ‖ group ‖ LE64 bytes of h)) mod 64.</summary>
    internal static int TriedBucketOf(ReadOnlySpan<byte> key, string addressKey, string group)
    {
        ulong h = HashToUInt64(key, addressKey, null, null) % TriedBucketsPerGroup;
        return (int)(HashToUInt64(key, group, null, h) % TriedBucketCount);
    }

    /// <summary>The first 8 bytes, little-endian, of dsha(key ‖ a ‖ b ‖ LE64(n)), absent parts left out; the
    /// strings as raw UTF-8 without length prefixes, as btcd appends them.</summary>
    private static ulong HashToUInt64(ReadOnlySpan<byte> key, string a, string? b, ulong? n)
    {
        int length = key.Length + Encoding.UTF8.GetByteCount(a) + (b is null ? 0 : Encoding.UTF8.GetByteCount(b)) +
                     (n is null ? 0 : 8);
        Span<byte> data = length <= 256 ? stackalloc byte[length] : new byte[length];
        key.CopyTo(data);
        int at = key.Length;
        at += Encoding.UTF8.GetBytes(a, data[at..]);
        if (b is not null) at += Encoding.UTF8.GetBytes(b, data[at..]);
        if (n is { } value) BinaryPrimitives.WriteUInt64LittleEndian(data[at..], value);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(data, hash);
        SHA256.HashData(hash, hash);
        return BinaryPrimitives.ReadUInt64LittleEndian(hash);
    }

    /// <summary>A time as a uint32 Unix timestamp (what addresses carry), clamped to its range.</summary>
    internal static uint ToUnix(DateTimeOffset time) =>
        (uint)Math.Clamp(time.ToUnixTimeSeconds(), 0, uint.MaxValue);

    /// <summary>The entries of one new bucket, in insertion order (tests).</summary>
    internal IReadOnlyList<KnownAddress> NewBucket(int index) => _new[index];

    /// <summary>The entries of one tried bucket, in order (tests).</summary>
    internal IReadOnlyList<KnownAddress> TriedBucket(int index) => _tried[index];
}
