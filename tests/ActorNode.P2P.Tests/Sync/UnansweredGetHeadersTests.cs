using System.Net;
using ActorNode.Chain;
using ActorNode.P2P.Peers;
using ActorNode.P2P.Sync;
using ActorNode.Storage.Blocks;
using ActorNode.Sync;
using ActorNode.Wire;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using Akka.Actor;
using Akka.IO;
using Akka.TestKit;

namespace ActorNode.P2P.Tests.Sync;

/// <summary>Issue 16, fault 1: a real SyncActor and a real PeerActor (its socket a probe, as in PeerActorTests) on
/// virtual time (TestScheduler; the sync actor's clock reads the same scheduler). Our tip is recent, so the sync
/// actor asks every new peer for headers once (Core's habit). btcd and Core ignore <c>getheaders</c> while they are
/// not current, and a peer that is behind us is not: it never answers. Only a <c>getheaders</c> an answer is owed
/// to (our headers-sync peer, or a peer that claimed a longer chain) arms btcd's 90 s headers deadline.</summary>
public sealed class UnansweredGetHeadersTests : Akka.TestKit.Xunit2.TestKit
{
    private const uint Regtest = 0xDAB5BFFA;
    private const int OurHeight = 5;
    private static readonly IPEndPoint Remote = new(IPAddress.Parse("127.0.0.2"), 18444);

    private readonly TestProbe _connection;
    private readonly TestProbe _manager;
    private readonly MessageEncoder _encoder = new(Regtest);
    private readonly FrameDecoder _fromNode = new(Regtest, WireContext.Latest);
    private readonly List<IWireMessage> _written = [];
    private readonly List<object> _managerSaw = [];
    private bool _closed;

