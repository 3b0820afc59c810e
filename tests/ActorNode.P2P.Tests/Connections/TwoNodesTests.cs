using System.Net;
using ActorNode.AddrBook;
using ActorNode.AddrBook.Persistence;
using ActorNode.Chain;
using ActorNode.P2P.AddrBook;
using ActorNode.P2P.Connections;
using ActorNode.Wire;
using ActorNode.Wire.Primitives;
using Akka.Actor;

namespace ActorNode.P2P.Tests.Connections;

/// <summary>Two nodes in one process over real loopback sockets (Akka.IO): they handshake, exchange addresses, and a
/// permanent peer that drops is redialled. Bounded in time; nothing leaves 127.0.0.1.</summary>
public sealed class TwoNodesTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly List<string> _dirs = [];

    public TwoNodesTests(Xunit.Abstractions.ITestOutputHelper output) : base("akka.loglevel = WARNING", output) { }

    private sealed record Node(IActorRef AddrBook, IActorRef Manager, string Dir);

    private Node StartNode(string name, Func<ConnManagerSettings, ConnManagerSettings> configure)
    {
        var dir = Directory.CreateTempSubdirectory($"node-{name}-").FullName;
        _dirs.Add(dir);
        var book = Sys.ActorOf(AddrBookActor.Props(PeersFile.InDirectory(dir)), $"{name}-addrbook");
        var settings = configure(new ConnManagerSettings
        {
            Chain = ChainParams.Regtest,
            DataDirectory = dir,
            TargetOutbound = 0,
            RetryDuration = TimeSpan.FromMilliseconds(300),
        });
        var manager = Sys.ActorOf(ConnManagerActor.Props(settings, book, ActorRefs.Nobody), $"{name}-connmanager");
        return new Node(book, manager, dir);
    }

    private async Task<IPEndPoint> ListenEndpoint(Node node)
    {
        IPEndPoint? endpoint = null;
        await AwaitAssertAsync(async () =>
        {
            var listening = await node.Manager.Ask<ListeningOn>(GetListenEndpoints.Instance, Patience);
            endpoint = Assert.Single(listening.Endpoints);
        }, Patience);
        return endpoint!;
    }

    private Task AwaitConnections(Node node, int inbound, int outbound) =>
        AwaitAssertAsync(async () =>
        {
            var count = await node.Manager.Ask<ConnectionCount>(GetConnectionCount.Instance, Patience);
            Assert.Equal((inbound, outbound), (count.Inbound, count.Outbound));
        }, Patience, TimeSpan.FromMilliseconds(50));

    private static IReadOnlyList<NetAddressV2> PublicAddresses(int count) =>
        Enumerable.Range(0, count).Select(i => NetAddressV2.FromLegacy(new NetAddress(ServiceFlags.Network | ServiceFlags.Witness,
            IPAddress.Parse($"{30 + i / 200}.{i % 200 + 1}.4.4"), 8333, (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds()))).ToList();

    [Fact]
    public async Task TwoNodes_Handshake_AndTheOutboundSideLearnsAddressesThroughGetAddr()
    {
        var a = StartNode("a", s => s with { Listen = [new IPEndPoint(IPAddress.Loopback, 0)] });
        a.AddrBook.Tell(new AddAddresses(PublicAddresses(200), PublicAddresses(1)[0], AddressOrigin.DnsSeed));
        var listen = await ListenEndpoint(a);
        var b = StartNode("b", s => s with { Connect = [listen] });

        await AwaitConnections(a, inbound: 1, outbound: 0);
        await AwaitConnections(b, inbound: 0, outbound: 1);

        // b's book was empty, so b asked a for addresses and a answered with 23 % of its 200.
        await AwaitAssertAsync(async () =>
        {
            var stats = await b.AddrBook.Ask<AddrBookStats>(GetAddrBookStats.Instance, Patience);
            Assert.Equal(46, stats.Total);
        }, Patience, TimeSpan.FromMilliseconds(50));

        var info = await b.Manager.Ask<PeerInfoList>(GetPeerInfo.Instance, Patience);
        var peer = Assert.Single(info.Peers);
        Assert.False(peer.Inbound);
        Assert.StartsWith("/ActorNode:", peer.UserAgent);
        Assert.Equal(70016, peer.ProtocolVersion);
        Assert.True(peer.WantsAddrV2);
        Assert.Equal(0u, peer.BanScore);
    }

    [Fact]
    public async Task PermanentPeer_ThatDrops_IsRedialled()
    {
        var a = StartNode("a", s => s with { Listen = [new IPEndPoint(IPAddress.Loopback, 0)] });
        var listen = await ListenEndpoint(a);
        var b = StartNode("b", s => s with { Connect = [listen] });
        await AwaitConnections(a, inbound: 1, outbound: 0);

        var inboundPeer = Assert.Single((await a.Manager.Ask<PeerInfoList>(GetPeerInfo.Instance, Patience)).Peers);
        a.Manager.Tell(new DisconnectNode(inboundPeer.Remote));

        // b sees the drop and redials after its backoff; a accepts a new inbound peer with a new id.
        await AwaitAssertAsync(async () =>
        {
            var peers = (await a.Manager.Ask<PeerInfoList>(GetPeerInfo.Instance, Patience)).Peers;
            var again = Assert.Single(peers);
            Assert.NotEqual(inboundPeer.Id, again.Id);
            Assert.True(again.Ready);
        }, Patience, TimeSpan.FromMilliseconds(100));
        await AwaitConnections(b, inbound: 0, outbound: 1);

        var added = Assert.Single((await b.Manager.Ask<AddedNodeInfo>(GetAddedNodeInfo.Instance, Patience)).Nodes);
        Assert.Equal(listen, added.Address);
        Assert.True(added.Connected);
    }

    [Fact]
    public async Task BannedAddress_IsRefusedAtAccept()
    {
        var a = StartNode("a", s => s with { Listen = [new IPEndPoint(IPAddress.Loopback, 0)] });
        var endpoint = await ListenEndpoint(a);
        a.Manager.Tell(new BanAddress(IPAddress.Loopback, TimeSpan.FromHours(1), "test"));
        Assert.Single((await a.Manager.Ask<BanListAnswer>(GetBanList.Instance, Patience)).Bans);
        AwaitCondition(() => File.Exists(Path.Combine(a.Dir, "banlist.json")), Patience);

        // A raw client from the banned address: the node closes the socket before sending anything.
        using var client = new System.Net.Sockets.TcpClient();
        var buffer = new byte[24];
        using var timeout = new CancellationTokenSource(Patience);
        int read;
        try
        {
            await client.ConnectAsync(endpoint.Address, endpoint.Port);
            read = await client.GetStream().ReadAsync(buffer, timeout.Token);
        }
        catch (Exception e) when (e is IOException
            || e is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionReset })
        {
            read = 0; // reset by the node, possibly before the connect completed on our side
        }
        Assert.Equal(0, read);
        await AwaitConnections(a, inbound: 0, outbound: 0);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        foreach (var dir in _dirs)
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }
}
