using ActorNode.AddrBook.Persistence;
using ActorNode.Wire;
using ActorNode.Wire.Primitives;
using Microsoft.Extensions.Time.Testing;

namespace ActorNode.AddrBook.Tests;

/// <summary>Export and Import of the peers.json records (btcd addrmgr/addrmanager.go, btcd savePeers / deserializePeers).</summary>
public class SnapshotTests
{
    private const string TorV3Host = "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion";

    /// <summary>A book with new entries (some in several buckets), tried entries, failures and successes, IPv4,
    /// IPv6, Tor v2 and Tor v3.</summary>
    private static Fixture BuildBook()
    {
        var f = new Fixture(AddressBookOptions.Btcd);
        var sources = new[] { Addr.IP("5.6.7.8"), Addr.IP("2602:100::9"), Addr.IP("9.10.11.12") };
        for (int i = 0; i < 300; i++)
        {
            var address = Addr.IP($"{20 + i % 60}.{i % 250}.3.{i % 200 + 1}", (ushort)(8333 + i % 3),
                (ServiceFlags)(ulong)(i % 16), f.NowUnix - (uint)(i * 37));
            foreach (var source in sources.Take(1 + i % 3)) f.Book.AddAddress(address, source, AddressOrigin.Peer);
        }
        var extra = new[]
        {
            Addr.IP("2602:100:abcd::102"), Addr.IP("2001:470:1f10:a1::2", 18333), Addr.IP("fd87:d87e:eb43:1234::5678"),
            AddressKey.Parse(TorV3Host + ":8333", ServiceFlags.Network | ServiceFlags.Witness, f.NowUnix - 5),
        };
        foreach (var address in extra) f.Book.AddAddress(address with { Timestamp = f.NowUnix - 9 }, sources[1]);
        int n = 0;
        foreach (var entry in f.Book.Addresses.ToArray())
        {
            if (n % 4 == 0) f.Book.Attempt(entry.Address);
            if (n % 7 == 0) f.Book.Good(entry.Address);
            if (n % 11 == 0) f.Book.Attempt(entry.Address);
            n++;
            f.Time.Advance(TimeSpan.FromSeconds(3));
        }
        f.Book.Good(extra[3]);
        return f;
    }

    private static void AssertSameSnapshot(AddressBookSnapshot expected, AddressBookSnapshot actual)
    {
        Assert.Equal(expected.Version, actual.Version);
        Assert.Equal(expected.Key, actual.Key);
        Assert.Equal(expected.Addresses, actual.Addresses);
        Assert.Equal(expected.NewBuckets.Count, actual.NewBuckets.Count);
        for (int i = 0; i < expected.NewBuckets.Count; i++) Assert.Equal(expected.NewBuckets[i], actual.NewBuckets[i]);
        Assert.Equal(expected.TriedBuckets.Count, actual.TriedBuckets.Count);
        for (int i = 0; i < expected.TriedBuckets.Count; i++)
            Assert.Equal(expected.TriedBuckets[i], actual.TriedBuckets[i]);
    }

    [Fact]
    public void Export_WritesBtcdLayout()
    {
        var f = BuildBook();
        var snapshot = f.Book.Export();
        Assert.Equal(2, snapshot.Version);
        Assert.Equal(Fixture.CountingKey, snapshot.Key);
        Assert.Equal(1024, snapshot.NewBuckets.Count);
        Assert.Equal(64, snapshot.TriedBuckets.Count);
        Assert.Equal(f.Book.Count, snapshot.Addresses.Count);
        Assert.Equal(f.Book.TriedCount, snapshot.TriedBuckets.Sum(b => b.Count));
        Assert.True(f.Book.TriedCount > 0);

        var never = snapshot.Addresses.First(a => f.Book.Find(a.Addr)!.LastAttempt is null);
        Assert.Equal(AddressBookSnapshot.GoZeroTime, never.LastAttempt);
        Assert.Equal(AddressBookSnapshot.GoZeroTime, never.LastSuccess);
        var good = snapshot.Addresses.First(a => f.Book.Find(a.Addr)!.IsTried);
        var entry = f.Book.Find(good.Addr)!;
        Assert.Equal(entry.LastSuccess!.Value.ToUnixTimeSeconds(), good.LastSuccess);
        Assert.Equal(entry.Address.Timestamp, good.TimeStamp);
        Assert.Equal((ulong)entry.Services, good.Services);
        Assert.Equal(AddressKey.Format(entry.Source), good.Src);
        Assert.Equal((ulong)entry.Source.Services, good.SrcServices);
        Assert.Contains(snapshot.Addresses, a => a.Addr == TorV3Host + ":8333");
        Assert.Contains(snapshot.Addresses, a => a.Addr == "[2001:470:1f10:a1::2]:18333");
        Assert.Contains(snapshot.Addresses, a => a.Addr == "[2602:100:abcd::102]:8333");
        Assert.Contains(snapshot.Addresses, a => a.Addr.EndsWith(".onion:8333") && a.Addr.Length == 22 + 5);
    }

