using Microsoft.Extensions.Time.Testing;

namespace ActorNode.AddrBook.Tests;

/// <summary>A deterministic book: fake clock at a whole second, seeded random, key = bytes 0..31.</summary>
internal sealed class Fixture
{
    public static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    public static readonly byte[] CountingKey = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    public Fixture(AddressBookOptions? options = null, int seed = 1)
    {
        Time = new FakeTimeProvider(Start);
        Book = new AddressBook(Time, new Random(seed), CountingKey, options);
    }

    public FakeTimeProvider Time { get; }
    public AddressBook Book { get; }
    public DateTimeOffset Now => Time.GetUtcNow();
    public uint NowUnix => Addr.Unix(Now);
}
