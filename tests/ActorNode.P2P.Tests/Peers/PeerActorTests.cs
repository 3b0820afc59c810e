using System.Net;
using ActorNode.P2P.Peers;
using ActorNode.Wire;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using Akka.Actor;
using Akka.IO;
using Akka.TestKit;

namespace ActorNode.P2P.Tests.Peers;

/// <summary>The PeerActor with a probe as its Akka.IO connection and probes as the connection manager and the sync
/// actor. Time is virtual (TestScheduler): no sleeps.</summary>
public sealed partial class PeerActorTests : Akka.TestKit.Xunit2.TestKit
{
    private const uint Regtest = 0xDAB5BFFA;
    private static readonly IPEndPoint Remote = new(IPAddress.Loopback, 18444);

    private readonly TestProbe _connection;
    private readonly TestProbe _manager;
    private readonly TestProbe _sync;
    private readonly MessageEncoder _encoder = new(Regtest);
    private readonly FrameDecoder _fromPeer = new(Regtest, WireContext.Latest);
    private readonly Queue<IWireMessage> _written = new();

    public PeerActorTests()
        : base("""
               akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
               akka.loglevel = WARNING
               """)
    {
        _connection = CreateTestProbe("connection");
        _manager = CreateTestProbe("manager");
        _sync = CreateTestProbe("sync");
    }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    private static VersionMessage TheirVersion(int version = 70016, ulong nonce = 99, bool relay = true) => new(
        version, ServiceFlags.Network | ServiceFlags.Witness, 1_700_000_000,
        new NetAddress(ServiceFlags.None, IPAddress.Loopback, 18444), new NetAddress(ServiceFlags.None, IPAddress.Any, 0),
        nonce, "/Satoshi:27.0.0/", 150, relay);

    private IActorRef StartPeer(bool inbound, Func<PeerSettings, PeerSettings>? adjust = null)
    {
        var settings = new PeerSettings { PeerId = 7, Remote = Remote, Inbound = inbound, Magic = Regtest, Nonce = 12345, StartHeight = 3 };
        settings = adjust?.Invoke(settings) ?? settings;
        var peer = Sys.ActorOf(PeerActor.Props(settings, _connection.Ref, _manager.Ref, _sync.Ref));
        _connection.ExpectMsg<Tcp.Register>();
        return peer;
    }

    /// <summary>The peer's bytes arriving from the socket.</summary>
    private void Feed(IActorRef peer, params IWireMessage[] messages)
    {
        foreach (var message in messages)
            peer.Tell(new Tcp.Received(ByteString.FromBytes(_encoder.Encode(message, WireContext.Latest))), _connection.Ref);
    }

    private void FeedRaw(IActorRef peer, byte[] bytes) => peer.Tell(new Tcp.Received(ByteString.FromBytes(bytes)), _connection.Ref);

    /// <summary>The next message the actor wrote to the socket (acknowledging each write).</summary>
    private IWireMessage Written(IActorRef peer)
    {
        while (_written.Count == 0)
        {
            var next = _connection.ReceiveOne(TimeSpan.FromSeconds(3));
            if (next is Tcp.ResumeReading) continue; // pull mode asks for chunks between writes
            var write = Assert.IsType<Tcp.Write>(next);
            peer.Tell(write.Ack, _connection.Ref);
            _fromPeer.ReadAll(write.Data.ToArray(), (ICollection<IWireMessage>)new QueueCollection(_written));
        }
        return _written.Dequeue();
    }

    private T Written<T>(IActorRef peer) where T : IWireMessage => Assert.IsType<T>(Written(peer));

    private IActorRef ReadyOutbound(bool relay = true, Func<PeerSettings, PeerSettings>? adjust = null)
    {
        var peer = StartPeer(inbound: false, adjust);
        Written<VersionMessage>(peer);
        Feed(peer, TheirVersion(relay: relay));
        _manager.ExpectMsg<RuleOnVersion>();
        peer.Tell(VersionAccepted.Instance, _manager.Ref);
        Written<SendAddrV2Message>(peer);
        Written<WtxidRelayMessage>(peer);
        Written<VerAckMessage>(peer);
        Feed(peer, VerAckMessage.Instance);
        _manager.ExpectMsg<PeerReady>();
        _sync.ExpectMsg<PeerReady>(); // told by the peer itself, ahead of anything it forwards
        return peer;
    }

