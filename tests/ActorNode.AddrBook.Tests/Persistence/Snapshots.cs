using ActorNode.AddrBook.Persistence;

namespace ActorNode.AddrBook.Tests.Persistence;

/// <summary>Builders and a content comparison for snapshots (records compare arrays by reference).</summary>
internal static class Snapshots
{
    public static byte[] SequentialKey() => Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    public static IReadOnlyList<string>[] EmptyBuckets(int count) =>
        Enumerable.Range(0, count).Select(_ => (IReadOnlyList<string>)Array.Empty<string>()).ToArray();

    /// <summary>Two addresses: 1.2.3.4:8333 in new buckets 3 and 1023 (never succeeded), [2001:db8::1]:18333
    /// in tried bucket 0.</summary>
    public static AddressBookSnapshot Small()
    {
        var newBuckets = EmptyBuckets(PeersJson.NewBucketCount);
        newBuckets[3] = ["1.2.3.4:8333"];
        newBuckets[1023] = ["1.2.3.4:8333"];
        var triedBuckets = EmptyBuckets(PeersJson.TriedBucketCount);
        triedBuckets[0] = ["[2001:db8::1]:18333"];
        return new AddressBookSnapshot(
            2,
            SequentialKey(),
            [
                new SerializedKnownAddress("1.2.3.4:8333", "5.6.7.8:8333", 2, 1700000000, 1700000100,
                    AddressBookSnapshot.GoZeroTime, 1033, 1),
                new SerializedKnownAddress("[2001:db8::1]:18333", "1.2.3.4:8333", 0, 1690000000, 1690000500,
                    1690000500, 9, 1033),
            ],
            newBuckets,
            triedBuckets);
    }

    /// <summary>A book of <paramref name="count"/> addresses spread over new and tried buckets, from a seed.</summary>
    public static AddressBookSnapshot Random(int count, int seed)
    {
        var random = new Random(seed);
        var key = new byte[32];
        random.NextBytes(key);
        var addresses = new List<SerializedKnownAddress>();
        var newBuckets = Enumerable.Range(0, PeersJson.NewBucketCount).Select(_ => new List<string>()).ToArray();
        var triedBuckets = Enumerable.Range(0, PeersJson.TriedBucketCount).Select(_ => new List<string>()).ToArray();
        for (int i = 0; i < count; i++)
        {
            string addr = i % 5 == 0
                ? $"[2001:db8::{i:x}]:{8333 + (i % 3)}"
                : $"{10 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}.{random.Next(1, 255)}:8333";
            addresses.Add(new SerializedKnownAddress(
                addr,
                $"{random.Next(1, 224)}.{random.Next(256)}.{random.Next(256)}.{random.Next(256)}:8333",
                random.Next(0, 10),
                1_600_000_000 + random.Next(),
                random.Next(2) == 0 ? AddressBookSnapshot.GoZeroTime : 1_600_000_000 + random.Next(),
                random.Next(2) == 0 ? AddressBookSnapshot.GoZeroTime : 1_600_000_000 + random.Next(),
                (ulong)random.NextInt64(),
                (ulong)random.Next(0, 2000)));
            if (random.Next(4) == 0)
            {
                triedBuckets[random.Next(PeersJson.TriedBucketCount)].Add(addr);
            }
            else
            {
                foreach (int b in Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(PeersJson.NewBucketCount)).Distinct())
                    newBuckets[b].Add(addr);
            }
        }
        return new AddressBookSnapshot(2, key, addresses, newBuckets, triedBuckets);
    }

    public static void AssertEqual(AddressBookSnapshot expected, AddressBookSnapshot actual)
    {
        Assert.Equal(expected.Version, actual.Version);
        Assert.Equal(expected.Key, actual.Key);
        Assert.Equal(expected.Addresses, actual.Addresses); // SerializedKnownAddress is a record of values.
        AssertBucketsEqual(expected.NewBuckets, actual.NewBuckets);
        AssertBucketsEqual(expected.TriedBuckets, actual.TriedBuckets);
    }

    private static void AssertBucketsEqual(IReadOnlyList<IReadOnlyList<string>> expected, IReadOnlyList<IReadOnlyList<string>> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
            Assert.Equal(expected[i], actual[i]);
    }
}
