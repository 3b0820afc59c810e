using System.Net;
using ActorNode.AddrBook;
using ActorNode.AddrBook.Persistence;
using ActorNode.Chain;
using ActorNode.P2P.AddrBook;
using ActorNode.P2P.Connections;
using ActorNode.Wire;
using ActorNode.Wire.Primitives;
using Akka.Actor;
using Akka.TestKit;

namespace ActorNode.P2P.Tests.Connections;

/// <summary>Automatic outbound: the connection manager asks the address book for addresses until it holds its target
/// of outbound peers, and replaces one that drops. A probe plays the address book (loopback addresses are not
/// routable, so the real book would refuse them); the peers are real nodes on 127.0.0.1.</summary>
public sealed class OutboundTargetTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly List<string> _dirs = [];

    public OutboundTargetTests() : base("akka.loglevel = WARNING") { }

    private string NewDir()
    {
        var dir = Directory.CreateTempSubdirectory("outbound-").FullName;
        _dirs.Add(dir);
        return dir;
    }

    private async Task<(IActorRef Manager, IPEndPoint Endpoint)> Listener(string name)
    {
        var dir = NewDir();
        var book = Sys.ActorOf(AddrBookActor.Props(PeersFile.InDirectory(dir)), $"{name}-book");
        var manager = Sys.ActorOf(ConnManagerActor.Props(new ConnManagerSettings
        {
            Chain = ChainParams.Regtest, DataDirectory = dir, TargetOutbound = 0,
            Listen = [new IPEndPoint(IPAddress.Loopback, 0)],
        }, book, ActorRefs.Nobody), $"{name}-manager");
        IPEndPoint endpoint = null!;
        await AwaitAssertAsync(async () =>
            endpoint = Assert.Single((await manager.Ask<ListeningOn>(GetListenEndpoints.Instance, Patience)).Endpoints), Patience);
        return (manager, endpoint);
    }

    private static NetAddressV2 Address(IPEndPoint endpoint) => NetAddressV2.FromLegacy(
        new NetAddress(ServiceFlags.Network | ServiceFlags.Witness, endpoint.Address, (ushort)endpoint.Port));

    /// <summary>Answers the next PickAddressToDial with <paramref name="address"/>, skipping the book's other traffic.</summary>
    private static void AnswerPick(TestProbe book, NetAddressV2? address)
    {
        book.FishForMessage(m => m is PickAddressToDial, Patience);
        book.Reply(new AddressToDial(address, address is null ? null : "test"));
    }

    [Fact]
    public async Task AutomaticOutbound_ReachesItsTargetFromTheAddressBook_AndReplacesAPeerThatDrops()
    {
        var (a1, e1) = await Listener("a1");
        var (_, e2) = await Listener("a2");
        var (_, e3) = await Listener("a3");
        var book = CreateTestProbe("book");
        var manager = Sys.ActorOf(ConnManagerActor.Props(new ConnManagerSettings
        {
            Chain = ChainParams.Regtest, DataDirectory = NewDir(), TargetOutbound = 2,
        }, book.Ref, ActorRefs.Nobody), "c-manager");

        AnswerPick(book, Address(e1));
        AnswerPick(book, Address(e2));
        await AwaitAssertAsync(async () =>
            Assert.Equal(2, (await manager.Ask<ConnectionCount>(GetConnectionCount.Instance, Patience)).Outbound), Patience);

        // The target is met: no more requests for addresses.
        book.FishForMessage(m => m is MarkGood, Patience);
        book.FishForMessage(m => m is MarkGood, Patience);
        Assert.Throws<Xunit.Sdk.TrueException>(() => book.FishForMessage(m => m is PickAddressToDial, TimeSpan.FromMilliseconds(500)));

        // a1 drops its inbound peer: the manager asks for a new address and reaches the target again.
        var dropped = Assert.Single((await a1.Ask<PeerInfoList>(GetPeerInfo.Instance, Patience)).Peers);
        a1.Tell(new DisconnectNode(dropped.Remote));
        AnswerPick(book, Address(e3));
        await AwaitAssertAsync(async () =>
        {
            var peers = (await manager.Ask<PeerInfoList>(GetPeerInfo.Instance, Patience)).Peers;
            Assert.Equal([e2, e3], peers.Where(p => p.Ready).Select(p => p.Remote).OrderBy(e => e.Port == e2.Port ? 0 : 1));
        }, Patience, TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task AutomaticOutbound_FromTheRealAddressBook_ReachesItsTarget_OnePeerPerGroup_AndFailsOver()
    {
        var listeners = new Dictionary<IPEndPoint, IActorRef>();
        foreach (var name in new[] { "b1", "b2", "b3" })
        {
            var (node, endpoint) = await Listener(name);
            listeners[endpoint] = node;
        }
        // The nodes share 127.0.0.1, so the book runs in the loopback scope: each host:port is its own group.
        var book = Sys.ActorOf(AddrBookActor.Props(PeersFile.InDirectory(NewDir()), AddrBookSettings.Default with
        {
            Options = AddressBookOptions.Default with { Scope = AddressScope.Loopback },
        }), "d-book");
        var user = Address(new IPEndPoint(IPAddress.Loopback, 1));
        book.Tell(new AddAddresses(listeners.Keys.Select(Address).ToList(), user, AddressOrigin.User));
        var manager = Sys.ActorOf(ConnManagerActor.Props(new ConnManagerSettings
        {
            Chain = ChainParams.Regtest, DataDirectory = NewDir(), TargetOutbound = 2, AddressScope = AddressScope.Loopback,
        }, book, ActorRefs.Nobody), "d-manager");

        List<IPEndPoint> first = [];
        await AwaitAssertAsync(async () =>
        {
            first = (await manager.Ask<PeerInfoList>(GetPeerInfo.Instance, Patience)).Peers
                .Where(p => p.Ready && !p.Inbound).Select(p => p.Remote).ToList();
            Assert.Equal(2, first.Count);
        }, Patience, TimeSpan.FromMilliseconds(100));
        Assert.Equal(2, first.Distinct().Count());
        Assert.All(first, e => Assert.Contains(e, listeners.Keys));
        // Both handshakes were reported to the book: the two addresses moved to its tried table.
        await AwaitAssertAsync(async () =>
            Assert.Equal(2, (await book.Ask<AddrBookStats>(GetAddrBookStats.Instance, Patience)).Tried), Patience);

        // One of the two goes away for good; the manager dials from the book until it has two peers again, which
        // can only be with the third listener now.
        var goneEndpoint = first[0];
        var gone = listeners[goneEndpoint];
        await gone.GracefulStop(Patience);
        var expected = listeners.Keys.Where(e => !e.Equals(goneEndpoint)).OrderBy(e => e.Port).ToList();
        await AwaitAssertAsync(async () =>
        {
            var peers = (await manager.Ask<PeerInfoList>(GetPeerInfo.Instance, Patience)).Peers;
            Assert.Equal(expected, peers.Where(p => p.Ready && !p.Inbound).Select(p => p.Remote).OrderBy(e => e.Port));
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        foreach (var dir in _dirs)
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }
}
