using ActorNode.Wire;
using ActorNode.Wire.Primitives;

namespace ActorNode.AddrBook.Tests;

/// <summary>Adding, updating, expiring, selecting and promoting (btcd addrmgr/addrmanager.go, addrmgr/knownaddress.go).</summary>
public class AddressBookTests
{
    private static readonly NetAddressV2 Source = Addr.IP("173.144.173.111");

    [Fact]
    public void Constructor_KeyOfWrongSize_Throws() =>
        Assert.Throws<ArgumentException>(() => new AddressBook(key: new byte[31]));

    [Fact]
    public void Constructor_WithoutKey_DrawsRandomKey()
    {
        var a = new AddressBook();
        var b = new AddressBook();
        Assert.Equal(AddressBook.KeySize, a.Key.Length);
        Assert.NotEqual(a.Key, b.Key);
    }

    [Fact]
    public void AddAddress_Unroutable_IsRefused()
    {
        var f = new Fixture();
        var result = f.Book.AddAddresses(
        [
            Addr.IP("10.0.0.1"), Addr.IP("127.0.0.1"), Addr.IP("fe80::1"),
            new NetAddressV2(0, ServiceFlags.Network, AddressNetwork.I2P, new byte[32], 0),
            new NetAddressV2(0, ServiceFlags.Network, AddressNetwork.Cjdns,
                Convert.FromHexString("fc000000000000000000000000000001"), 8333),
        ], Source, AddressOrigin.DnsSeed);
        Assert.Equal(new AddResult(5, 0, 0, 5, 0), result);
        Assert.Equal(0, f.Book.Count);
        Assert.True(f.Book.NeedMoreAddresses);
    }

    [Fact]
    public void AddAddress_New_EntersOneNewBucket()
    {
        var f = new Fixture();
        var address = Addr.IP("173.194.115.66", timestamp: f.NowUnix - 60);
        Assert.Equal(new AddResult(1, 1, 0, 0, 0), f.Book.AddAddress(address, Source, AddressOrigin.DnsSeed));
        var entry = f.Book.Find(address)!;
        Assert.Equal(1, entry.References);
        Assert.False(entry.IsTried);
        Assert.Equal(Source, entry.Source);
        Assert.Equal(0, entry.Attempts);
        Assert.Null(entry.LastAttempt);
        Assert.Null(entry.LastSuccess);
        Assert.Equal((1, 1, 0), (f.Book.Count, f.Book.NewCount, f.Book.TriedCount));
        Assert.Equal(entry, f.Book.Find("173.194.115.66:8333"));
    }

    [Fact]
    public void AddAddress_SameHostOtherPort_IsAnotherEntry()
    {
        var f = new Fixture();
        f.Book.AddAddress(Addr.IP("173.194.115.66", 8333), Source, AddressOrigin.DnsSeed);
        f.Book.AddAddress(Addr.IP("173.194.115.66", 18333), Source, AddressOrigin.DnsSeed);
        Assert.Equal(2, f.Book.Count);
    }

    [Fact]
    public void AddAddress_Known_TakesNewerTimestampAndAddsServices()
    {
        var f = new Fixture();
        uint t = f.NowUnix - 3600;
        var address = Addr.IP("173.194.115.66", services: ServiceFlags.Network, timestamp: t);
        f.Book.AddAddress(address, Source, AddressOrigin.DnsSeed);

        var result = f.Book.AddAddress(address with { Timestamp = t + 100, Services = ServiceFlags.Witness }, Source,
            AddressOrigin.DnsSeed);
        Assert.Equal(new AddResult(1, 0, 1, 0, 0), result);
        var entry = f.Book.Find(address)!;
        Assert.Equal(t + 100, entry.Address.Timestamp);
        Assert.Equal(ServiceFlags.Network | ServiceFlags.Witness, entry.Services);

        // An older timestamp with no new services changes nothing.
        f.Book.AddAddress(address with { Timestamp = t }, Source, AddressOrigin.DnsSeed);
        Assert.Equal(t + 100, f.Book.Find(address)!.Address.Timestamp);
    }

    [Fact]
    public void AddAddress_OnlyNewServicesWithOlderTimestamp_KeepsNewerTimestamp()
    {
        // btcd copies the older incoming timestamp here (btcd addrmgr/addrmanager.go quirk); we keep the newer one.
        var f = new Fixture();
        uint t = f.NowUnix - 60;
        var address = Addr.IP("173.194.115.66", services: ServiceFlags.Network, timestamp: t);
        f.Book.AddAddress(address, Source, AddressOrigin.DnsSeed);
        f.Book.AddAddress(address with { Timestamp = t - 86_400 * 40, Services = ServiceFlags.Bloom }, Source,
            AddressOrigin.DnsSeed);
        var entry = f.Book.Find(address)!;
        Assert.Equal(t, entry.Address.Timestamp);
        Assert.Equal(ServiceFlags.Network | ServiceFlags.Bloom, entry.Services);
    }