    private void ExpectAbortAndStop(IActorRef peer, PeerFault fault)
    {
        Assert.Equal(fault, _manager.ExpectMsg<PeerMisbehaved>().Fault);
        _connection.FishForMessage(m => m is Tcp.Abort);
        Watch(peer);
        peer.Tell(Tcp.Aborted.Instance, _connection.Ref);
        ExpectTerminated(peer);
        Assert.NotNull(_manager.FishForMessage<PeerGone>(_ => true));
    }

    [Fact]
    public void Outbound_Handshake_SendsVersionAndBecomesReady()
    {
        var peer = StartPeer(inbound: false);
        var ours = Written<VersionMessage>(peer);
        Assert.Equal(70016, ours.ProtocolVersion);
        Assert.Equal(12345UL, ours.Nonce);
        Assert.StartsWith("/ActorNode:", ours.UserAgent);
        Assert.Equal(3, ours.StartHeight);

        Feed(peer, TheirVersion());
        var rule = _manager.ExpectMsg<RuleOnVersion>();
        Assert.Equal(99UL, rule.Version.Nonce);
        peer.Tell(VersionAccepted.Instance, _manager.Ref);
        Written<SendAddrV2Message>(peer);
        Written<WtxidRelayMessage>(peer);
        Written<VerAckMessage>(peer);

        Feed(peer, SendAddrV2Message.Instance, VerAckMessage.Instance);
        var ready = _manager.ExpectMsg<PeerReady>();
        Assert.Equal(7, ready.PeerId);
        Assert.True(ready.Handshake.WantsAddrV2);
        Assert.Equal(70016u, ready.Handshake.NegotiatedVersion);
    }

    [Fact]
    public void Inbound_Handshake_WaitsForTheirVersionFirst()
    {
        var peer = StartPeer(inbound: true);
        _connection.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Feed(peer, TheirVersion(version: 70015));
        _manager.ExpectMsg<RuleOnVersion>();
        peer.Tell(VersionAccepted.Instance, _manager.Ref);
        Written<VersionMessage>(peer);
        Written<VerAckMessage>(peer); // 70015: no sendaddrv2 or wtxidrelay
        Feed(peer, VerAckMessage.Instance);
        Assert.Equal(70015u, _manager.ExpectMsg<PeerReady>().Handshake.NegotiatedVersion);
    }

    [Fact]
    public void Handshake_NotDoneIn30Seconds_TimesOut()
    {
        var peer = StartPeer(inbound: true);
        Scheduler.Advance(TimeSpan.FromSeconds(29));
        _manager.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Scheduler.Advance(TimeSpan.FromSeconds(2));
        ExpectAbortAndStop(peer, PeerFault.HandshakeTimeout);
    }

    [Fact]
    public void MessageBeforeVersion_IsRejectedAndDisconnected()
    {
        var peer = StartPeer(inbound: true);
        Feed(peer, new PingMessage(1));
        var reject = Written<RejectMessage>(peer);
        Assert.Equal(RejectCode.Malformed, reject.Code);
        Assert.Equal(PeerFault.Handshake, _manager.ExpectMsg<PeerMisbehaved>().Fault);
        _connection.FishForMessage(m => m is Tcp.CloseCommand);
    }

    [Fact]
    public void VersionRefusedByTheNode_Disconnects_WithoutReportingMisbehaviour()
    {
        var peer = StartPeer(inbound: true);
        Feed(peer, TheirVersion());
        _manager.ExpectMsg<RuleOnVersion>();
        peer.Tell(new VersionRefused("connected to self"), _manager.Ref);
        _connection.FishForMessage(m => m is Tcp.Abort);
        _manager.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // the node's own ruling: nothing to score
    }

    [Fact]
    public void DuplicateVersion_AfterTheHandshake_IsRejectedAndReported()
    {
        var peer = ReadyOutbound();
        Feed(peer, TheirVersion());
        Assert.Equal(RejectCode.Duplicate, Written<RejectMessage>(peer).Code);
        Assert.Equal(PeerFault.DuplicateVersion, _manager.ExpectMsg<PeerMisbehaved>().Fault);
    }

    [Fact]
    public void Ping_FromThePeer_IsAnsweredWithItsNonce()
    {
        var peer = ReadyOutbound();
        Feed(peer, new PingMessage(0xabcdef));
        Assert.Equal(0xabcdefUL, Written<PongMessage>(peer).Nonce);
    }

