using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ActorNode.Wire;

namespace ActorNode.AddrBook.Tests;

/// <summary>Bucket placement (btcd addrmgr/addrmanager.go). Expected values are computed here independently from the formula with
/// SHA-256, and a few are pinned as literals computed with Python's hashlib (key = bytes 0..31).</summary>
public class BucketTests
{
    private static readonly byte[] CountingKey = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    private static ulong LE64DoubleSha(params byte[][] parts)
    {
        var data = parts.SelectMany(p => p).ToArray();
        var hash = SHA256.HashData(SHA256.HashData(data));
        return BinaryPrimitives.ReadUInt64LittleEndian(hash);
    }

    private static byte[] Le8(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return bytes;
    }

    private static int ExpectedNewBucket(byte[] key, string group, string sourceGroup)
    {
        ulong h1 = LE64DoubleSha(key, Encoding.ASCII.GetBytes(group), Encoding.ASCII.GetBytes(sourceGroup)) % 64;
        return (int)(LE64DoubleSha(key, Encoding.ASCII.GetBytes(sourceGroup), Le8(h1)) % 1024);
    }

    private static int ExpectedTriedBucket(byte[] key, string addressKey, string group)
    {
        ulong h1 = LE64DoubleSha(key, Encoding.ASCII.GetBytes(addressKey)) % 8;
        return (int)(LE64DoubleSha(key, Encoding.ASCII.GetBytes(group), Le8(h1)) % 64);
    }

    [Theory]
    [InlineData("12.1.0.0", "173.144.0.0", 889)]
    [InlineData("2602:100::", "12.1.0.0", 584)]
    [InlineData("tor:2", "unroutable", 383)]
    [InlineData("173.194.0.0", "173.194.0.0", 90)]
    public void NewBucketOf_CountingKey_MatchesPinnedValues(string group, string sourceGroup, int expected)
    {
        Assert.Equal(expected, AddressBook.NewBucketOf(CountingKey, group, sourceGroup));
        Assert.Equal(expected, ExpectedNewBucket(CountingKey, group, sourceGroup));
    }

    [Theory]
    [InlineData("12.1.2.3:8333", "12.1.0.0", 10)]
    [InlineData("[2602:100::1]:8333", "2602:100::", 30)]
    [InlineData("173.194.115.66:8333", "173.194.0.0", 25)]
    public void TriedBucketOf_CountingKey_MatchesPinnedValues(string addressKey, string group, int expected)
    {
        Assert.Equal(expected, AddressBook.TriedBucketOf(CountingKey, addressKey, group));
        Assert.Equal(expected, ExpectedTriedBucket(CountingKey, addressKey, group));
    }

    [Fact]
    public void BucketOf_ZeroKey_MatchesPinnedValues()
    {
        var zero = new byte[32];
        Assert.Equal(596, AddressBook.NewBucketOf(zero, "12.1.0.0", "173.144.0.0"));
        Assert.Equal(56, AddressBook.TriedBucketOf(zero, "12.1.2.3:8333", "12.1.0.0"));
    }

    [Fact]
    public void AddAddress_PlacesEntryInFormulaBucket_ForManyAddressesAndSources()
    {
        var random = new Random(7);
        var key = new byte[32];
        random.NextBytes(key);
        var book = new AddressBook(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(
            DateTimeOffset.FromUnixTimeSeconds(1_700_000_000)), new Random(1), key);
        for (int i = 0; i < 200; i++)
        {
            var address = Addr.IP($"{20 + i % 50}.{i}.7.{i % 200 + 1}", 8333, ServiceFlags.Network, 1_699_999_000);
            var source = Addr.IP($"{90 + i % 7}.3.{i}.1");
            book.AddAddress(address, source, AddressOrigin.DnsSeed);
            var entry = book.Find(address)!;
            int expected = ExpectedNewBucket(key, NetworkGroups.GroupKey(address), NetworkGroups.GroupKey(source));
            Assert.Contains(entry, book.NewBucket(expected));
        }
    }

    [Fact]
    public void Good_PlacesEntryInFormulaTriedBucket()
    {
        var key = CountingKey;
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var book = new AddressBook(time, new Random(1), key);
        for (int i = 0; i < 100; i++)
        {
            var address = Addr.IP($"{30 + i % 60}.{i}.1.2", (ushort)(8000 + i), ServiceFlags.Network, 1_699_999_000);
            book.AddAddress(address, address, AddressOrigin.User);
            book.Good(address);
            var entry = book.Find(address)!;
            Assert.True(entry.IsTried);
            int expected = ExpectedTriedBucket(key, AddressKey.Format(address), NetworkGroups.GroupKey(address));
            Assert.Contains(entry, book.TriedBucket(expected));
        }
    }

    [Fact]
    public void NewBucket_OneAddressGroupFromOneSourceGroup_LandsInOneBucket()
    {
        var key = CountingKey;
        var buckets = new HashSet<int>();
        for (int i = 0; i < 256; i++)
            buckets.Add(AddressBook.NewBucketOf(key, NetworkGroups.GroupKey(Addr.IP($"66.77.{i}.1")),
                NetworkGroups.GroupKey(Addr.IP($"5.6.{i}.9"))));
        Assert.Single(buckets);
    }

    [Fact]
    public void NewBucket_OneSourceGroup_ReachesAtMost64Buckets()
    {
        var buckets = new HashSet<int>();
        for (int a = 1; a < 224; a++)
        for (int b = 0; b < 256; b += 16)
            buckets.Add(AddressBook.NewBucketOf(CountingKey, $"{a}.{b}.0.0", "5.6.0.0"));
        Assert.InRange(buckets.Count, 50, AddressBook.NewBucketsPerGroup);
    }

    [Fact]
    public void TriedBucket_OneGroup_ReachesAtMost8Buckets()
    {
        var buckets = new HashSet<int>();
        for (int i = 0; i < 2000; i++)
            buckets.Add(AddressBook.TriedBucketOf(CountingKey, $"66.77.{i % 256}.{i / 256 + 1}:8333", "66.77.0.0"));
        Assert.InRange(buckets.Count, 2, AddressBook.TriedBucketsPerGroup);
    }
}
