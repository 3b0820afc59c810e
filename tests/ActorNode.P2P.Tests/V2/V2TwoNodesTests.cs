using System.Net;
using ActorNode.P2P.Connections;
using ActorNode.P2P.Peers;
using ActorNode.P2P.Sync;
using ActorNode.P2P.Tests.Sync;
using ActorNode.Wire.Primitives;
using Akka.Actor;

namespace ActorNode.P2P.Tests.V2;

/// <summary>Whole nodes over real 127.0.0.1 sockets with BIP324: two v2 nodes sync and relay over v2 with the same
/// session id on both sides; a v2 node dialling a v1-only node is closed unanswered, redials once with v1 and
/// completes the handshake (Core's reconnection), remembering the address.</summary>
public sealed class V2TwoNodesTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly List<string> _dirs = [];

    public V2TwoNodesTests(Xunit.Abstractions.ITestOutputHelper output) : base("akka.loglevel = WARNING", output) { }

    private TestNode StartNode(string name, bool v2, IReadOnlyList<IPEndPoint>? connect = null)
    {
        var dir = Directory.CreateTempSubdirectory($"v2-{name}-").FullName;
        _dirs.Add(dir);
        return TestNode.Start(Sys, name, dir, s => s with { Connect = connect ?? [], V2Transport = v2 });
    }

    private async Task AwaitTip(TestNode node, Hash256 hash, int height) =>
        await AwaitAssertAsync(async () =>
        {
            var tips = await node.TipsAsync(Patience);
            Assert.Equal((height, hash), (tips.BestBlock.Height, tips.BestBlock.Hash));
        }, Patience, TimeSpan.FromMilliseconds(100));

    private static async Task<IReadOnlyList<Hash256>> Mine(TestNode node, int count)
    {
        var mined = await node.Sync.Ask<BlocksMined>(new MineBlocks(count), Patience);
        Assert.Null(mined.Error);
        return mined.Hashes;
    }

    private async Task<PeerStats> OnlyReadyPeer(TestNode node)
    {
        PeerStats? found = null;
        await AwaitAssertAsync(async () =>
        {
            var peers = (await node.Manager.Ask<PeerInfoList>(GetPeerInfo.Instance, Patience)).Peers;
            found = Assert.Single(peers, p => p.Ready);
        }, Patience, TimeSpan.FromMilliseconds(50));
        return found!;
    }

    [Fact]
    public async Task TwoV2Nodes_SyncAndRelayOverV2_WithEqualSessionIds()
    {
        var a = StartNode("a", v2: true);
        var mined = await Mine(a, 300);
        var b = StartNode("b", v2: true, connect: [await a.ListenEndpointAsync(Patience)]);
        await AwaitTip(b, mined[^1], 300);

        var atA = await OnlyReadyPeer(a);
        var atB = await OnlyReadyPeer(b);
        Assert.Equal(("v2", "v2"), (atA.TransportProtocolType, atB.TransportProtocolType));
        Assert.Matches("^[0-9a-f]{64}$", atA.SessionId);
        Assert.Equal(atA.SessionId, atB.SessionId);
        Assert.True(atA.Services.HasFlag(Wire.ServiceFlags.P2PV2) && atB.Services.HasFlag(Wire.ServiceFlags.P2PV2));

        // Relay the other way: a block mined on b is announced to a over the same session.
        var next = await Mine(b, 1);
        await AwaitTip(a, next[0], 301);
        Assert.Equal(atA.SessionId, (await OnlyReadyPeer(a)).SessionId);
        Assert.Equal(1L, (await b.Manager.Ask<PeersStarted>(GetPeersStarted.Instance, Patience)).Count);
    }

    [Fact]
    public async Task AV2NodeDiallingAV1OnlyNode_IsClosed_RedialsOnceWithV1_AndSyncs()
    {
        var old = StartNode("v1only", v2: false);
        var mined = await Mine(old, 20);
        var v2 = StartNode("v2", v2: true, connect: [await old.ListenEndpointAsync(Patience)]);
        await AwaitTip(v2, mined[^1], 20);

        var atV2 = await OnlyReadyPeer(v2);
        Assert.Equal("v1", atV2.TransportProtocolType);
        Assert.Equal("", atV2.SessionId);
        Assert.False(atV2.Services.HasFlag(Wire.ServiceFlags.P2PV2));
        // Two connections: the v2 attempt (closed by the v1 node at its 64 random bytes) and the v1 one.
        Assert.Equal(2L, (await v2.Manager.Ask<PeersStarted>(GetPeersStarted.Instance, Patience)).Count);

        // Remembered: when the v1 connection drops, the redial is v1 again (no second v2 attempt).
        var endpoint = await old.ListenEndpointAsync(Patience);
        v2.Manager.Tell(new DisconnectNode(endpoint));
        await AwaitAssertAsync(async () =>
        {
            Assert.Equal(3L, (await v2.Manager.Ask<PeersStarted>(GetPeersStarted.Instance, Patience)).Count);
            var peer = await OnlyReadyPeer(v2);
            Assert.Equal("v1", peer.TransportProtocolType);
        }, Patience, TimeSpan.FromMilliseconds(100));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        foreach (var dir in _dirs)
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }
}