    [Fact]
    public void ExportImport_RoundTrip_IsIdenticalAndBehavesTheSame()
    {
        var f = BuildBook();
        var snapshot = f.Book.Export();
        var time = new FakeTimeProvider(f.Now);
        var loaded = AddressBook.Import(snapshot, time, new Random(99), AddressBookOptions.Btcd);

        AssertSameSnapshot(snapshot, loaded.Export());
        Assert.Equal((f.Book.Count, f.Book.NewCount, f.Book.TriedCount),
            (loaded.Count, loaded.NewCount, loaded.TriedCount));
        foreach (var original in f.Book.Addresses)
        {
            var copy = loaded.Find(original.Key)!;
            Assert.Equal(original.Address, copy.Address);
            Assert.Equal(original.Source, copy.Source with { Timestamp = original.Source.Timestamp });
            Assert.Equal((original.Attempts, original.LastAttempt, original.LastSuccess, original.IsTried),
                (copy.Attempts, copy.LastAttempt, copy.LastSuccess, copy.IsTried));
            Assert.Equal(original.NewBuckets.Order(), copy.NewBuckets.Order());
        }

        // Same buckets in the same order: the same seed picks the same addresses.
        var reference = AddressBook.Import(snapshot, new FakeTimeProvider(f.Now), new Random(99));
        for (int i = 0; i < 200; i++) Assert.Equal(reference.GetAddress()!.Key, loaded.GetAddress()!.Key);
    }

    [Fact]
    public void Import_KeepsSavedTimestamp_UnlikeBtcd()
    {
        var snapshot = Snapshot([Entry("20.1.2.3:8333", timeStamp: 1_600_000_000)], newBuckets: (5, ["20.1.2.3:8333"]));
        var book = AddressBook.Import(snapshot, new FakeTimeProvider(Fixture.Start));
        Assert.Equal(1_600_000_000u, book.Find("20.1.2.3:8333")!.Address.Timestamp);
    }

    [Fact]
    public void Import_Version1_DefaultsServicesToNodeNetwork()
    {
        var snapshot = Snapshot([Entry("20.1.2.3:8333", services: 0, srcServices: 0)], version: 1,
            newBuckets: (5, ["20.1.2.3:8333"]));
        var entry = AddressBook.Import(snapshot).Find("20.1.2.3:8333")!;
        Assert.Equal(ServiceFlags.Network, entry.Services);
        Assert.Equal(ServiceFlags.Network, entry.Source.Services);
        Assert.Equal(2, AddressBook.Import(snapshot).Export().Version);
    }

    [Fact]
    public void Import_Version2_KeepsServices()
    {
        var snapshot = Snapshot([Entry("20.1.2.3:8333", services: 1033, srcServices: 8)],
            newBuckets: (5, ["20.1.2.3:8333"]));
        var entry = AddressBook.Import(snapshot).Find("20.1.2.3:8333")!;
        Assert.Equal((ServiceFlags)1033, entry.Services);
        Assert.Equal(ServiceFlags.Witness, entry.Source.Services);
    }