    public UnansweredGetHeadersTests(Xunit.Abstractions.ITestOutputHelper output)
        : base("""
               akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
               akka.loglevel = WARNING
               """, output)
    {
        _connection = CreateTestProbe("connection");
        _manager = CreateTestProbe("manager");
    }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    /// <summary>The sync actor's clock: the test scheduler's virtual time.</summary>
    private sealed class SchedulerClock(IScheduler scheduler) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => scheduler.Now;
    }

    /// <summary>A sync actor with <see cref="OurHeight"/> blocks mined just now (a recent tip).</summary>
    private IActorRef StartSync()
    {
        var settings = new SyncSettings
        {
            Chain = ChainParams.Regtest,
            OpenStore = () => new MemoryBlockStore(Regtest),
            Time = new SchedulerClock(Sys.Scheduler),
        };
        var sync = Sys.ActorOf(SyncActor.Props(settings), "sync");
        sync.Tell(new UseConnManager(_manager.Ref));
        sync.Tell(new MineBlocks(OurHeight));
        var mined = ExpectMsg<BlocksMined>(TimeSpan.FromSeconds(10));
        Assert.Null(mined.Error);
        Assert.Equal(OurHeight, mined.Hashes.Count);
        return sync;
    }

    /// <summary>An inbound peer (as btcd dialling us) whose version claims <paramref name="theirHeight"/>, through
    /// the handshake; the connection manager's part is played by the test.</summary>
    private IActorRef ConnectPeer(IActorRef sync, int theirHeight)
    {
        var settings = new PeerSettings
        {
            PeerId = 1, Remote = Remote, Inbound = true, Magic = Regtest, Nonce = 12345, StartHeight = OurHeight,
        };
        var peer = Sys.ActorOf(PeerActor.Props(settings, _connection.Ref, _manager.Ref, sync), "peer");
        _connection.ExpectMsg<Tcp.Register>();
        Feed(peer, new VersionMessage(70016, ServiceFlags.Network | ServiceFlags.Witness, Scheduler.Now.ToUnixTimeSeconds(),
            new NetAddress(ServiceFlags.None, IPAddress.Loopback, 18444), new NetAddress(ServiceFlags.None, IPAddress.Any, 0),
            99, "/btcd:0.25.0/", theirHeight, true));
        _manager.FishForMessage(m => m is RuleOnVersion, TimeSpan.FromSeconds(5));
        peer.Tell(VersionAccepted.Instance, _manager.Ref);
        Feed(peer, SendAddrV2Message.Instance, WtxidRelayMessage.Instance, VerAckMessage.Instance);
        _manager.FishForMessage(m => m is PeerReady, TimeSpan.FromSeconds(5));
        return peer;
    }

    private void Feed(IActorRef peer, params IWireMessage[] messages)
    {
        foreach (var message in messages)
            peer.Tell(new Tcp.Received(ByteString.FromBytes(_encoder.Encode(message, WireContext.Latest))), _connection.Ref);
    }

    /// <summary>Lets the actors run until the socket has been quiet for a moment: acknowledges every write, decodes
    /// what was written, answers pings (a live peer), notes a close. Also collects what the manager was told.</summary>
    private void Pump(IActorRef peer)
    {
        while (_connection.ReceiveOne(TimeSpan.FromMilliseconds(150)) is { } next)
        {
            switch (next)
            {
                case Tcp.Write write:
                    peer.Tell(write.Ack, _connection.Ref);
                    var messages = new List<IWireMessage>();
                    _fromNode.ReadAll(write.Data.ToArray(), messages);
                    _written.AddRange(messages);
                    foreach (var ping in messages.OfType<PingMessage>()) Feed(peer, new PongMessage(ping.Nonce));
                    break;
                case Tcp.Abort or Tcp.Close or Tcp.ConfirmedClose:
                    _closed = true;
                    break;
            }
        }
        while (_manager.HasMessages) _managerSaw.Add(_manager.ReceiveOne(TimeSpan.Zero)!);
    }

    /// <summary>Advances virtual time by <paramref name="span"/> in the peer's 15 s stall-tick steps, pumping between.</summary>
    private void RunFor(IActorRef peer, TimeSpan span)
    {
        for (var passed = TimeSpan.Zero; passed < span; passed += TimeSpan.FromSeconds(15))
        {
            Scheduler.Advance(TimeSpan.FromSeconds(15));
            Pump(peer);
        }
    }

    [Fact]
    public void PeerBehindUs_IgnoringTheOneOffGetHeaders_StaysConnectedForThreeMinutes_WithoutScore()
    {
        var sync = StartSync();
        var peer = ConnectPeer(sync, theirHeight: 2); // behind us: not a sync candidate, ignores getheaders
        Watch(peer);
        Pump(peer);
        Assert.Single(_written.OfType<GetHeadersMessage>()); // the one-off getheaders was sent

        RunFor(peer, TimeSpan.FromMinutes(3));

        Assert.False(_closed, "the peer's connection was closed");
        Assert.DoesNotContain(_managerSaw, m => m is PeerMisbehaved or ActorNode.P2P.Connections.ScorePeer);
        Assert.Contains(_written, m => m is PingMessage); // virtual time did pass: the 2-minute ping went out
        ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // no Terminated
        // Still alive and well: it answers a ping of ours... and asks it of the node in return.
        Feed(peer, new PingMessage(42));
        Pump(peer);
        Assert.Contains(_written, m => m is PongMessage { Nonce: 42 });
    }

    [Fact]
    public void SyncPeer_ThatNeverAnswersGetHeaders_IsStillDroppedAtTheHeadersDeadline()
    {
        var sync = StartSync();
        var peer = ConnectPeer(sync, theirHeight: OurHeight + 10); // ahead: our headers-sync peer
        Pump(peer);
        Assert.Single(_written.OfType<GetHeadersMessage>());

        RunFor(peer, TimeSpan.FromSeconds(75));
        Assert.False(_closed, "dropped before btcd's 90 s headers deadline");
        Assert.DoesNotContain(_managerSaw, m => m is PeerMisbehaved);

        RunFor(peer, TimeSpan.FromSeconds(45));
        var stalled = Assert.Single(_managerSaw.OfType<PeerMisbehaved>());
        Assert.Equal((ActorNode.P2P.Peers.PeerFault.Stalled, "no headers in time"), (stalled.Fault, stalled.Detail));
        Assert.True(_closed, "the stalled sync peer's connection was not closed");
    }

    [Fact]
    public void PeerThatAnsweredNothing_ButAnnouncesAHigherHeightLater_IsOwedAnAnswer()
    {
        // The rule itself (pure): the sync peer, or a peer whose known height is above our best header.
        var selector = new SyncPeerSelector(TimeProvider.System, new Random(1), bestHeaderHeight: 5,
            DateTimeOffset.UtcNow, bestBlockHeight: 5) { WitnessRequired = false };
        Assert.Null(selector.PeerConnected(1, ServiceFlags.Network, startHeight: 3));
        Assert.False(selector.OwesHeadersAnswer(1));
        Assert.Null(selector.PeerConnected(2, ServiceFlags.Network, startHeight: 5));
        Assert.False(selector.OwesHeadersAnswer(2)); // level with us: it may be syncing too

        var change = selector.PeerHeightRaised(1, 9);
        Assert.Equal(1, change?.NewSyncPeer);
        Assert.True(selector.OwesHeadersAnswer(1));
        Assert.Null(selector.PeerHeightRaised(2, 7)); // a sync runs already: 2 is not the sync peer
        Assert.True(selector.OwesHeadersAnswer(2)); // but it claims more than we have
        Assert.False(selector.OwesHeadersAnswer(99)); // unknown peer
    }
}
