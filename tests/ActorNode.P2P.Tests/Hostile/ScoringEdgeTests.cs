using System.Net;
using ActorNode.P2P.Connections;
using ActorNode.P2P.Peers;
using ActorNode.Wire;
using Akka.Actor;

namespace ActorNode.P2P.Tests.Hostile;

/// <summary>Where scores must not go astray: the node's own refusals are no misbehaviour of the peer (a node that
/// dials itself must not ban its own address, and with it every other peer on that address), and a report of
/// misbehaviour still counts when its peer is already gone.</summary>
[Collection(HostileCollection.Name)]
public sealed class ScoringEdgeTests(Xunit.Abstractions.ITestOutputHelper output) : HostileTestKit(output)
{
    [Fact]
    public async Task NodeDiallingItself_IsRefusedEachTime_WithoutScoringItsOwnAddress()
    {
        var node = await StartNodeAsync(configure: s => s with { RetryDuration = TimeSpan.FromMilliseconds(50) });
        var honest = await HonestPeerAsync(node); // peer 1, from 127.0.0.1 like the node's own dials

        // A permanent peer that is the node itself: each dial is refused as a self connection (our nonce comes
        // back) and redialled. Each one takes two peer ids (the outbound and the inbound end).
        node.Manager.Tell(new AddNode(node.Endpoint, Permanent: true));
        await AwaitAssertAsync(async () =>
        {
            // Six self connections or more (peer ids 2..13 and on): 6 × 25 points would have banned.
            var started = await node.Manager.Ask<PeersStarted>(GetPeersStarted.Instance, Patience);
            Assert.True(started.Count >= 14, $"{started.Count} peers started");
        }, Patience, TimeSpan.FromMilliseconds(10));

        await AssertNoBansAsync(node);
        await AssertUndisturbedAsync(node, honest);
    }

    [Fact]
    public async Task MisbehaviourReport_ThatArrivesAfterItsPeerIsGone_IsStillScored()
    {
        var node = await StartNodeAsync();
        var honest = await HonestPeerAsync(node);
        // A PeerActor tells the manager of the fault, then closes and stops. Its Terminated is a system message
        // and may be handled before the report; the report names the IP, so it is scored all the same.
        var gone = new IPEndPoint(IPAddress.Parse("203.0.113.9"), 18444);
        for (int i = 0; i < 5; i++)
            node.Manager.Tell(new PeerMisbehaved(1000 + i, gone, PeerFault.Codec, WireError.BadChecksum, "payload checksum mismatch"));

        var ban = Assert.Single(await BansAsync(node));
        Assert.Equal(gone.Address, ban.Address);
        await AssertUndisturbedAsync(node, honest);
    }
}