    [Fact]
    public void Import_AddressKinds_AreParsedBack()
    {
        string[] keys =
        [
            "20.1.2.3:8333", "[2602:100:abcd::102]:8333", "aaaqeayeaudaocaj.onion:8333", TorV3Host + ":9050",
        ];
        var snapshot = Snapshot(keys.Select(k => Entry(k)).ToArray(), newBuckets: (7, keys));
        var book = AddressBook.Import(snapshot);
        Assert.Equal(AddressNetwork.IPv4, book.Find(keys[0])!.Address.Network);
        Assert.Equal(AddressNetwork.IPv6, book.Find(keys[1])!.Address.Network);
        Assert.Equal(AddressNetwork.TorV2, book.Find(keys[2])!.Address.Network);
        Assert.Equal(AddressNetwork.TorV3, book.Find(keys[3])!.Address.Network);
        Assert.Equal(9050, book.Find(keys[3])!.Address.Port);
        Assert.Equal(4, book.NewCount);
        Assert.Equal(4, book.NewBucket(7).Count);
    }

    [Fact]
    public void Import_FewerBucketListsAndNullLists_AreEmptyBuckets()
    {
        var snapshot = new AddressBookSnapshot(2, Fixture.CountingKey, [Entry("20.1.2.3:8333")],
            [[], [], ["20.1.2.3:8333"]], null!);
        var book = AddressBook.Import(snapshot);
        Assert.Single(book.NewBucket(2));
        var empty = AddressBook.Import(new AddressBookSnapshot(2, Fixture.CountingKey, null!, null!, null!));
        Assert.Equal(0, empty.Count);
    }

    [Fact]
    public void Import_BtcdSixtyFiveEntryBucket_IsAcceptedAndShrinksOnNextAdd()
    {
        // btcd can write a new bucket of 65 (btcd addrmgr/addrmanager.go quirk).
        var time = new FakeTimeProvider(Fixture.Start);
        uint now = Addr.Unix(Fixture.Start);
        var keys = Enumerable.Range(1, 65).Select(i => $"66.77.{i}.1:8333").ToArray();
        int bucket = AddressBook.NewBucketOf(Fixture.CountingKey, "66.77.0.0", "5.6.0.0");
        var snapshot = Snapshot(keys.Select(k => Entry(k, src: "5.6.7.8:8333", timeStamp: now - 100)).ToArray(),
            newBuckets: (bucket, keys));
        var book = AddressBook.Import(snapshot, time);
        Assert.Equal(65, book.NewBucket(bucket).Count);
        book.AddAddress(Addr.IP("66.77.200.1", timestamp: now), Addr.IP("5.6.7.8"), AddressOrigin.DnsSeed);
        Assert.Equal(64, book.NewBucket(bucket).Count);
    }

    [Fact]
    public void Import_RepeatedAddressEntry_LastOneWins()
    {
        var snapshot = Snapshot([Entry("20.1.2.3:8333", attempts: 1), Entry("20.1.2.3:8333", attempts: 2)],
            newBuckets: (5, ["20.1.2.3:8333"]));
        Assert.Equal(2, AddressBook.Import(snapshot).Find("20.1.2.3:8333")!.Attempts);
    }