    [Fact]
    public void AddAddress_FromOtherSourceGroups_GainsReferencesUpToEight()
    {
        var f = new Fixture(AddressBookOptions.Btcd);
        var address = Addr.IP("173.194.115.66", timestamp: f.NowUnix);
        for (int i = 1; i <= 500; i++)
            f.Book.AddAddress(address, Addr.IP($"{i % 200 + 1}.{i % 250}.1.1"), AddressOrigin.Peer);
        var entry = f.Book.Find(address)!;
        Assert.Equal(AddressBook.NewBucketsPerAddress, entry.References);
        Assert.Equal(8, entry.NewBuckets.Distinct().Count());
        Assert.Equal(1, f.Book.NewCount);
        foreach (int b in entry.NewBuckets) Assert.Contains(entry, f.Book.NewBucket(b));
    }

    [Fact]
    public void AddAddress_SecondSourceGroup_AddsReferenceWithProbabilityOneHalf()
    {
        // With one reference, another is added with probability 1/(2·1) (btcd; Core uses 1/2^refs).
        var f = new Fixture(AddressBookOptions.Btcd, seed: 3);
        var first = Addr.IP("5.6.7.8");
        var second = Addr.IP("9.10.11.12");
        int doubled = 0;
        const int n = 2000;
        for (int i = 0; i < n; i++)
        {
            var address = Addr.IP($"{20 + i % 60}.{i / 60}.1.1", timestamp: f.NowUnix);
            f.Book.AddAddress(address, first, AddressOrigin.Peer);
            f.Book.AddAddress(address, second, AddressOrigin.Peer);
            if (f.Book.Find(address)!.References == 2) doubled++;
        }
        // Both sources may map an address to the same bucket (then no second reference): allow for it.
        Assert.InRange(doubled / (double)n, 0.44, 0.53);
    }

    [Fact]
    public void AddAddress_ThirdSourceGroup_AddsReferenceWithProbabilityOneQuarter()
    {
        var f = new Fixture(AddressBookOptions.Btcd, seed: 4);
        var sources = new[] { Addr.IP("5.6.7.8"), Addr.IP("9.10.11.12"), Addr.IP("13.14.15.16") };
        int withTwo = 0, withThree = 0;
        for (int i = 0; i < 4000; i++)
        {
            var address = Addr.IP($"{20 + i % 60}.{i / 60}.1.1", timestamp: f.NowUnix);
            f.Book.AddAddress(address, sources[0], AddressOrigin.Peer);
            f.Book.AddAddress(address, sources[1], AddressOrigin.Peer);
            int before = f.Book.Find(address)!.References;
            if (before != 2) continue;
            withTwo++;
            f.Book.AddAddress(address, sources[2], AddressOrigin.Peer);
            if (f.Book.Find(address)!.References == 3) withThree++;
        }
        Assert.InRange(withThree / (double)withTwo, 0.20, 0.27);
    }

    [Fact]
    public void AddAddress_SameGroupAndSource_FillsOneBucketToSixtyFourNotSixtyFive()
    {
        var f = new Fixture();
        var addresses = Enumerable.Range(0, 200)
            .Select(i => Addr.IP($"66.77.{i}.1", timestamp: f.NowUnix - (uint)(200 - i))).ToArray();
        var result = f.Book.AddAddresses(addresses, Source, AddressOrigin.DnsSeed);
        Assert.Equal(200, result.New);
        Assert.Equal(AddressBook.NewBucketSize, f.Book.Count);
        int bucket = AddressBook.NewBucketOf(Fixture.CountingKey, "66.77.0.0", "173.144.0.0");
        Assert.Equal(AddressBook.NewBucketSize, f.Book.NewBucket(bucket).Count);
        // The oldest were expired: the newest 64 remain.
        Assert.All(addresses[136..], a => Assert.NotNull(f.Book.Find(a)));
        Assert.All(addresses[..136], a => Assert.Null(f.Book.Find(a)));
    }

    [Fact]
    public void ExpireNew_FullBucket_DropsEveryBadEntryAndTheOldestGoodOne()
    {
        var f = new Fixture();
        var addresses = new List<NetAddressV2>();
        for (int i = 0; i < 64; i++)
        {
            // Entries 0..9 are 40 days old (bad); the others get older as i falls, entry 10 being the oldest good.
            uint timestamp = i < 10 ? f.NowUnix - 40 * 86_400 : f.NowUnix - (uint)(1000 - i);
            addresses.Add(Addr.IP($"66.77.{i}.1", timestamp: timestamp));
        }
        f.Book.AddAddresses(addresses, Source, AddressOrigin.DnsSeed);
        Assert.Equal(64, f.Book.Count);

        f.Book.AddAddress(Addr.IP("66.77.200.1", timestamp: f.NowUnix), Source, AddressOrigin.DnsSeed);
        Assert.Equal(64 - 10 - 1 + 1, f.Book.Count);
        Assert.All(addresses[..11], a => Assert.Null(f.Book.Find(a)));
        Assert.All(addresses[11..], a => Assert.NotNull(f.Book.Find(a)));
    }

