using System.Net;
using ActorNode.AddrBook.Persistence;
using ActorNode.Chain;
using ActorNode.Interop.Tests.Bcoin;
using ActorNode.P2P.AddrBook;
using ActorNode.P2P.Connections;
using ActorNode.P2P.Peers;
using ActorNode.Wire;
using ActorNode.Wire.Messages;
using Akka.Actor;
using Xunit.Abstractions;

namespace ActorNode.Interop.Tests;

/// <summary>Our peer layer (AddrBookActor, ConnManagerActor, PeerActor over Akka.IO, wired as in
/// P2P.Tests' TwoNodesTests) against a real bcoin 1.0.2 on regtest: the handshake in both directions, what each side
/// reports of the other, and that bcoin never scores us. One bcoin serves the tests of this class.</summary>
public sealed class PeerLayerTests : Akka.TestKit.Xunit2.TestKit, IClassFixture<BcoinNode>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly BcoinNode _bcoin;
    private readonly IDisposable _bcoinLog;
    private readonly List<string> _dirs = [];

    public PeerLayerTests(BcoinNode bcoin, ITestOutputHelper output) : base("akka.loglevel = WARNING", output)
    {
        _bcoin = bcoin;
        _bcoinLog = bcoin.AttachOutput(output);
    }

    private sealed record Node(IActorRef AddrBook, IActorRef Manager);

    private Node StartNode(string name, IActorRef sync, Func<ConnManagerSettings, ConnManagerSettings> configure)
    {
        var dir = Directory.CreateTempSubdirectory($"interop-{name}-").FullName;
        _dirs.Add(dir);
        var book = Sys.ActorOf(AddrBookActor.Props(PeersFile.InDirectory(dir)), $"{name}-addrbook");
        var settings = configure(new ConnManagerSettings
        {
            Chain = ChainParams.Regtest,
            DataDirectory = dir,
            TargetOutbound = 0,
            RetryDuration = TimeSpan.FromMilliseconds(300),
        });
        var manager = Sys.ActorOf(ConnManagerActor.Props(settings, book, sync), $"{name}-connmanager");
        return new Node(book, manager);
    }

    private async Task<PeerStats> AwaitSingleReadyPeer(Node node)
    {
        PeerStats? found = null;
        await AwaitAssertAsync(async () =>
        {
            var peers = (await node.Manager.Ask<PeerInfoList>(GetPeerInfo.Instance, Patience)).Peers;
            found = Assert.Single(peers);
            Assert.True(found.Ready);
        }, Patience, TimeSpan.FromMilliseconds(50));
        return found!;
    }

    private async Task<BcoinPeerInfo> AwaitBcoinPeer(Func<BcoinPeerInfo, bool> which, string what)
    {
        BcoinPeerInfo? found = null;
        await _bcoin.WaitUntilAsync(async () =>
        {
            found = (await _bcoin.GetPeerInfoAsync()).FirstOrDefault(p => which(p) && p.Version != 0);
            return found is not null;
        }, Patience, what);
        return found!;
    }

    /// <summary>bcoin 1.0.2's version message as the README of shared/realpeer records it from the wire.</summary>
    private static void AssertIsBcoin(PeerStats peer)
    {
        Assert.Equal(BcoinNode.UserAgent, peer.UserAgent);
        Assert.Equal(BcoinNode.ProtocolVersion, peer.ProtocolVersion); // min(70016, 70015)
        Assert.Equal(ServiceFlags.Network | ServiceFlags.Witness, peer.Services);
        Assert.Equal(0u, peer.BanScore);
    }

    private void AssertBcoinSawNoMisbehaviour() =>
        Assert.True(_bcoin.MisbehaviourLines.Count == 0,
            "bcoin scored or banned a peer: " + string.Join(" | ", _bcoin.MisbehaviourLines));

    [Fact]
    public async Task WeDialBcoin_HandshakeCompletes_AndEachSideReportsTheOther()
    {
        int height = await _bcoin.GetBlockCountAsync();
        var node = StartNode("dialer", ActorRefs.Nobody, s => s with { Connect = [_bcoin.P2PEndpoint] });

        var peer = await AwaitSingleReadyPeer(node);
        Assert.False(peer.Inbound);
        Assert.Equal(_bcoin.P2PEndpoint, peer.Remote);
        Assert.Equal(height, peer.StartingHeight);
        AssertIsBcoin(peer);

        // bcoin's side: an inbound peer from our socket's address, with our version message.
        var local = Assert.IsType<IPEndPoint>(peer.Local);
        var seen = await AwaitBcoinPeer(p => p.Address == $"127.0.0.1:{local.Port}", $"our peer 127.0.0.1:{local.Port} in getpeerinfo");
        Assert.True(seen.Inbound);
        Assert.StartsWith("/ActorNode:", seen.SubVersion);
        Assert.Equal(PeerSettings.DefaultUserAgent, seen.SubVersion);
        Assert.Equal((int)ProtocolVersion.Current, seen.Version);
        Assert.Equal((ulong)(ServiceFlags.Network | ServiceFlags.Witness | ServiceFlags.NetworkLimited), seen.Services);
        Assert.Equal(0, seen.BanScore);

        // Both ends keep the connection: a ping round trip from bcoin's side goes through.
        await _bcoin.RpcAsync("ping");
        await _bcoin.WaitUntilAsync(async () =>
        {
            var again = (await _bcoin.GetPeerInfoAsync()).FirstOrDefault(p => p.Id == seen.Id);
            return again is not null && again.Raw.GetProperty("pingtime").GetDouble() >= 0;
        }, Patience, "bcoin's ping answered by our node");
        var count = await node.Manager.Ask<ConnectionCount>(GetConnectionCount.Instance, Patience);
        Assert.Equal((0, 1), (count.Inbound, count.Outbound));
        AssertBcoinSawNoMisbehaviour();
    }

    [Fact]
    public async Task BcoinDialsUs_HandshakeCompletes_AndBcoinAsksUsForBlocks()
    {
        var sync = CreateTestProbe("sync");
        var recorder = Sys.ActorOf(Props.Create(() => new RecordingSync(sync.Ref)), "sync-recorder");
        var node = StartNode("listener", recorder, s => s with { Listen = [new IPEndPoint(IPAddress.Loopback, 0)] });
        IPEndPoint? listen = null;
        await AwaitAssertAsync(async () =>
        {
            var listening = await node.Manager.Ask<ListeningOn>(GetListenEndpoints.Instance, Patience);
            listen = Assert.Single(listening.Endpoints);
        }, Patience);

        var tip = await _bcoin.GetBestBlockHashAsync();
        await _bcoin.AddNodeAsync(listen!);
        try
        {
            var peer = await AwaitSingleReadyPeer(node);
            Assert.True(peer.Inbound);
            AssertIsBcoin(peer);

            var seen = await AwaitBcoinPeer(p => p.Address == $"127.0.0.1:{listen!.Port}", "our listener in getpeerinfo");
            Assert.False(seen.Inbound);
            Assert.Equal(PeerSettings.DefaultUserAgent, seen.SubVersion);
            Assert.Equal((int)ProtocolVersion.Current, seen.Version);
            Assert.Equal(0, seen.BanScore);

            // We are bcoin's only outbound peer, so its loader: it syncs with getblocks (no checkpoints on regtest),
            // a locator from its tip down to the genesis block. Our node has no sync layer yet and does not answer.
            var getBlocks = await sync.FishForMessageAsync<ReceivedFromPeer>(m => m.Message is GetBlocksMessage,
                Patience, "bcoin's getblocks");
            var locator = ((GetBlocksMessage)getBlocks.Message).Locator;
            Assert.Equal(tip, locator[0]);
            Assert.Equal(ChainParams.Regtest.GenesisHash, locator[^1]);
            Assert.Equal(peer.Id, getBlocks.PeerId);
            AssertBcoinSawNoMisbehaviour();
        }
        finally
        {
            await _bcoin.RemoveNodeAsync(listen!);
        }
    }

    [Fact]
    public async Task BothDirections_BcoinNeverScoresOrBansUs()
    {
        // Dial bcoin and be dialled by it at once, exchange what the handshake brings (sendcmpct, getaddr, addr,
        // getblocks, pings), then leave: no ban score on either side, nothing in bcoin's ban list.
        var node = StartNode("both", ActorRefs.Nobody, s => s with
        {
            Listen = [new IPEndPoint(IPAddress.Loopback, 0)],
            Connect = [_bcoin.P2PEndpoint],
        });
        IPEndPoint? listen = null;
        await AwaitAssertAsync(async () =>
        {
            var listening = await node.Manager.Ask<ListeningOn>(GetListenEndpoints.Instance, Patience);
            listen = Assert.Single(listening.Endpoints);
        }, Patience);
        await _bcoin.AddNodeAsync(listen!);
        try
        {
            await AwaitAssertAsync(async () =>
            {
                var count = await node.Manager.Ask<ConnectionCount>(GetConnectionCount.Instance, Patience);
                Assert.Equal((1, 1), (count.Inbound, count.Outbound));
            }, Patience, TimeSpan.FromMilliseconds(50));
            await _bcoin.RpcAsync("ping");
            await _bcoin.WaitUntilAsync(async () =>
            {
                var ours = (await _bcoin.GetPeerInfoAsync()).Where(p => p.SubVersion == PeerSettings.DefaultUserAgent).ToList();
                return ours.Count == 2 && ours.All(p => p.Raw.GetProperty("pingtime").GetDouble() >= 0);
            }, Patience, "both of our connections in bcoin's getpeerinfo, pings answered");

            foreach (var peer in await _bcoin.GetPeerInfoAsync())
                Assert.Equal(0, peer.BanScore);
            var ourView = (await node.Manager.Ask<PeerInfoList>(GetPeerInfo.Instance, Patience)).Peers;
            Assert.Equal(2, ourView.Count);
            Assert.All(ourView, AssertIsBcoin);
        }
        finally
        {
            await _bcoin.RemoveNodeAsync(listen!);
        }
        Assert.Empty(await _bcoin.ListBannedAsync());
        AssertBcoinSawNoMisbehaviour();
        Assert.Empty(_bcoin.GuardRefusals);
    }

    /// <summary>Stands in for the sync actor: passes each forwarded message to a probe and answers the peer at once,
    /// as the PeerActor's forward window requires.</summary>
    private sealed class RecordingSync : ReceiveActor
    {
        public RecordingSync(IActorRef probe)
        {
            Receive<ReceivedFromPeer>(m =>
            {
                probe.Tell(m);
                Sender.Tell(PeerMessageHandled.Instance);
            });
            ReceiveAny(m => probe.Tell(m));
        }
    }

    protected override void Dispose(bool disposing)
    {
        _bcoinLog.Dispose();
        base.Dispose(disposing);
        foreach (var dir in _dirs)
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }
}