    public static TheoryData<string, AddressBookSnapshot> BadSnapshots
    {
        get
        {
            var ok = Entry("20.1.2.3:8333");
            var list = new TheoryData<string, AddressBookSnapshot>
            {
                { "unknown version 3", Snapshot([ok], version: 3, newBuckets: (5, ["20.1.2.3:8333"])) },
                { "the key has 31 bytes", Snapshot([ok], key: new byte[31], newBuckets: (5, ["20.1.2.3:8333"])) },
                { "the key has 0 bytes", Snapshot([ok], key: null, defaultKey: false, newBuckets: (5, ["20.1.2.3:8333"])) },
                { "failed to read address 'bogus'", Snapshot([Entry("bogus")]) },
                { "failed to read address 'seed.example.org:8333'", Snapshot([Entry("seed.example.org:8333")]) },
                { "failed to read address '1.2.3.4:99999'", Snapshot([Entry("20.1.2.3:8333", src: "1.2.3.4:99999")]) },
                { "failed to read address ''", Snapshot([Entry("20.1.2.3:8333", src: "")]) },
                { "new bucket 5 contains 20.9.9.9:8333 but the address list does not",
                    Snapshot([ok], newBuckets: (5, ["20.1.2.3:8333", "20.9.9.9:8333"])) },
                { "tried bucket 3 contains 20.9.9.9:8333 but the address list does not",
                    Snapshot([ok], newBuckets: (5, ["20.1.2.3:8333"]), triedBuckets: (3, ["20.9.9.9:8333"])) },
                { "address 20.1.2.3:8333 is in no bucket", Snapshot([ok]) },
                { "address 20.1.2.3:8333 is both new and tried",
                    Snapshot([ok], newBuckets: (5, ["20.1.2.3:8333"]), triedBuckets: (3, ["20.1.2.3:8333"])) },
                { "new bucket 5 contains 20.1.2.3:8333 twice", Snapshot([ok], newBuckets: (5, ["20.1.2.3:8333", "20.1.2.3:8333"])) },
                { "20.1.2.3:8333 is in the tried table twice",
                    Snapshot([ok], triedBuckets: (3, ["20.1.2.3:8333", "20.1.2.3:8333"])) },
                { "1025 new buckets", new AddressBookSnapshot(2, Fixture.CountingKey, [ok],
                    Enumerable.Repeat<IReadOnlyList<string>>([], 1025).ToArray(), []) },
                { "65 tried buckets", new AddressBookSnapshot(2, Fixture.CountingKey, [ok],
                    [["20.1.2.3:8333"]], Enumerable.Repeat<IReadOnlyList<string>>([], 65).ToArray()) },
                { "LastAttempt -62135596801 of address 20.1.2.3:8333 is out of range",
                    Snapshot([Entry("20.1.2.3:8333", lastAttempt: AddressBookSnapshot.GoZeroTime - 1)],
                        newBuckets: (5, ["20.1.2.3:8333"])) },
                { "LastSuccess 9223372036854775807 of address 20.1.2.3:8333 is out of range",
                    Snapshot([Entry("20.1.2.3:8333", lastSuccess: long.MaxValue)], newBuckets: (5, ["20.1.2.3:8333"])) },
                { "an address entry is null", Snapshot([null!]) },
                { "new bucket 5 contains a null address", Snapshot([ok], newBuckets: (5, ["20.1.2.3:8333", null!])) },
                // Keys must be written as btcd writes them: a non-canonical spelling does not match its entry.
                { "new bucket 5 contains [2602:0100::1]:8333 but the address list does not",
                    Snapshot([Entry("[2602:0100::1]:8333")], newBuckets: (5, ["[2602:0100::1]:8333"])) },
            };
            return list;
        }
    }

    [Theory]
    [MemberData(nameof(BadSnapshots))]
    public void Import_BadSnapshot_ThrowsFormatExceptionSayingWhy(string reason, AddressBookSnapshot snapshot)
    {
        var error = Assert.Throws<AddressBookFormatException>(() => AddressBook.Import(snapshot));
        Assert.Contains(reason, error.Message);
    }

    private static SerializedKnownAddress Entry(string addr, string src = "5.6.7.8:8333", int attempts = 0,
        long timeStamp = 1_700_000_000, long lastAttempt = AddressBookSnapshot.GoZeroTime,
        long lastSuccess = AddressBookSnapshot.GoZeroTime, ulong services = 1, ulong srcServices = 1) =>
        new(addr, src, attempts, timeStamp, lastAttempt, lastSuccess, services, srcServices);

    private static AddressBookSnapshot Snapshot(SerializedKnownAddress[] addresses, int version = 2,
        byte[]? key = null, (int Index, string[] Keys)? newBuckets = null, (int Index, string[] Keys)? triedBuckets = null,
        bool defaultKey = true)
    {
        var news = Enumerable.Range(0, 1024).Select(_ => (IReadOnlyList<string>)Array.Empty<string>()).ToArray();
        var trieds = Enumerable.Range(0, 64).Select(_ => (IReadOnlyList<string>)Array.Empty<string>()).ToArray();
        if (newBuckets is { } n) news[n.Index] = n.Keys;
        if (triedBuckets is { } t) trieds[t.Index] = t.Keys;
        return new AddressBookSnapshot(version, key ?? (defaultKey ? Fixture.CountingKey : null!), addresses, news,
            trieds);
    }
}