    [Fact]
    public void ExpireNew_TiedOldest_DropsTheLaterOne()
    {
        var f = new Fixture();
        var addresses = Enumerable.Range(0, 64).Select(i => Addr.IP($"66.77.{i}.1", timestamp: f.NowUnix)).ToList();
        f.Book.AddAddresses(addresses, Source, AddressOrigin.DnsSeed);
        f.Book.AddAddress(Addr.IP("66.77.200.1", timestamp: f.NowUnix), Source, AddressOrigin.DnsSeed);
        Assert.Null(f.Book.Find(addresses[63]));
        Assert.All(addresses[..63], a => Assert.NotNull(f.Book.Find(a)));
    }

    [Fact]
    public void ExpireNew_EntryInOtherBuckets_KeepsItWithOneReferenceLess()
    {
        var f = new Fixture(AddressBookOptions.Btcd);
        var shared = Addr.IP("66.77.0.1", timestamp: f.NowUnix - 5000);
        // Give the shared address a second reference from another source group.
        for (int i = 0; f.Book.Find(shared)?.References != 2; i++)
        {
            Assert.True(i < 100);
            f.Book.AddAddress(shared, i == 0 ? Source : Addr.IP($"{i + 1}.2.3.4"), AddressOrigin.Peer);
        }
        // Fill the bucket of (66.77/16, Source's group) with newer addresses: the shared one is the oldest.
        for (int i = 1; i <= 64; i++)
            f.Book.AddAddress(Addr.IP($"66.77.{i}.1", timestamp: f.NowUnix), Source, AddressOrigin.DnsSeed);
        var entry = f.Book.Find(shared);
        Assert.NotNull(entry);
        Assert.Equal(1, entry.References);
    }

    [Fact]
    public void Attempt_CountsEveryCallAndSetsLastAttempt()
    {
        var f = new Fixture();
        var address = Addr.IP("173.194.115.66");
        Assert.False(f.Book.Attempt(address));
        f.Book.AddAddress(address, Source, AddressOrigin.DnsSeed);
        f.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(f.Book.Attempt(address));
        Assert.True(f.Book.Attempt(address));
        var entry = f.Book.Find(address)!;
        Assert.Equal(2, entry.Attempts);
        Assert.Equal(f.Now, entry.LastAttempt);
    }

    [Fact]
    public void Connected_OldTimestamp_BecomesNow_RecentOneIsKept()
    {
        var f = new Fixture();
        var old = Addr.IP("173.194.115.66", timestamp: f.NowUnix - 3600);
        var recent = Addr.IP("173.195.115.66", timestamp: f.NowUnix - 19 * 60);
        f.Book.AddAddresses([old, recent], Source, AddressOrigin.DnsSeed);
        Assert.True(f.Book.Connected(old));
        Assert.True(f.Book.Connected(recent));
        Assert.False(f.Book.Connected(Addr.IP("1.1.1.1")));
        Assert.Equal(f.NowUnix, f.Book.Find(old)!.Address.Timestamp);
        Assert.Equal(f.NowUnix - 19 * 60, f.Book.Find(recent)!.Address.Timestamp);
    }

    [Fact]
    public void SetServices_OverwritesServices()
    {
        var f = new Fixture();
        var address = Addr.IP("173.194.115.66", services: ServiceFlags.Network | ServiceFlags.Bloom);
        f.Book.AddAddress(address, Source, AddressOrigin.DnsSeed);
        Assert.True(f.Book.SetServices(address, ServiceFlags.Witness));
        Assert.Equal(ServiceFlags.Witness, f.Book.Find(address)!.Services);
        Assert.False(f.Book.SetServices(Addr.IP("1.1.1.1"), ServiceFlags.Witness));
    }