    [Fact]
    public void Ping_EveryTwoMinutes_MeasuresTheRoundTrip()
    {
        var peer = ReadyOutbound();
        Scheduler.Advance(TimeSpan.FromMinutes(2));
        var ping = Written<PingMessage>(peer);
        Scheduler.Advance(TimeSpan.FromMilliseconds(250));
        Feed(peer, new PongMessage(ping.Nonce));
        peer.Tell(GetPeerStats.Instance);
        var stats = ExpectMsg<PeerStats>();
        Assert.Equal(TimeSpan.FromMilliseconds(250), stats.PingTime);
        Assert.True(stats.Ready);
    }

    [Fact]
    public void Idle_FiveMinutesWithoutAMessage_Disconnects()
    {
        var peer = ReadyOutbound();
        for (int quarter = 1; quarter <= 20; quarter++) // 5 minutes, in the checker's 15 s steps: not yet over
        {
            Scheduler.Advance(TimeSpan.FromSeconds(15));
            peer.Tell(GetPeerStats.Instance); // the tick is handled at this virtual time
            ExpectMsg<PeerStats>();
            while (_connection.HasMessages) // acknowledge our pings, or the peer would be dropped as slow
                if (_connection.ReceiveOne(TimeSpan.Zero) is Tcp.Write write) peer.Tell(write.Ack, _connection.Ref);
        }
        _manager.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Scheduler.Advance(TimeSpan.FromSeconds(15));
        ExpectAbortAndStop(peer, PeerFault.Idle);
    }

    [Fact]
    public void Idle_BytesThatNeverMakeAMessage_DoNotKeepThePeerAlive()
    {
        var peer = ReadyOutbound();
        // A header announcing a 4,000,000-byte block, then one byte of it a minute: btcd's idle timer is reset by
        // whole messages only, so this peer is as idle as a silent one.
        var header = new byte[FrameHeader.Size];
        new FrameHeader(Regtest, "block", 4_000_000, 0).WriteTo(header);
        FeedRaw(peer, header);
        for (int quarter = 1; quarter <= 20; quarter++) // 5 minutes, in the checker's 15 s steps
        {
            Scheduler.Advance(TimeSpan.FromSeconds(15));
            if (quarter % 4 == 0) FeedRaw(peer, [0x00]);
            peer.Tell(GetPeerStats.Instance); // the tick and the byte are handled at this virtual time
            ExpectMsg<PeerStats>();
            while (_connection.HasMessages) // acknowledge our pings, or the peer would be dropped as slow
                if (_connection.ReceiveOne(TimeSpan.Zero) is Tcp.Write write) peer.Tell(write.Ack, _connection.Ref);
        }
        _manager.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // 5 minutes: not yet over
        Scheduler.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(PeerFault.Idle, _manager.FishForMessage<PeerMisbehaved>(_ => true).Fault);
    }

    [Fact]
    public void GetData_Unanswered_StallsThePeer()
    {
        var peer = ReadyOutbound();
        peer.Tell(new SendToPeer(new GetDataMessage([new InvVector(InvType.WitnessBlock, Hash256.Zero)])));
        Written<GetDataMessage>(peer);
        Scheduler.Advance(TimeSpan.FromSeconds(15));
        Scheduler.Advance(TimeSpan.FromSeconds(15));
        _manager.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Scheduler.Advance(TimeSpan.FromSeconds(15));
        ExpectAbortAndStop(peer, PeerFault.Stalled);
    }

