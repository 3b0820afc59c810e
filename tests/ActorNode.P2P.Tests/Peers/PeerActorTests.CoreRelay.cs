using ActorNode.Connections.Inventory;
using ActorNode.P2P.Peers;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using Akka.Actor;

namespace ActorNode.P2P.Tests.Peers;

/// <summary>Bitcoin Core's relay timing (docs/peers.md "Relay timing"): transactions go out in Poisson-spaced
/// rounds of at most 70, inbound peers on the node's shared schedule. Time is virtual.</summary>
public sealed partial class PeerActorTests
{
    [Fact]
    public void CoreRelay_Outbound_AnnouncesInCappedRounds_UntilTheQueueIsEmpty()
    {
        var peer = ReadyOutbound(adjust: s => s with { Relay = RelayPolicy.CorePoisson });
        for (int i = 0; i < 150; i++) peer.Tell(new AnnounceInventory(Tx((byte)i)));
        _connection.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // nothing before the first round

        var rounds = new List<int>();
        var sent = new List<InvVector>();
        for (int step = 0; step < 600 && sent.Count < 150; step++) // up to 60 s of virtual time
        {
            Scheduler.Advance(TimeSpan.FromMilliseconds(100));
            // A barrier: the stats answer comes after any round the advance fired has been written.
            peer.Tell(GetPeerStats.Instance, TestActor);
            ExpectMsg<object>();
            while (_connection.HasMessages || _written.Count > 0)
            {
                var inv = Written<InvMessage>(peer);
                rounds.Add(inv.Inventory.Length);
                sent.AddRange(inv.Inventory);
            }
        }
        Assert.Equal(Enumerable.Range(0, 150).Select(i => Tx((byte)i)), sent); // oldest first, each once
        Assert.All(rounds, r => Assert.InRange(r, 1, CoreRelayTiming.BroadcastTarget));
        Assert.True(rounds.Count >= 3, $"150 announcements in {rounds.Count} rounds");
    }

    [Fact]
    public void CoreRelay_Inbound_FollowsTheNodesSharedSchedule()
    {
        // The shared schedule's first draw: -ln(1 - 0.5) x 5 s = 3.466 s after the handshake.
        var draws = new Queue<double>([0.5, 0.5]);
        var shared = new SharedPoissonSchedule(CoreRelayTiming.InboundMean, () => draws.Dequeue());
        var peer = StartPeer(inbound: true, s => s with { Relay = RelayPolicy.CorePoisson, InboundSchedule = shared });
        Feed(peer, TheirVersion());
        _manager.ExpectMsg<RuleOnVersion>();
        peer.Tell(VersionAccepted.Instance, _manager.Ref);
        Written<VersionMessage>(peer);
        Written<SendAddrV2Message>(peer);
        Written<WtxidRelayMessage>(peer);
        Written<VerAckMessage>(peer);
        Feed(peer, VerAckMessage.Instance);
        _manager.ExpectMsg<PeerReady>();
        _sync.ExpectMsg<PeerReady>();

        peer.Tell(new AnnounceInventory(Tx(1)));
        Scheduler.Advance(TimeSpan.FromMilliseconds(3400));
        _connection.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Scheduler.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal([Tx(1)], Written<InvMessage>(peer).Inventory);
    }

    [Fact]
    public void CoreRelay_BlocksStillGoAtOnce()
    {
        var peer = ReadyOutbound(adjust: s => s with { Relay = RelayPolicy.CorePoisson });
        var block = new InvVector(InvType.Block, Tx(9).Hash);
        peer.Tell(new AnnounceInventory(block));
        Assert.Equal([block], Written<InvMessage>(peer).Inventory);
    }
}