    [Fact]
    public void Good_MovesToTried_ClearsFailures_KeepsTimestamp()
    {
        var f = new Fixture(AddressBookOptions.Btcd);
        var address = Addr.IP("173.194.115.66", timestamp: f.NowUnix - 7200);
        f.Book.AddAddress(address, Source, AddressOrigin.Peer);
        f.Book.AddAddress(address, Addr.IP("5.5.5.5"), AddressOrigin.Peer);
        f.Book.AddAddress(address, Addr.IP("6.6.6.6"), AddressOrigin.Peer);
        f.Book.Attempt(address);
        f.Book.Attempt(address);
        f.Time.Advance(TimeSpan.FromMinutes(1));

        Assert.True(f.Book.Good(address));
        var entry = f.Book.Find(address)!;
        Assert.True(entry.IsTried);
        Assert.Equal(0, entry.References);
        Assert.Equal(0, entry.Attempts);
        Assert.Equal(f.Now, entry.LastSuccess);
        Assert.Equal(f.Now, entry.LastAttempt);
        Assert.Equal(f.NowUnix - 7260, entry.Address.Timestamp);
        Assert.Equal((1, 0, 1), (f.Book.Count, f.Book.NewCount, f.Book.TriedCount));
        for (int b = 0; b < AddressBook.NewBucketCount; b++) Assert.DoesNotContain(entry, f.Book.NewBucket(b));

        // Good again: only the times change.
        f.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(f.Book.Good(address));
        Assert.Equal((1, 0, 1), (f.Book.Count, f.Book.NewCount, f.Book.TriedCount));
        Assert.False(f.Book.Good(Addr.IP("1.1.1.1")));
    }

    /// <summary>Adds and promotes addresses of one /16 until a tried bucket is full; returns its index and the
    /// promoted addresses in that bucket.</summary>
    private static (int Bucket, List<NetAddressV2> Members) FillTriedBucket(Fixture f, NetAddressV2 source,
        Func<int, uint> timestampOf)
    {
        var byBucket = new Dictionary<int, List<NetAddressV2>>();
        for (int i = 0; ; i++)
        {
            var address = Addr.IP($"66.77.{i / 250}.{i % 250 + 1}", timestamp: timestampOf(i));
            int bucket = AddressBook.TriedBucketOf(Fixture.CountingKey, AddressKey.Format(address), "66.77.0.0");
            if (!byBucket.TryGetValue(bucket, out var list)) byBucket[bucket] = list = [];
            f.Book.AddAddress(address, source, AddressOrigin.DnsSeed);
            f.Book.Good(address);
            list.Add(address);
            if (list.Count == AddressBook.TriedBucketSize) return (bucket, list);
        }
    }

    [Fact]
    public void Good_FullTriedBucket_EvictsOldestBackToItsNewBucket()
    {
        var f = new Fixture();
        // Timestamps rise with i, except entry 5 of the bucket, made the oldest below.
        var (bucket, members) = FillTriedBucket(f, Source, i => f.NowUnix - 100_000 + (uint)i);
        Assert.Equal(AddressBook.TriedBucketSize, f.Book.TriedBucket(bucket).Count);
        var oldest = members[0];

        // A newcomer that hashes to the same tried bucket.
        NetAddressV2 newcomer;
        int n = 0;
        do newcomer = Addr.IP($"66.77.250.{++n}", timestamp: f.NowUnix);
        while (AddressBook.TriedBucketOf(Fixture.CountingKey, AddressKey.Format(newcomer), "66.77.0.0") != bucket);
        f.Book.AddAddress(newcomer, Source, AddressOrigin.DnsSeed);
        int triedBefore = f.Book.TriedCount, newBefore = f.Book.NewCount;

        f.Book.Good(newcomer);
        var promoted = f.Book.Find(newcomer)!;
        var evicted = f.Book.Find(oldest)!;
        Assert.True(promoted.IsTried);
        Assert.False(evicted.IsTried);
        Assert.Equal(1, evicted.References);
        Assert.Same(promoted, f.Book.TriedBucket(bucket)[0]); // took the evictee's slot
        Assert.Equal(AddressBook.TriedBucketSize, f.Book.TriedBucket(bucket).Count);
        int home = AddressBook.NewBucketOf(Fixture.CountingKey, "66.77.0.0", "173.144.0.0");
        Assert.Contains(evicted, f.Book.NewBucket(home));
        Assert.Equal((triedBefore, newBefore), (f.Book.TriedCount, f.Book.NewCount));
    }

    [Fact]
    public void Good_FullTriedBucket_EvictsFirstOfTiedOldest()
    {
        var f = new Fixture();
        var (bucket, members) = FillTriedBucket(f, Source, _ => f.NowUnix - 1000);
        NetAddressV2 newcomer;
        int n = 0;
        do newcomer = Addr.IP($"66.77.250.{++n}", timestamp: f.NowUnix);
        while (AddressBook.TriedBucketOf(Fixture.CountingKey, AddressKey.Format(newcomer), "66.77.0.0") != bucket);
        f.Book.AddAddress(newcomer, Source, AddressOrigin.DnsSeed);
        f.Book.Good(newcomer);
        Assert.False(f.Book.Find(members[0])!.IsTried);
        Assert.All(members.Skip(1), m => Assert.True(f.Book.Find(m)!.IsTried));
    }

