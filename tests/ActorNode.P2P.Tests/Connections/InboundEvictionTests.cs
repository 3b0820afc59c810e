using System.Net;
using System.Net.Sockets;
using ActorNode.AddrBook.Persistence;
using ActorNode.Chain;
using ActorNode.P2P.AddrBook;
using ActorNode.P2P.Connections;
using ActorNode.Wire;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using Akka.Actor;

namespace ActorNode.P2P.Tests.Connections;

/// <summary>Core's inbound eviction over real loopback sockets: with every inbound slot taken, a new peer evicts one
/// of the existing inbound peers instead of being refused.</summary>
public sealed class InboundEvictionTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private const int Slots = 24;
    private readonly string _dir = Directory.CreateTempSubdirectory("eviction-").FullName;

    public InboundEvictionTests() : base("akka.loglevel = WARNING") { }

    /// <summary>A raw client from its own loopback address that completes the handshake by hand.</summary>
    private static async Task<Socket> HandshakenClient(IPEndPoint node, int n)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Parse($"127.0.{n / 200}.{n % 200 + 2}"), 0));
        await socket.ConnectAsync(node);
        var encoder = new MessageEncoder(ChainParams.Regtest.Magic);
        var context = WireContext.Latest;
        var version = new VersionMessage(70016, ServiceFlags.Network | ServiceFlags.Witness, DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            new NetAddress(ServiceFlags.None, node.Address, (ushort)node.Port), new NetAddress(ServiceFlags.None, IPAddress.Any, 0),
            (ulong)Random.Shared.NextInt64(), "/raw:1.0/", 0);
        await socket.SendAsync(encoder.Encode(version, context));
        var decoder = new FrameDecoder(ChainParams.Regtest.Magic, context);
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(Patience);
        bool gotVerack = false;
        while (!gotVerack)
        {
            int read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (read == 0) throw new IOException("the node closed the connection during the handshake");
            var messages = new List<IWireMessage>();
            decoder.ReadAll(buffer.AsSpan(0, read), messages);
            gotVerack = messages.Any(m => m is VerAckMessage);
        }
        await socket.SendAsync(encoder.Encode(VerAckMessage.Instance, context));
        return socket;
    }

    private static async Task<bool> ClosedByNode(Socket socket)
    {
        var buffer = new byte[4096];
        socket.ReceiveTimeout = 1;
        try
        {
            while (socket.Available > 0) socket.Receive(buffer);
            socket.Blocking = false;
            int read = socket.Receive(buffer);
            return read == 0;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
        {
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
        finally
        {
            socket.Blocking = true;
            await Task.Yield();
        }
    }

    [Fact]
    public async Task FullInboundSlots_ANewPeerEvictsOneInsteadOfBeingRefused()
    {
        var book = Sys.ActorOf(AddrBookActor.Props(PeersFile.InDirectory(_dir)));
        var manager = Sys.ActorOf(ConnManagerActor.Props(new ConnManagerSettings
        {
            Chain = ChainParams.Regtest,
            DataDirectory = _dir,
            TargetOutbound = 0,
            MaxPeers = Slots,
            Listen = [new IPEndPoint(IPAddress.Loopback, 0)],
        }, book, ActorRefs.Nobody));
        IPEndPoint node = null!;
        await AwaitAssertAsync(async () =>
            node = Assert.Single((await manager.Ask<ListeningOn>(GetListenEndpoints.Instance, Patience)).Endpoints), Patience);

        var clients = new List<Socket>();
        for (int i = 0; i < Slots; i++) clients.Add(await HandshakenClient(node, i));
        await AwaitAssertAsync(async () =>
            Assert.Equal(Slots, (await manager.Ask<ConnectionCount>(GetConnectionCount.Instance, Patience)).Inbound), Patience);

        // One more: every slot is taken, so one existing inbound peer is evicted and the newcomer gets in.
        var newcomer = await HandshakenClient(node, Slots);
        await AwaitAssertAsync(async () =>
        {
            int closed = 0;
            foreach (var client in clients)
                if (await ClosedByNode(client)) closed++;
            Assert.Equal(1, closed);
        }, Patience, TimeSpan.FromMilliseconds(100));
        Assert.False(await ClosedByNode(newcomer));
        await AwaitAssertAsync(async () =>
            Assert.Equal(Slots, (await manager.Ask<ConnectionCount>(GetConnectionCount.Instance, Patience)).Inbound), Patience);

        foreach (var client in clients.Append(newcomer)) client.Dispose();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
