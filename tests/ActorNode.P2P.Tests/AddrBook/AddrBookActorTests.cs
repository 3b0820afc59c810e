using System.Net;
using ActorNode.AddrBook;
using ActorNode.AddrBook.Persistence;
using ActorNode.P2P.AddrBook;
using ActorNode.Wire;
using ActorNode.Wire.Primitives;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Akka.TestKit.Xunit2;

namespace ActorNode.P2P.Tests.AddrBook;

public sealed class AddrBookActorTests : TestKit
{
    private static readonly Config TestConfig = ConfigurationFactory.ParseString("""
        akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
        akka.loglevel = DEBUG
        """);

    private readonly string _dir = Directory.CreateTempSubdirectory("addrbook-actor-").FullName;

    public AddrBookActorTests() : base(TestConfig) { }

    private PeersFile Store => PeersFile.InDirectory(_dir);
    private string PeersPath => Path.Combine(_dir, "peers.json");

    private static NetAddressV2 Addr(string ip, ushort port = 8333) =>
        NetAddressV2.FromLegacy(new NetAddress(ServiceFlags.Network | ServiceFlags.Witness, IPAddress.Parse(ip), port,
            (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    private static readonly NetAddressV2 Source = Addr("198.51.1.1");

    private static IReadOnlyList<NetAddressV2> Addresses(int count, int firstOctet = 20) =>
        Enumerable.Range(0, count).Select(i => Addr($"{firstOctet + i / 250}.{i % 250 + 1}.7.9")).ToList();

    private IActorRef StartBook(AddrBookSettings? settings = null) =>
        Sys.ActorOf(AddrBookActor.Props(Store, settings ?? new AddrBookSettings { NewRandom = () => new Random(7) }));

    private AddrBookStats Stats(IActorRef book)
    {
        book.Tell(GetAddrBookStats.Instance);
        return ExpectMsg<AddrBookStats>();
    }

    [Fact]
    public void AddThenSaveNow_WritesPeersJsonThatLoadsBack()
    {
        var book = StartBook();
        book.Tell(new AddAddresses(Addresses(40), Source, AddressOrigin.DnsSeed));
        book.Tell(SaveNow.Instance);
        Assert.Equal(40, ExpectMsg<Saved>().Addresses);

        var loaded = Assert.IsType<PeersLoadResult.Loaded>(Store.Load());
        Assert.Equal(40, loaded.Snapshot.Addresses.Count);
    }

    [Fact]
    public void Start_WithAnExistingFile_LoadsIt()
    {
        var first = StartBook();
        first.Tell(new AddAddresses(Addresses(25), Source, AddressOrigin.DnsSeed));
        first.Tell(SaveAndStop.Instance);
        ExpectMsg<Saved>();
        Watch(first);
        ExpectTerminated(first);

        var second = StartBook();
        Assert.Equal(25, Stats(second).Total);
    }

    [Fact]
    public void Start_WithACorruptFile_MovesItAsideAndStartsEmpty()
    {
        File.WriteAllText(PeersPath, "{\"Version\": 2, \"Key\": [1,2");
        var book = EventFilter.Warning(contains: "moved aside").ExpectOne(() => StartBook());

        Assert.Equal(0, Stats(book).Total);
        var moved = Directory.GetFiles(_dir, "peers.json.corrupt-*");
        Assert.Single(moved);
        Assert.Equal("{\"Version\": 2, \"Key\": [1,2", File.ReadAllText(moved[0]));
        Assert.False(File.Exists(PeersPath));
    }

    [Fact]
    public void SaveInterval_SavesOnTheTimer()
    {
        var book = StartBook(new AddrBookSettings { SaveInterval = TimeSpan.FromMinutes(10), NewRandom = () => new Random(1) });
        book.Tell(new AddAddresses(Addresses(12), Source, AddressOrigin.DnsSeed));
        Assert.Equal(12, Stats(book).Total); // loaded and handled: the timer is running
        Assert.False(File.Exists(PeersPath));

        ((TestScheduler)Sys.Scheduler).Advance(TimeSpan.FromMinutes(10));
        AwaitAssert(() => Assert.True(File.Exists(PeersPath)), TimeSpan.FromSeconds(5));
        AwaitAssert(() => Assert.Equal(12, Assert.IsType<PeersLoadResult.Loaded>(Store.Load()).Snapshot.Addresses.Count),
            TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task CoordinatedShutdown_SavesTheBook()
    {
        var book = StartBook();
        book.Tell(new AddAddresses(Addresses(17), Source, AddressOrigin.DnsSeed));
        Assert.Equal(17, Stats(book).Total);
        Assert.False(File.Exists(PeersPath));

        await CoordinatedShutdown.Get(Sys).Run(CoordinatedShutdown.ClrExitReason.Instance);

        Assert.Equal(17, Assert.IsType<PeersLoadResult.Loaded>(Store.Load()).Snapshot.Addresses.Count);
    }

    [Fact]
    public void RestartAfterAFault_ReloadsFromDiskAndForgetsUnsavedState()
    {
        var book = StartBook();
        book.Tell(new AddAddresses(Addresses(10), Source, AddressOrigin.DnsSeed));
        book.Tell(SaveNow.Instance);
        ExpectMsg<Saved>();
        book.Tell(new AddAddresses(Addresses(5, firstOctet: 60), Source, AddressOrigin.DnsSeed));
        Assert.Equal(15, Stats(book).Total);

        // A null list makes the book throw: the default supervisor restarts the actor.
        EventFilter.Exception<ArgumentNullException>().ExpectOne(() =>
            book.Tell(new AddAddresses(null!, Source, AddressOrigin.DnsSeed)));

        Assert.Equal(10, Stats(book).Total);
    }

    [Fact]
    public void PickAddressToDial_ReturnsAnAddressOutsideOutboundGroupsAndMarksTheAttempt()
    {
        var book = StartBook();
        var addresses = Addresses(30);
        book.Tell(new AddAddresses(addresses, Source, AddressOrigin.DnsSeed));

        book.Tell(new PickAddressToDial(new HashSet<string>(), 8333));
        var picked = ExpectMsg<AddressToDial>();
        Assert.NotNull(picked.Address);
        Assert.Contains(picked.Address, addresses);

        // Every address is in group 20.x.0.0 or 21.x.0.0: with all those groups taken, nothing qualifies.
        var groups = addresses.Select(a => NetworkGroups.GroupKey(a)).ToHashSet();
        book.Tell(new PickAddressToDial(groups, 8333));
        Assert.Null(ExpectMsg<AddressToDial>().Address);
    }

    [Fact]
    public void GetAddresses_AndNeedMoreAddresses_AnswerFromTheBook()
    {
        var book = StartBook();
        book.Tell(NeedMoreAddresses.Instance);
        Assert.True(ExpectMsg<NeedMoreAddressesAnswer>().Needed);

        book.Tell(new AddAddresses(Addresses(100), Source, AddressOrigin.DnsSeed));
        book.Tell(GetAddresses.Instance);
        Assert.Equal(23, ExpectMsg<AddressesForPeer>().Addresses.Count);
    }

    [Fact]
    public void MarkGood_MovesTheAddressToTried()
    {
        var book = StartBook();
        var address = Addr("44.55.66.77");
        book.Tell(new AddAddresses([address], Source, AddressOrigin.DnsSeed));
        book.Tell(new Attempted(address));
        book.Tell(new ConnectedTo(address));
        book.Tell(new MarkGood(address));
        var stats = Stats(book);
        Assert.Equal(1, stats.Tried);
        Assert.Equal(0, stats.New);
    }

    [Fact]
    public void Settings_FromTheShippedHocon_AreBtcdsInterval()
    {
        var config = ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "hocon", "actornode.conf")));
        var settings = AddrBookSettings.FromConfig(config.GetConfig("actornode.addrbook"));
        Assert.Equal(TimeSpan.FromMinutes(10), settings.SaveInterval);
        Assert.NotNull(settings.Options.RateLimit);
        Assert.True(settings.Options.ProtectTriedFromGossip);

        var btcd = AddrBookSettings.FromConfig(ConfigurationFactory.ParseString("rate-limit = off\nsave-interval = 1m"));
        Assert.Null(btcd.Options.RateLimit);
        Assert.Throws<ConfigurationException>(() => AddrBookSettings.FromConfig(ConfigurationFactory.ParseString("save-interval = 0s")));
        Assert.Same(AddressScope.Internet, settings.Options.Scope);
        Assert.Same(AddressScope.Loopback, AddrBookSettings.FromConfig(ConfigurationFactory.ParseString("scope = loopback")).Options.Scope);
        Assert.Throws<ConfigurationException>(() => AddrBookSettings.FromConfig(ConfigurationFactory.ParseString("scope = lan")));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