    [Fact]
    public void Good_EvicteesNewBucketFull_EvicteeTakesTheVacatedBucket()
    {
        var f = new Fixture();
        var otherSource = Addr.IP("5.6.7.8");
        // The first member comes from another source group and is the oldest; the rest from Source.
        var byBucket = new Dictionary<int, List<NetAddressV2>>();
        var special = Addr.IP("66.77.0.1", timestamp: f.NowUnix - 500_000);
        int bucket = AddressBook.TriedBucketOf(Fixture.CountingKey, AddressKey.Format(special), "66.77.0.0");
        f.Book.AddAddress(special, otherSource, AddressOrigin.DnsSeed);
        f.Book.Good(special);
        int count = 1;
        for (int i = 1; count < AddressBook.TriedBucketSize; i++)
        {
            var address = Addr.IP($"66.77.{i / 250}.{i % 250 + 1}", timestamp: f.NowUnix - 1000);
            if (AddressBook.TriedBucketOf(Fixture.CountingKey, AddressKey.Format(address), "66.77.0.0") != bucket)
                continue;
            f.Book.AddAddress(address, Source, AddressOrigin.DnsSeed);
            f.Book.Good(address);
            count++;
        }
        // Fill the evictee's own new bucket (66.77/16 heard from 5.6/16) with 64 entries.
        int evicteeHome = AddressBook.NewBucketOf(Fixture.CountingKey, "66.77.0.0", "5.6.0.0");
        for (int i = 0; i < 64; i++)
            f.Book.AddAddress(Addr.IP($"66.77.251.{i + 1}", timestamp: f.NowUnix), otherSource, AddressOrigin.DnsSeed);
        Assert.Equal(64, f.Book.NewBucket(evicteeHome).Count);

        NetAddressV2 newcomer;
        int n = 0;
        do newcomer = Addr.IP($"66.77.252.{++n}", timestamp: f.NowUnix);
        while (AddressBook.TriedBucketOf(Fixture.CountingKey, AddressKey.Format(newcomer), "66.77.0.0") != bucket);
        f.Book.AddAddress(newcomer, Source, AddressOrigin.DnsSeed);
        int vacated = AddressBook.NewBucketOf(Fixture.CountingKey, "66.77.0.0", "173.144.0.0");
        Assert.Contains(f.Book.Find(newcomer)!, f.Book.NewBucket(vacated));

        f.Book.Good(newcomer);
        var evicted = f.Book.Find(special)!;
        Assert.False(evicted.IsTried);
        Assert.Contains(evicted, f.Book.NewBucket(vacated));
        Assert.DoesNotContain(evicted, f.Book.NewBucket(evicteeHome));
        Assert.Equal(64, f.Book.NewBucket(evicteeHome).Count);
    }

    [Fact]
    public void Good_BtcdTestGood_BucketsLimitWhatOneSourceCanFill()
    {
        // btcd addrmanager_test.go TestGood: 64 × 64 addresses in 64 /16s from one source, each marked good.
        var f = new Fixture();
        var addresses = Enumerable.Range(0, 64 * 64)
            .Select(i => Addr.IP($"{i / 64 + 60}.173.147.{i % 64 + 60}", timestamp: f.NowUnix)).ToArray();
        f.Book.AddAddresses(addresses, Source, AddressOrigin.DnsSeed);
        foreach (var address in addresses) f.Book.Good(address);
        Assert.True(f.Book.Count < addresses.Length);
        Assert.Equal(f.Book.Count, f.Book.TriedCount);
        Assert.True(f.Book.AddressCache().Count < f.Book.Count / 4);
    }

    [Fact]
    public void GetAddress_EmptyBook_ReturnsNull() => Assert.Null(new Fixture().Book.GetAddress());

    [Fact]
    public void GetAddress_OneAddress_ReturnsItFromNewThenFromTried()
    {
        // btcd TestGetAddress.
        var f = new Fixture();
        var address = Addr.IP("173.194.115.66");
        f.Book.AddAddress(address, address, AddressOrigin.User);
        Assert.Equal("173.194.115.66", f.Book.GetAddress()!.Address.Host);
        f.Book.Good(address);
        Assert.Equal("173.194.115.66", f.Book.GetAddress()!.Address.Host);
        Assert.Equal(1, f.Book.Count);
    }

    [Fact]
    public void GetAddress_BothTables_PicksEachAboutHalfTheTime()
    {
        var f = new Fixture(seed: 11);
        for (int i = 0; i < 40; i++)
        {
            var address = Addr.IP($"{20 + i}.1.2.3", timestamp: f.NowUnix);
            f.Book.AddAddress(address, address, AddressOrigin.User);
            if (i % 2 == 0) f.Book.Good(address);
        }
        f.Time.Advance(TimeSpan.FromHours(1)); // Good's last attempt no longer penalises
        int tried = 0;
        for (int i = 0; i < 4000; i++)
            if (f.Book.GetAddress()!.IsTried) tried++;
        Assert.InRange(tried, 1800, 2200);
    }