    [Fact]
    public void GetData_AnsweredWithNotFound_DoesNotStall()
    {
        var peer = ReadyOutbound();
        peer.Tell(new SendToPeer(new GetDataMessage([new InvVector(InvType.WitnessBlock, Hash256.Zero)])));
        Written<GetDataMessage>(peer);
        Feed(peer, new NotFoundMessage([new InvVector(InvType.WitnessBlock, Hash256.Zero)]));
        // To the manager, which scores it (btcd OnNotFound) and passes it on to the sync actor.
        Assert.IsType<NotFoundMessage>(_manager.ExpectMsg<ReceivedFromPeer>().Message);
        for (int i = 0; i < 6; i++) Scheduler.Advance(TimeSpan.FromSeconds(15));
        _manager.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void GetData_FromThePeer_GoesToTheManagerToBeScored()
    {
        var peer = ReadyOutbound();
        Feed(peer, new GetDataMessage([new InvVector(InvType.WitnessBlock, Hash256.Zero)]));
        Assert.IsType<GetDataMessage>(_manager.ExpectMsg<ReceivedFromPeer>().Message);
        _sync.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // the manager forwards it unless the score bans
    }

    private static InvVector Tx(byte n)
    {
        var bytes = new byte[32];
        bytes[0] = n;
        return new InvVector(InvType.Tx, new Hash256(bytes));
    }

    [Fact]
    public void Transactions_AreTrickledOnceAndNeverTwice()
    {
        var peer = ReadyOutbound();
        peer.Tell(new AnnounceInventory(Tx(1)));
        peer.Tell(new AnnounceInventory(Tx(2)));
        peer.Tell(new AnnounceInventory(Tx(1)));
        _connection.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Scheduler.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal([Tx(1), Tx(2)], Written<InvMessage>(peer).Inventory);

        peer.Tell(new AnnounceInventory(Tx(2)));
        Scheduler.Advance(TimeSpan.FromSeconds(10));
        _connection.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void InventoryThePeerAnnounced_IsNeverAnnouncedBack()
    {
        var peer = ReadyOutbound();
        Feed(peer, new InvMessage([Tx(5)]));
        Assert.IsType<InvMessage>(_sync.ExpectMsg<ReceivedFromPeer>().Message);
        peer.Tell(new AnnounceInventory(Tx(5)));
        Scheduler.Advance(TimeSpan.FromSeconds(10));
        _connection.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Blocks_AreAnnouncedAtOnce()
    {
        var peer = ReadyOutbound();
        var block = new InvVector(InvType.Block, Hash256.Parse("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"));
        peer.Tell(new AnnounceInventory(block));
        Assert.Equal([block], Written<InvMessage>(peer).Inventory);
    }

    [Fact]
    public void AnnounceBlock_AsHeadersToAPeerThatSentSendHeaders_ElseAsInv_AndNeverTwice()
    {
        var header = ActorNode.Chain.ChainParams.Regtest.GenesisBlock.Header;
        var plain = ReadyOutbound();
        plain.Tell(new AnnounceBlock(header));
        Assert.Equal([new InvVector(InvType.Block, header.GetHash())], Written<InvMessage>(plain).Inventory);
        plain.Tell(new AnnounceBlock(header));
        _connection.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void AnnounceBlock_ToAPeerThatSentSendHeaders_IsAHeadersMessage()
    {
        var header = ActorNode.Chain.ChainParams.Regtest.GenesisBlock.Header;
        var peer = ReadyOutbound();
        Feed(peer, SendHeadersMessage.Instance);
        peer.Tell(new AnnounceBlock(header));
        Assert.Equal([header], Written<HeadersMessage>(peer).Headers);
    }

    [Fact]
    public void AnnounceTransaction_ByTxidToAPeerWithoutWtxidRelay()
    {
        var txid = Hash256.Parse("00000000000000000000000000000000000000000000000000000000000000aa");
        var wtxid = Hash256.Parse("00000000000000000000000000000000000000000000000000000000000000bb");
        var peer = ReadyOutbound();
        peer.Tell(new AnnounceTransaction(txid, wtxid));
        Scheduler.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal([new InvVector(InvType.Tx, txid)], Written<InvMessage>(peer).Inventory);
    }

    [Fact]
    public void RelayFlagOff_NoTransactionAnnouncements()
    {
        var peer = ReadyOutbound(relay: false);
        peer.Tell(new AnnounceInventory(Tx(9)));
        Scheduler.Advance(TimeSpan.FromSeconds(10));
        _connection.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Messages_GoToTheActorThatOwnsThem()
    {
        var peer = ReadyOutbound();
        Feed(peer, GetAddrMessage.Instance, new HeadersMessage([]), new UnknownMessage("reqsketchext", new byte[] { 1 }));
        Assert.IsType<GetAddrMessage>(_manager.ExpectMsg<ReceivedFromPeer>().Message);
        Assert.IsType<HeadersMessage>(_sync.ExpectMsg<ReceivedFromPeer>().Message);
        _sync.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void ForwardedMessages_BeyondTheWindow_StopReadingUntilTheConsumerAnswers()
    {
        // Pull mode, a window of 2: the third unanswered message holds reading back.
        var peer = ReadyOutbound(adjust: s => s with
        {
            ForwardWindow = 2, Transport = s.Transport with { PullMode = true },
        });
        // Drain the chunk requests of the handshake.
        _connection.ReceiveWhile(TimeSpan.FromMilliseconds(300), m => m as Tcp.ResumeReading);
        void Chunk(IWireMessage message)
        {
            Feed(peer, message);
            _sync.ExpectMsg<ReceivedFromPeer>();
        }

        Chunk(new InvMessage([Tx(1)]));
        _connection.ExpectMsg<Tcp.ResumeReading>();
        Chunk(new InvMessage([Tx(2)])); // two unanswered: the window is full
        _connection.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        peer.Tell(PeerMessageHandled.Instance, _sync.Ref);
        _connection.ExpectMsg<Tcp.ResumeReading>(); // room again: the next chunk is asked for
        Chunk(new InvMessage([Tx(3)]));
        _connection.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        peer.Tell(PeerMessageHandled.Instance, _sync.Ref);
        peer.Tell(PeerMessageHandled.Instance, _sync.Ref);
        _connection.ExpectMsg<Tcp.ResumeReading>();
        _connection.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void BlockHeightKnown_RaisesTheHeightOfAPeerThatAnnouncedThatBlock()
    {
        var peer = ReadyOutbound();
        var announced = Hash256.Parse("0000000000000000000000000000000000000000000000000000000000000abc");
        Feed(peer, new InvMessage([new InvVector(InvType.Block, announced)]));
        _sync.ExpectMsg<ReceivedFromPeer>();

        peer.Tell(new BlockHeightKnown(Hash256.Zero, 500)); // another block: no change
        peer.Tell(new BlockHeightKnown(announced, 151));
        peer.Tell(GetPeerStats.Instance);
        var stats = ExpectMsg<PeerStats>();
        Assert.Equal(151, stats.LastBlockHeight);
        Assert.Equal(150, stats.StartingHeight);
        Assert.Equal(announced, stats.LastAnnouncedBlock);
        Assert.True(stats.RelayTransactions);
    }

    [Fact]
    public void PingWait_IsReportedWhileAPingIsUnanswered()
    {
        var peer = ReadyOutbound();
        Scheduler.Advance(TimeSpan.FromMinutes(2));
        Written<PingMessage>(peer);
        Scheduler.Advance(TimeSpan.FromSeconds(3));
        peer.Tell(GetPeerStats.Instance);
        Assert.Equal(TimeSpan.FromSeconds(3), ExpectMsg<PeerStats>().PingWait);
    }

    [Fact]
    public void Garbage_IsACodecFaultAndDisconnects()
    {
        var peer = ReadyOutbound();
        FeedRaw(peer, Enumerable.Repeat((byte)0x41, 64).ToArray());
        var fault = _manager.ExpectMsg<PeerMisbehaved>();
        Assert.Equal(PeerFault.Codec, fault.Fault);
        Assert.Equal(WireError.BadMagic, fault.CodecError);
        _connection.FishForMessage(m => m is Tcp.Abort);
    }

    [Fact]
    public void PeerClosingTheConnection_StopsTheActorWithPeerGone()
    {
        var peer = ReadyOutbound();
        Watch(peer);
        peer.Tell(Tcp.PeerClosed.Instance, _connection.Ref);
        ExpectTerminated(peer);
        var gone = _manager.ExpectMsg<PeerGone>();
        Assert.True(gone.WasReady);
        Assert.Contains("closed", gone.Reason);
    }

    /// <summary>Adapts a queue to the decoder's ICollection output.</summary>
    private sealed class QueueCollection(Queue<IWireMessage> queue) : ICollection<IWireMessage>
    {
        public int Count => queue.Count;
        public bool IsReadOnly => false;
        public void Add(IWireMessage item) => queue.Enqueue(item);
        public void Clear() => queue.Clear();
        public bool Contains(IWireMessage item) => queue.Contains(item);
        public void CopyTo(IWireMessage[] array, int arrayIndex) => queue.CopyTo(array, arrayIndex);
        public bool Remove(IWireMessage item) => throw new NotSupportedException();
        public IEnumerator<IWireMessage> GetEnumerator() => queue.GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
