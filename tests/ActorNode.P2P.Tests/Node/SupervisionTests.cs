using System.Net;
using ActorNode.AddrBook;
using ActorNode.P2P.AddrBook;
using ActorNode.P2P.Connections;
using ActorNode.P2P.Node;
using ActorNode.P2P.Peers;
using ActorNode.P2P.Sync;
using ActorNode.P2P.Tests.Sync;
using ActorNode.Wire;
using ActorNode.Wire.Primitives;
using Akka.Actor;

namespace ActorNode.P2P.Tests.Node;

/// <summary>What an unexpected exception in each of a node's actors does (docs/architecture.md, "Supervision"): whole
/// nodes on loopback, their actors top-level under a user guardian that supervises as the console node's does
/// (<see cref="NodeGuardianStrategy"/>), and a throw injected with the test-only <see cref="InjectFault"/>.</summary>
public sealed class SupervisionTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly List<string> _dirs = [];
    private readonly Dictionary<TestNode, string> _dirOf = [];

    public SupervisionTests(Xunit.Abstractions.ITestOutputHelper output)
        : base("akka.loglevel = WARNING\n" + NodeGuardianStrategy.Hocon, output) { }

    private TestNode StartNode(string name, IReadOnlyList<IPEndPoint>? connect = null)
    {
        var dir = Directory.CreateTempSubdirectory($"supervision-{name}-").FullName;
        _dirs.Add(dir);
        var node = TestNode.Start(Sys, name, dir, s => s with { Connect = connect ?? [] });
        _dirOf[node] = dir;
        return node;
    }

    private static async Task<IReadOnlyList<long>> KnownPeers(TestNode node) =>
        (await node.Sync.Ask<KnownPeers>(GetKnownPeers.Instance, Patience)).PeerIds;

    /// <summary>Waits until the sync actor knows exactly one peer, other than <paramref name="not"/>; its id.</summary>
    private async Task<long> AwaitOnePeer(TestNode node, long? not = null)
    {
        long id = 0;
        await AwaitAssertAsync(async () =>
        {
            id = Assert.Single(await KnownPeers(node));
            Assert.NotEqual(not, id);
        }, Patience, TimeSpan.FromMilliseconds(100));
        return id;
    }

    /// <summary>a listens, b dials it (permanent): one peer each.</summary>
    private async Task<(TestNode A, TestNode B, IPEndPoint ListenA, long PeerAtA)> TwoNodes(string name)
    {
        var a = StartNode(name + "a");
        var listenA = await a.ListenEndpointAsync(Patience);
        var b = StartNode(name + "b", connect: [listenA]);
        long peerAtA = await AwaitOnePeer(a);
        await AwaitOnePeer(b);
        return (a, b, listenA, peerAtA);
    }

    [Fact]
    public void TheStrategy_StopsTheSyncActor_RestartsTheManagerAndTheBook_AndLeavesOthersToTheParent()
    {
        var strategy = new NodeSupervisorStrategy(_ => Directive.Escalate);
        var bug = new InvalidOperationException("a bug");
        Assert.Equal(Directive.Stop, strategy.DirectiveFor(typeof(SyncActor), bug));
        Assert.Equal(Directive.Restart, strategy.DirectiveFor(typeof(ConnManagerActor), bug));
        Assert.Equal(Directive.Restart, strategy.DirectiveFor(typeof(AddrBookActor), bug));
        // A constructor that throws would throw again: stopped.
        Assert.Equal(Directive.Stop, strategy.DirectiveFor(typeof(AddrBookActor), new ActorInitializationException("ctor")));
        Assert.Equal(Directive.Escalate, strategy.DirectiveFor(typeof(PeerActor), bug));
        Assert.Equal(Directive.Restart, new NodeSupervisorStrategy().DirectiveFor(null, bug)); // Akka's default
        Assert.Equal(NodeSupervisorStrategy.MaxRestarts, strategy.MaxNumberOfRetries);
    }

    [Fact]
    public async Task APeerActorThatThrows_StopsAlone_TheSyncActorForgetsIt_AndThePermanentPeerComesBack()
    {
        var (a, b, _, peerAtA) = await TwoNodes("p");
        Sys.ActorSelection(a.Manager.Path / $"peer-{peerAtA}").Tell(new InjectFault("peer bug"));

        long again = await AwaitOnePeer(a, not: peerAtA); // b redialled a
        Assert.True(again > peerAtA);
        Assert.Single(await KnownPeers(b));
        // The node goes on: a block mined on a reaches b.
        var mined = await a.Sync.Ask<BlocksMined>(new MineBlocks(1), Patience);
        await AwaitAssertAsync(async () =>
            Assert.Equal(mined.Hashes[0], (await b.TipsAsync(Patience)).BestBlock.Hash), Patience, TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task TheSyncActorThatThrows_IsStopped_AndTheManagerStopsWithIt_LoggingWhy()
    {
        var (a, b, _, _) = await TwoNodes("s");
        Watch(a.Sync);
        Watch(a.Manager);
        await EventFilter.Error(contains: "The sync actor stopped").ExpectOneAsync(Patience, () =>
        {
            a.Sync.Tell(new InjectFault("chain bug"));
            return Task.CompletedTask;
        });
        var gone = new HashSet<IActorRef>
        {
            ExpectMsg<Terminated>(Patience).ActorRef,
            ExpectMsg<Terminated>(Patience).ActorRef,
        };
        Assert.Equal(new HashSet<IActorRef> { a.Sync, a.Manager }, gone);
        // Not restarted: the name stays free of a new sync actor; b lost its peer.
        Assert.Null(await Sys.ActorSelection(a.Sync.Path).ResolveOne(Patience).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null));
        await AwaitAssertAsync(async () => Assert.Empty(await KnownPeers(b)), Patience, TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task TheManagerThatThrows_Restarts_ClosingEveryPeerWithoutGhosts_KeepingItsPortAndBans()
    {
        var (a, b, listenA, peerAtA) = await TwoNodes("m");
        var banned = IPAddress.Parse("203.0.113.9");
        a.Manager.Tell(new BanAddress(banned, TimeSpan.FromHours(1), "test"));
        // Written to banlist.json (a ban whose write has not finished when the manager fails is lost, as in a crash).
        var banFile = Path.Combine(_dirOf[a], "banlist.json");
        await AwaitAssertAsync(() => Assert.Contains(banned.ToString(), File.Exists(banFile) ? File.ReadAllText(banFile) : ""),
            Patience, TimeSpan.FromMilliseconds(50));
        Watch(a.Manager);

        a.Manager.Tell(new InjectFault("manager bug"));

        // Every peer was closed with the old instance: the sync actor forgot it (DeathWatch, no PeerGone came), and b,
        // whose peer a is, redials the same port, where a listens again.
        long again = await AwaitOnePeer(a, not: peerAtA);
        Assert.True(again > 0);
        var listening = await a.Manager.Ask<ListeningOn>(GetListenEndpoints.Instance, Patience);
        Assert.Equal(listenA, Assert.Single(listening.Endpoints));
        var count = await a.Manager.Ask<ConnectionCount>(GetConnectionCount.Instance, Patience);
        Assert.Equal((1, 0), (count.Inbound, count.Outbound));
        // The bans were read back from banlist.json.
        Assert.Contains((await a.Manager.Ask<BanListAnswer>(GetBanList.Instance, Patience)).Bans, e => e.Address.Equals(banned));
        ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // restarted, not terminated
    }

    [Fact]
    public async Task TheAddressBookThatThrows_Restarts_FromWhatPeersJsonHolds()
    {
        var a = StartNode("book");
        static NetAddressV2 Addr(int i) => NetAddressV2.FromLegacy(new NetAddress(ServiceFlags.Network | ServiceFlags.Witness,
            IPAddress.Parse($"{20 + i / 250}.{i % 250 + 1}.7.9"), 8333, (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        var source = Addr(999);
        a.AddrBook.Tell(new AddAddresses([.. Enumerable.Range(0, 30).Select(Addr)], source, AddressOrigin.DnsSeed));
        int saved = (await a.AddrBook.Ask<Saved>(SaveNow.Instance, Patience)).Addresses;
        Assert.True(saved > 0);
        a.AddrBook.Tell(new AddAddresses([.. Enumerable.Range(300, 30).Select(Addr)], source, AddressOrigin.DnsSeed));
        Assert.True((await a.AddrBook.Ask<AddrBookStats>(GetAddrBookStats.Instance, Patience)).Total > saved);
        Watch(a.AddrBook);

        a.AddrBook.Tell(new InjectFault("book bug"));

        // Nothing in memory is trusted: the book is what the file held, and it still answers.
        Assert.Equal(saved, (await a.AddrBook.Ask<AddrBookStats>(GetAddrBookStats.Instance, Patience)).Total);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        foreach (var dir in _dirs)
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }
}