    [Fact]
    public void GetAddress_RecentlyAttempted_IsPickedRarely()
    {
        var f = new Fixture(seed: 5);
        var fresh = Addr.IP("20.1.2.3");
        var attempted = Addr.IP("30.1.2.3");
        f.Book.AddAddress(fresh, fresh, AddressOrigin.User);
        f.Book.AddAddress(attempted, attempted, AddressOrigin.User);
        Assert.NotEqual(f.Book.Find(fresh)!.NewBuckets[0], f.Book.Find(attempted)!.NewBuckets[0]);
        f.Book.Attempt(attempted);
        int picked = 0;
        for (int i = 0; i < 2000; i++)
            if (f.Book.GetAddress()!.Address == f.Book.Find(attempted)!.Address) picked++;
        // Accepted with 0.01 × factor against 1 × factor: about 1 % of the picks, a bit more as factors grow.
        Assert.InRange(picked, 1, 80);
    }

    [Fact]
    public void GetAddress_OnlyVeryFailedEntries_StillEnds()
    {
        var f = new Fixture();
        var address = Addr.IP("20.1.2.3");
        f.Book.AddAddress(address, address, AddressOrigin.User);
        f.Book.Find(address)!.Attempts = 5000; // btcd's chance underflows to 0 here
        Assert.NotNull(f.Book.GetAddress());
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(4, 1)]
    [InlineData(5, 1)]
    [InlineData(9, 2)]
    [InlineData(100, 23)]
    [InlineData(1000, 230)]
    public void AddressCache_Counts_Are23PercentAtLeastOne(int known, int expected)
    {
        var f = new Fixture();
        for (int i = 0; i < known; i++)
        {
            var address = Addr.IP($"{20 + i % 80}.{i / 80}.{i % 7}.1");
            f.Book.AddAddress(address, address, AddressOrigin.User);
        }
        Assert.Equal(known, f.Book.Count);
        var cache = f.Book.AddressCache();
        Assert.Equal(expected, cache.Count);
        Assert.Equal(cache.Count, cache.Distinct().Count());
        Assert.All(cache, a => Assert.NotNull(f.Book.Find(a)));
    }

    [Fact]
    public void AddressCache_ManyAddresses_CappedAt2500AndIncludesTried()
    {
        var f = new Fixture();
        for (int i = 0; i < 11_000; i++)
        {
            var address = Addr.IP($"{20 + i % 80}.{i / 80 % 250}.{i / 20_000 + 1}.{i % 3 + 1}");
            f.Book.AddAddress(address, address, AddressOrigin.User);
            if (i % 10 == 0) f.Book.Good(address);
        }
        Assert.InRange(f.Book.Count, 10_900, 11_000);
        var cache = f.Book.AddressCache();
        Assert.Equal(AddressBook.GetAddrMax, cache.Count);
        Assert.Equal(cache.Count, cache.Select(AddressKey.Format).Distinct().Count());
        Assert.Contains(cache, a => f.Book.Find(a)!.IsTried);
    }

    [Fact]
    public void NeedMoreAddresses_FlipsAtOneThousand()
    {
        // btcd TestNeedMoreAddresses, with the threshold's edge.
        var f = new Fixture();
        for (int i = 0; i < 1000; i++)
        {
            Assert.True(f.Book.NeedMoreAddresses);
            var address = Addr.IP($"{i / 128 + 60}.{i % 128 + 60}.173.147");
            f.Book.AddAddress(address, address, AddressOrigin.User);
        }
        Assert.Equal(1000, f.Book.Count);
        Assert.False(f.Book.NeedMoreAddresses);
    }

    [Fact]
    public void AddAddressByIP_ParsesAndUsesAddressAsItsOwnSource()
    {
        // btcd TestAddAddressByIP.
        var f = new Fixture();
        f.Book.AddAddressByIP("173.194.115.66:8333");
        var entry = f.Book.Find("173.194.115.66:8333")!;
        Assert.Equal(entry.Key, AddressKey.Format(entry.Source));
        Assert.Equal(f.NowUnix, entry.Address.Timestamp);
        Assert.Equal(ServiceFlags.None, entry.Services);
        Assert.Throws<FormatException>(() => f.Book.AddAddressByIP("173.194.115.66"));
        Assert.Throws<FormatException>(() => f.Book.AddAddressByIP("173.194.115:8333"));
        Assert.Throws<FormatException>(() => f.Book.AddAddressByIP("173.194.115.66:abcd"));
    }

    // ---- PickForDial (btcd server.go newAddressFunc) ----

