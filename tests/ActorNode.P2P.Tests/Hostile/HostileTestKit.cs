using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ActorNode.AddrBook.Persistence;
using ActorNode.Chain;
using ActorNode.Connections.Bans;
using ActorNode.P2P.AddrBook;
using ActorNode.P2P.Connections;
using Akka.Actor;

namespace ActorNode.P2P.Tests.Hostile;

/// <summary>The hostile tests run alone (not beside other test classes): some of them time the node's deadlines,
/// and one counts the bytes the whole process allocates while a client stalls.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostileCollection
{
    public const string Name = "Hostile raw TCP clients";
}

/// <summary>A node under attack: an AddrBookActor and a ConnManagerActor on regtest, listening on 127.0.0.1:0, with
/// banlist.json in a temp folder, plus the helpers every hostile test needs: an honest peer (127.0.0.1) that must
/// stay connected throughout, hostile clients from other loopback addresses, and checks of the node's bans.</summary>
public abstract class HostileTestKit(Xunit.Abstractions.ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit("akka.loglevel = WARNING", output)
{
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>The honest peer's address.</summary>
    protected static readonly IPAddress Honest = IPAddress.Loopback;

    /// <summary>The hostile client's address: in the same /24 as the honest peer, so a ban that hit more than the
    /// one IP would show.</summary>
    protected static readonly IPAddress Hostile = IPAddress.Parse("127.0.0.2");

    /// <summary>A third address of the same /24, never hostile.</summary>
    protected static readonly IPAddress Neighbour = IPAddress.Parse("127.0.0.3");

    private readonly List<string> _dirs = [];
    private readonly List<RawPeer> _clients = [];

    protected sealed record Node(IActorRef AddrBook, IActorRef Manager, string Dir, IPEndPoint Endpoint,
        ConnManagerSettings Settings);

    /// <summary>Starts a node; <paramref name="handshakeTimeout"/> is the deadline of a whole handshake (btcd's
    /// 30 s negotiateTimeout, shortened for tests that wait for it).</summary>
    protected async Task<Node> StartNodeAsync(TimeSpan? handshakeTimeout = null,
        Func<ConnManagerSettings, ConnManagerSettings>? configure = null)
    {
        var dir = Directory.CreateTempSubdirectory("hostile-node-").FullName;
        _dirs.Add(dir);
        var book = Sys.ActorOf(AddrBookActor.Props(PeersFile.InDirectory(dir)), "addrbook");
        var settings = new ConnManagerSettings
        {
            Chain = ChainParams.Regtest,
            DataDirectory = dir,
            TargetOutbound = 0,
            Listen = [new IPEndPoint(IPAddress.Loopback, 0)],
            HandshakeTimeout = handshakeTimeout ?? TimeSpan.FromSeconds(30),
        };
        if (configure is not null) settings = configure(settings);
        var manager = Sys.ActorOf(ConnManagerActor.Props(settings, book, ActorRefs.Nobody), "connmanager");
        IPEndPoint? endpoint = null;
        await AwaitAssertAsync(async () =>
        {
            var listening = await manager.Ask<ListeningOn>(GetListenEndpoints.Instance, Patience);
            endpoint = Assert.Single(listening.Endpoints);
        }, Patience, TimeSpan.FromMilliseconds(20));
        return new Node(book, manager, dir, endpoint!, settings);
    }

    /// <summary>A raw client from <paramref name="from"/>, closed when the test ends.</summary>
    protected async Task<RawPeer> ConnectAsync(Node node, IPAddress from, uint? magic = null)
    {
        var client = await RawPeer.ConnectAsync(node.Endpoint, from, magic);
        _clients.Add(client);
        return client;
    }

    /// <summary>A raw client from <paramref name="from"/> that has completed the handshake.</summary>
    protected async Task<RawPeer> ConnectAndHandshakeAsync(Node node, IPAddress from)
    {
        var client = await ConnectAsync(node, from);
        await client.HandshakeAsync();
        return client;
    }

    /// <summary>The honest peer: handshaken from 127.0.0.1, and counted by the node.</summary>
    protected async Task<RawPeer> HonestPeerAsync(Node node)
    {
        var honest = await ConnectAndHandshakeAsync(node, Honest);
        await AwaitConnectionsAsync(node, inbound: 1);
        return honest;
    }

    protected Task AwaitConnectionsAsync(Node node, int inbound) =>
        AwaitAssertAsync(async () =>
        {
            var count = await node.Manager.Ask<ConnectionCount>(GetConnectionCount.Instance, Patience);
            Assert.Equal((inbound, 0), (count.Inbound, count.Outbound));
        }, Patience, TimeSpan.FromMilliseconds(20));

    /// <summary>The honest peer is still there: the node counts it and answers its ping.</summary>
    protected async Task AssertUndisturbedAsync(Node node, RawPeer honest, int inbound = 1)
    {
        await honest.PingAsync();
        await AwaitConnectionsAsync(node, inbound);
        var peers = (await node.Manager.Ask<PeerInfoList>(GetPeerInfo.Instance, Patience)).Peers;
        Assert.Contains(peers, p => p.Remote.Equals(honest.Local) && p.Ready);
    }

    protected async Task<IReadOnlyList<BanEntry>> BansAsync(Node node) =>
        (await node.Manager.Ask<BanListAnswer>(GetBanList.Instance, Patience)).Bans;

    /// <summary>No ban at all. Valid right after a client saw its connection end: the peer reports its fault to the
    /// manager before it closes the socket, so a later question to the manager is answered after the score.</summary>
    protected async Task AssertNoBansAsync(Node node) => Assert.Empty(await BansAsync(node));

    /// <summary>The hostile address is banned, alone (a per-IP ban: not its /24), in memory and in banlist.json,
    /// and a new connection from it is closed before the node sends a single byte.</summary>
    protected async Task AssertBannedAsync(Node node, IPAddress address, string reasonPart)
    {
        var ban = Assert.Single(await BansAsync(node));
        Assert.Equal(address, ban.Address);
        Assert.Contains(reasonPart, ban.Reason);
        Assert.True(ban.Until - ban.Created >= TimeSpan.FromHours(23.9), $"a 24 h ban, was {ban.Until - ban.Created}");

        var file = Path.Combine(node.Dir, "banlist.json");
        await AwaitAssertAsync(async () =>
        {
            // Read as Core would (not with BanListFile, whose loader tidies the folder while the node may be saving).
            Assert.True(File.Exists(file), "banlist.json was not written");
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(file));
            var entry = Assert.Single(json.RootElement.GetProperty("banned_nets").EnumerateArray());
            Assert.Equal($"{address}/32", entry.GetProperty("address").GetString());
        }, Patience, TimeSpan.FromMilliseconds(50));

        await AssertRefusedAsync(node, address);
    }

    /// <summary>A connection from <paramref name="address"/> is accepted by the kernel and then closed by the node
    /// before any byte: the node would otherwise wait for our version (much longer than we wait here).</summary>
    protected async Task AssertRefusedAsync(Node node, IPAddress address)
    {
        Assert.True(node.Settings.HandshakeTimeout > TimeSpan.FromSeconds(5), "use a long handshake timeout to tell a refusal from a timeout");
        var started = DateTime.UtcNow;
        RawPeer client;
        try
        {
            client = await RawPeer.ConnectAsync(node.Endpoint, address);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return; // the node reset it so fast that the reset beat our connect's completion
        }
        await using (client)
        {
            var before = await client.ReadUntilClosedAsync(TimeSpan.FromSeconds(5));
            Assert.Empty(before);
            Assert.Equal(0, client.BytesReceived);
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
        }
    }

    protected override void Dispose(bool disposing)
    {
        foreach (var client in _clients)
            _ = client.DisposeAsync();
        base.Dispose(disposing);
        foreach (var dir in _dirs)
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }
}