    [Fact]
    public void PickForDial_GroupAlreadyConnected_IsSkipped()
    {
        var f = new Fixture();
        var address = Addr.IP("173.194.115.66");
        f.Book.AddAddress(address, address, AddressOrigin.User);
        Assert.Null(f.Book.PickForDial(new HashSet<string> { "173.194.0.0" }, 8333));
        Assert.Equal(0, f.Book.Find(address)!.Attempts);
        var picked = f.Book.PickForDial(new HashSet<string> { "1.2.0.0" }, 8333);
        Assert.Equal(address, picked!.Address);
        Assert.Equal(1, picked.Attempts);
        Assert.Equal(f.Now, picked.LastAttempt);
    }

    [Fact]
    public void PickForDial_OnlyNonDefaultPort_IsTakenAfterFiftyTries()
    {
        var f = new Fixture();
        var address = Addr.IP("173.194.115.66", 18333);
        f.Book.AddAddress(address, address, AddressOrigin.User);
        Assert.Equal(address, f.Book.PickForDial(new HashSet<string>(), 8333)!.Address);
    }

    [Fact]
    public void PickForDial_DefaultPort_IsPreferred()
    {
        var f = new Fixture(seed: 2);
        var odd = Addr.IP("173.194.115.66", 18333);
        var standard = Addr.IP("20.1.2.3", 8333);
        f.Book.AddAddresses([odd], odd, AddressOrigin.User);
        f.Book.AddAddresses([standard], standard, AddressOrigin.User);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(standard, f.Book.PickForDial(new HashSet<string>(), 8333)!.Address);
            f.Time.Advance(TimeSpan.FromMinutes(11));
        }
    }

    [Fact]
    public void PickForDial_RecentlyAttempted_IsTakenOnlyWhenNothingElse()
    {
        var f = new Fixture(seed: 9);
        var a = Addr.IP("20.1.2.3");
        var b = Addr.IP("30.1.2.3");
        f.Book.AddAddress(a, a, AddressOrigin.User);
        f.Book.AddAddress(b, b, AddressOrigin.User);
        f.Book.Attempt(a);
        f.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(b, f.Book.PickForDial(new HashSet<string>(), 8333)!.Address);
        // Now both were attempted within 10 minutes: after 30 tries one of them is taken anyway.
        Assert.NotNull(f.Book.PickForDial(new HashSet<string>(), 8333));
    }

    [Fact]
    public void PickForDial_Filter_IsApplied()
    {
        var f = new Fixture();
        var address = Addr.IP("20.1.2.3");
        f.Book.AddAddress(address, address, AddressOrigin.User);
        Assert.Null(f.Book.PickForDial(new HashSet<string>(), 8333, k => k.Address.Network == AddressNetwork.TorV3));
        Assert.Null(f.Book.PickForDial(new HashSet<string>(), 8333, k => false));
        Assert.Null(new Fixture().Book.PickForDial(new HashSet<string>(), 8333));
    }

    // ---- Beyond btcd: rate limit, tried protection, future timestamps ----

    private static NetAddressV2[] Batch(Fixture f, int count, int firstOctet = 40) =>
        Enumerable.Range(0, count)
            .Select(i => Addr.IP($"{firstOctet + i % 50}.{i / 50 % 250}.{i / 12_500 + 1}.9", timestamp: f.NowUnix))
            .ToArray();

    [Fact]
    public void RateLimit_UnsolicitedBurst_AcceptsOneAddressThenRefillsAtOneTenthPerSecond()
    {
        var f = new Fixture();
        var result = f.Book.AddAddresses(Batch(f, 1000), Source);
        Assert.Equal(new AddResult(1000, 1, 0, 0, 999), result);
        Assert.Equal(999, f.Book.RateLimitedTotal);

        f.Time.Advance(TimeSpan.FromSeconds(100));
        result = f.Book.AddAddresses(Batch(f, 1000, 100), Source);
        Assert.Equal(10, result.New);
        Assert.Equal(990, result.RateLimited);
    }

    [Fact]
    public void RateLimit_RefillStopsAtOneThousand()
    {
        var f = new Fixture();
        f.Book.AddAddresses(Batch(f, 1), Source);
        f.Time.Advance(TimeSpan.FromDays(2));
        var result = f.Book.AddAddresses(Batch(f, 1500, 110), Source);
        Assert.Equal(1000, result.Received - result.RateLimited);
    }

    [Fact]
    public void RateLimit_AfterGetAddr_AcceptsTheAnswer()
    {
        var f = new Fixture();
        f.Book.ExpectAddrResponse(Source);
        var result = f.Book.AddAddresses(Batch(f, 1000), Source);
        Assert.Equal(0, result.RateLimited);
        Assert.Equal(1000, result.New + result.Known);
    }

    [Fact]
    public void RateLimit_IsPerSource_AndForgettingResetsIt()
    {
        var f = new Fixture();
        var other = Addr.IP("5.6.7.8");
        Assert.Equal(1, f.Book.AddAddresses(Batch(f, 10), Source).New);
        Assert.Equal(1, f.Book.AddAddresses(Batch(f, 10, 60), other).New);
        f.Book.ExpectAddrResponse(other);
        f.Book.ForgetSource(other);
        Assert.Equal(9, f.Book.AddAddresses(Batch(f, 10, 70), other).RateLimited);
    }

    [Fact]
    public void RateLimit_UnroutableAddressesAlsoCostTokens()
    {
        var f = new Fixture();
        var result = f.Book.AddAddresses([Addr.IP("10.0.0.1"), Addr.IP("20.1.2.3")], Source);
        Assert.Equal(new AddResult(2, 0, 0, 1, 1), result);
    }

    [Theory]
    [InlineData(AddressOrigin.DnsSeed)]
    [InlineData(AddressOrigin.User)]
    public void RateLimit_SeedsAndUser_AreNotLimited(AddressOrigin origin)
    {
        var f = new Fixture();
        var result = f.Book.AddAddresses(Batch(f, 1000), Source, origin);
        Assert.Equal(0, result.RateLimited);
    }

    [Fact]
    public void RateLimit_BtcdOptions_AcceptEverything()
    {
        var f = new Fixture(AddressBookOptions.Btcd);
        var result = f.Book.AddAddresses(Batch(f, 1000), Source);
        Assert.Equal(0, result.RateLimited);
        Assert.Equal(0, f.Book.RateLimitedTotal);
    }

    private static (Fixture F, NetAddressV2 Address) TriedEntry(AddressBookOptions options)
    {
        var f = new Fixture(options);
        var address = Addr.IP("173.194.115.66", services: ServiceFlags.Network, timestamp: f.NowUnix - 3600);
        f.Book.AddAddress(address, address, AddressOrigin.User);
        f.Book.Good(address);
        f.Book.ExpectAddrResponse(Source);
        return (f, address);
    }

    [Fact]
    public void TriedProtection_PeerGossip_LeavesTriedEntryUntouched()
    {
        var (f, address) = TriedEntry(AddressBookOptions.Default);
        var result = f.Book.AddAddress(address with { Timestamp = f.NowUnix, Services = ServiceFlags.Bloom }, Source);
        Assert.Equal(1, result.Known);
        var entry = f.Book.Find(address)!;
        Assert.Equal(f.NowUnix - 3600, entry.Address.Timestamp);
        Assert.Equal(ServiceFlags.Network, entry.Services);
        Assert.True(entry.IsTried);
    }

    [Fact]
    public void TriedProtection_Off_GossipUpdatesTriedEntryAsBtcd()
    {
        var (f, address) = TriedEntry(AddressBookOptions.Btcd);
        f.Book.AddAddress(address with { Timestamp = f.NowUnix, Services = ServiceFlags.Bloom }, Source);
        var entry = f.Book.Find(address)!;
        Assert.Equal(f.NowUnix, entry.Address.Timestamp);
        Assert.Equal(ServiceFlags.Network | ServiceFlags.Bloom, entry.Services);
        Assert.True(entry.IsTried);
        Assert.Equal(0, entry.References);
    }

    [Fact]
    public void TriedProtection_DnsSeed_StillUpdates()
    {
        var (f, address) = TriedEntry(AddressBookOptions.Default);
        f.Book.AddAddress(address with { Timestamp = f.NowUnix, Services = ServiceFlags.Bloom }, Source,
            AddressOrigin.DnsSeed);
        Assert.Equal(f.NowUnix, f.Book.Find(address)!.Address.Timestamp);
    }

    [Fact]
    public void FutureTimestamp_FromPeer_BecomesFiveDaysAgo_FromSeedIsKept()
    {
        var f = new Fixture(AddressBookOptions.Btcd);
        var fromPeer = Addr.IP("20.1.2.3", timestamp: f.NowUnix + 601);
        var atEdge = Addr.IP("21.1.2.3", timestamp: f.NowUnix + 600);
        var fromSeed = Addr.IP("22.1.2.3", timestamp: f.NowUnix + 601);
        f.Book.AddAddresses([fromPeer, atEdge], Source);
        f.Book.AddAddress(fromSeed, Source, AddressOrigin.DnsSeed);
        Assert.Equal(f.NowUnix - 5 * 86_400, f.Book.Find(fromPeer)!.Address.Timestamp);
        Assert.Equal(f.NowUnix + 600, f.Book.Find(atEdge)!.Address.Timestamp);
        Assert.Equal(f.NowUnix + 601, f.Book.Find(fromSeed)!.Address.Timestamp);
    }
}
