using System.IO;
using ActorNode.P2P.Transport;
using Akka.Actor;
using Akka.IO;
using Akka.TestKit;
using static ActorNode.P2P.Tests.Transport.TransportTestHost;

namespace ActorNode.P2P.Tests.Transport;

/// <summary>The adapter against a <see cref="TestProbe"/> standing in for the Akka.IO connection actor: registration,
/// acknowledged writes through the window, the queue bounds, the slow-peer deadline (virtual time, no sleeps), and
/// exactly one close event whatever ends the connection.</summary>
public sealed class TcpTransportSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(100);

    private readonly TestProbe _connection;

    public TcpTransportSpec()
        : base("""
               akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
               akka.loglevel = WARNING
               """)
    {
        _connection = CreateTestProbe("connection");
    }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    /// <summary>Window 1, no coalescing: one frame per write, one write at a time.</summary>
    private static TransportOptions OneAtATime => new()
    {
        MaxUnackedWrites = 1, MaxWriteBytes = 1, SlowPeerDeadline = Deadline,
    };

    private static byte[] Frame(byte tag, int length = 24) => Enumerable.Repeat(tag, length).ToArray();

    private IActorRef StartHost(TransportOptions? options = null)
    {
        var host = Sys.ActorOf(TransportTestHost.Props(_connection.Ref, TestActor, options));
        _connection.ExpectMsg<Tcp.Register>();
        return host;
    }

    private void Send(IActorRef host, byte[] frame, SendPriority priority = SendPriority.Normal,
        SendResult expected = SendResult.Accepted)
    {
        host.Tell(new SendFrame(frame, priority), TestActor);
        ExpectMsg(expected);
    }

    /// <summary>Sends a frame that does not fit; the slow-peer event (if any) comes from inside Send, before its result.</summary>
    private void SendOverflowing(IActorRef host, byte[] frame, bool ownerTold)
    {
        host.Tell(new SendFrame(frame), TestActor);
        if (ownerTold)
            Assert.Equal(SlowPeerReason.QueueFull, ExpectMsg<SlowPeer>().Reason);
        ExpectMsg(SendResult.QueueFull);
    }

    private Tcp.Write ExpectWrite(params byte[][] frames)
    {
        var write = _connection.ExpectMsg<Tcp.Write>();
        Assert.Equal(frames.SelectMany(f => f).ToArray(), write.Data.ToArray());
        Assert.True(write.WantsAck);
        return write;
    }

    private void Ack(IActorRef host, Tcp.Write write) => host.Tell(write.Ack, _connection.Ref);

    [Fact]
    public void Construct_Always_RegistersOwnerAsHandlerWithoutKeepOpen()
    {
        var host = Sys.ActorOf(TransportTestHost.Props(_connection.Ref, TestActor));

        var register = _connection.ExpectMsg<Tcp.Register>();
        Assert.Equal(host, register.Handler);
        Assert.False(register.KeepOpenOnPeerClosed);
        Assert.Equal(host, _connection.LastSender);
    }

    [Fact]
    public void Received_Bytes_AreHandedToOwnerInOrder()
    {
        var host = StartHost();

        host.Tell(new Tcp.Received(ByteString.FromBytes([1, 2, 3])), _connection.Ref);
        host.Tell(new Tcp.Received(ByteString.FromBytes([4])), _connection.Ref);

        Assert.Equal(new byte[] { 1, 2, 3 }, ExpectMsg<DataReceived>().Data);
        Assert.Equal(new byte[] { 4 }, ExpectMsg<DataReceived>().Data);
    }

    [Fact]
    public void PullMode_AsksForEachChunkOnlyAfterTheLastWasHandled()
    {
        var host = StartHost(new TransportOptions { PullMode = true });
        _connection.ExpectMsg<Tcp.ResumeReading>(); // the first chunk
        _connection.ExpectNoMsg(Quiet);

        host.Tell(new Tcp.Received(ByteString.FromBytes([1, 2])), _connection.Ref);
        Assert.Equal(new byte[] { 1, 2 }, ExpectMsg<DataReceived>().Data);
        _connection.ExpectMsg<Tcp.ResumeReading>(); // the next one, once this one is handled
        _connection.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void PullMode_WhileTheOwnerHoldsReading_TheNextChunkIsAskedForOnlyOnRelease()
    {
        var host = StartHost(new TransportOptions { PullMode = true });
        _connection.ExpectMsg<Tcp.ResumeReading>();
        host.Tell(new HoldReading(true));

        host.Tell(new Tcp.Received(ByteString.FromBytes([1])), _connection.Ref);
        ExpectMsg<DataReceived>(); // the chunk already asked for is still delivered
        _connection.ExpectNoMsg(Quiet); // but no next one while held

        host.Tell(new HoldReading(false));
        _connection.ExpectMsg<Tcp.ResumeReading>(); // the one owed
        host.Tell(new HoldReading(false));
        _connection.ExpectNoMsg(Quiet); // and only one
    }

    [Fact]
    public void PullMode_HoldAndReleaseWithNothingOwed_AsksForNothing()
    {
        var host = StartHost(new TransportOptions { PullMode = true });
        _connection.ExpectMsg<Tcp.ResumeReading>();
        host.Tell(new HoldReading(true));
        host.Tell(new HoldReading(false));
        _connection.ExpectNoMsg(Quiet); // the first chunk is still outstanding: asking again would double the window
    }

    [Fact]
    public void PushMode_NeverAsksToResumeReading()
    {
        var host = StartHost();
        host.Tell(new Tcp.Received(ByteString.FromBytes([7])), _connection.Ref);
        ExpectMsg<DataReceived>();
        _connection.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Send_WindowOfOne_WritesOneFrameAtATimeAsAcksArrive()
    {
        var host = StartHost(OneAtATime);

        Send(host, Frame(1));
        Send(host, Frame(2));
        Send(host, Frame(3));

        var first = ExpectWrite(Frame(1));
        _connection.ExpectNoMsg(Quiet);
        Ack(host, first);
        var second = ExpectWrite(Frame(2));
        _connection.ExpectNoMsg(Quiet);
        Ack(host, second);
        var third = ExpectWrite(Frame(3));
        Ack(host, third);
        _connection.ExpectNoMsg(Quiet);

        host.Tell(GetStats.Instance);
        var stats = ExpectMsg<Stats>();
        Assert.Equal(0, stats.QueuedFrames);
        Assert.Equal(0, stats.UnackedWrites);
    }

    [Fact]
    public void Send_WindowOfTwo_KeepsTwoWritesInFlight()
    {
        var host = StartHost(OneAtATime with { MaxUnackedWrites = 2 });

        Send(host, Frame(1));
        Send(host, Frame(2));
        Send(host, Frame(3));

        var first = ExpectWrite(Frame(1));
        ExpectWrite(Frame(2));
        _connection.ExpectNoMsg(Quiet);
        Ack(host, first);
        ExpectWrite(Frame(3));
    }

    [Fact]
    public void Send_QueuedFrames_AreCoalescedUpToMaxWriteBytes()
    {
        var host = StartHost(OneAtATime with { MaxWriteBytes = 60 });

        Send(host, Frame(1));
        Send(host, Frame(2));
        Send(host, Frame(3));
        Send(host, Frame(4));

        var first = ExpectWrite(Frame(1));
        Ack(host, first);
        var second = ExpectWrite(Frame(2), Frame(3)); // 48 bytes; a third frame would make 72 > 60
        Ack(host, second);
        ExpectWrite(Frame(4));
    }

    [Fact]
    public void Send_HighPriority_OvertakesQueuedNormalFramesButNotTheWriteInFlight()
    {
        var host = StartHost(OneAtATime);

        Send(host, Frame(1));
        Send(host, Frame(2));
        Send(host, Frame(9), SendPriority.High);

        var first = ExpectWrite(Frame(1));
        Ack(host, first);
        var second = ExpectWrite(Frame(9));
        Ack(host, second);
        ExpectWrite(Frame(2));
    }

    [Fact]
    public void Send_BeyondByteBound_IsDroppedAndOwnerToldOnce()
    {
        var host = StartHost(OneAtATime with { MaxQueuedBytes = 50 });

        Send(host, Frame(1)); // written at once: the bound is on what waits
        Send(host, Frame(2)); // 24 queued
        Send(host, Frame(3)); // 48 queued
        SendOverflowing(host, Frame(4), ownerTold: true);
        SendOverflowing(host, Frame(5), ownerTold: false); // told once only
        ExpectNoMsg(Quiet);

        host.Tell(GetStats.Instance);
        var stats = ExpectMsg<Stats>();
        Assert.Equal(2, stats.QueuedFrames);
        Assert.Equal(48, stats.QueuedBytes);
        Assert.Equal(1, stats.UnackedWrites);
    }

    [Fact]
    public void Send_BeyondFrameCountBound_IsDroppedAndOwnerTold()
    {
        var host = StartHost(OneAtATime with { MaxQueuedFrames = 2 });

        Send(host, Frame(1));
        Send(host, Frame(2, 1));
        Send(host, Frame(3, 1));
        SendOverflowing(host, Frame(4, 1), ownerTold: true);
    }

    [Fact]
    public void Send_FrameLargerThanByteBound_IsNeverQueued()
    {
        var host = StartHost(OneAtATime with { MaxQueuedBytes = 10 });

        SendOverflowing(host, Frame(1, 11), ownerTold: true);
        _connection.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void SlowPeerDeadline_NoAckWithinDeadline_OwnerToldDrainTimeout()
    {
        var host = StartHost(OneAtATime);
        Send(host, Frame(1));
        ExpectWrite(Frame(1));

        Scheduler.Advance(Deadline - TimeSpan.FromMilliseconds(1));
        ExpectNoMsg(Quiet);
        Scheduler.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(SlowPeerReason.DrainTimeout, ExpectMsg<SlowPeer>().Reason);
        Scheduler.Advance(Deadline * 3);
        ExpectNoMsg(Quiet); // told once only
    }

    [Fact]
    public void SlowPeerDeadline_AckProgress_StartsTheDeadlineAgain()
    {
        var host = StartHost(OneAtATime);
        Send(host, Frame(1));
        Send(host, Frame(2));
        var first = ExpectWrite(Frame(1));

        Scheduler.Advance(Deadline * 0.9);
        Ack(host, first);
        ExpectWrite(Frame(2));
        Scheduler.Advance(Deadline * 0.9); // 1.8 deadlines since the first send, 0.9 since progress
        ExpectNoMsg(Quiet);
        Scheduler.Advance(Deadline * 0.1);

        Assert.Equal(SlowPeerReason.DrainTimeout, ExpectMsg<SlowPeer>().Reason);
    }

    [Fact]
    public void SlowPeerDeadline_EverythingAcked_NeverFires()
    {
        var host = StartHost(OneAtATime);
        Send(host, Frame(1));
        Ack(host, ExpectWrite(Frame(1)));
        host.Tell(GetStats.Instance);
        ExpectMsg<Stats>(s => s.UnackedWrites == 0);

        Scheduler.Advance(Deadline * 3);

        ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Close_WithQueuedFrames_WritesThemAllThenTcpClose()
    {
        var host = StartHost(OneAtATime with { MaxWriteBytes = 1024 });
        Send(host, Frame(1));
        Send(host, Frame(2));
        Send(host, Frame(3));
        ExpectWrite(Frame(1));

        host.Tell(CloseTransport.Instance);

        ExpectWrite(Frame(2), Frame(3)); // handed over past the window: Akka.IO flushes before closing
        _connection.ExpectMsg<Tcp.Close>();
        Send(host, Frame(4), expected: SendResult.Closed);
        host.Tell(Tcp.Closed.Instance, _connection.Ref);
        var closed = ExpectMsg<TransportClosed>();
        Assert.Equal(TransportCloseReason.Closed, closed.Reason);
        Assert.True(closed.RequestedLocally);
    }

    [Fact]
    public void Close_FlushNeverAcknowledged_AbortsAtTheDeadline()
    {
        var host = StartHost(OneAtATime);
        Send(host, Frame(1));
        ExpectWrite(Frame(1));
        host.Tell(CloseTransport.Instance);
        _connection.ExpectMsg<Tcp.Close>();

        Scheduler.Advance(Deadline);

        _connection.ExpectMsg<Tcp.Abort>();
        ExpectNoMsg(Quiet); // no slow-peer event: the owner already asked to close
        host.Tell(Tcp.Aborted.Instance, _connection.Ref);
        Assert.Equal(TransportCloseReason.Aborted, ExpectMsg<TransportClosed>().Reason);
    }

    [Fact]
    public void Close_AfterReceiving_DropsLaterReceivedBytes()
    {
        var host = StartHost();
        host.Tell(CloseTransport.Instance);
        _connection.ExpectMsg<Tcp.Close>();

        host.Tell(new Tcp.Received(ByteString.FromBytes([1])), _connection.Ref);

        ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Abort_WithQueuedFrames_DropsThemAndSendsTcpAbort()
    {
        var host = StartHost(OneAtATime);
        Send(host, Frame(1));
        Send(host, Frame(2));
        ExpectWrite(Frame(1));

        host.Tell(AbortTransport.Instance);

        _connection.ExpectMsg<Tcp.Abort>();
        _connection.ExpectNoMsg(Quiet);
        host.Tell(Tcp.Aborted.Instance, _connection.Ref);
        var closed = ExpectMsg<TransportClosed>();
        Assert.Equal(TransportCloseReason.Aborted, closed.Reason);
        Assert.True(closed.RequestedLocally);
    }

    public static TheoryData<string, TransportCloseReason> CloseEvents => new()
    {
        { "Closed", TransportCloseReason.Closed },
        { "ConfirmedClosed", TransportCloseReason.Closed },
        { "Aborted", TransportCloseReason.Aborted },
        { "PeerClosed", TransportCloseReason.PeerClosed },
        { "ErrorClosed", TransportCloseReason.Error },
    };

    private static Tcp.ConnectionClosed CloseEvent(string name) => name switch
    {
        "Closed" => Tcp.Closed.Instance,
        "ConfirmedClosed" => Tcp.ConfirmedClosed.Instance,
        "Aborted" => Tcp.Aborted.Instance,
        "PeerClosed" => Tcp.PeerClosed.Instance,
        "ErrorClosed" => new Tcp.ErrorClosed("Connection reset by peer"),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(CloseEvents))]
    public void CloseEvent_AnyVariant_GivesExactlyOneCloseEvent(string name, TransportCloseReason expected)
    {
        var host = StartHost();
        Send(host, Frame(1));
        _connection.ExpectMsg<Tcp.Write>();

        host.Tell(CloseEvent(name), _connection.Ref);

        var closed = ExpectMsg<TransportClosed>();
        Assert.Equal(expected, closed.Reason);
        Assert.False(closed.RequestedLocally);
        Assert.Equal(name == "ErrorClosed" ? "Connection reset by peer" : null, closed.Cause);

        // Whatever follows (a repeated event, the connection's death, the deadline) is not a second close.
        host.Tell(CloseEvent(name), _connection.Ref);
        host.Tell(Tcp.PeerClosed.Instance, _connection.Ref);
        Sys.Stop(_connection.Ref);
        Scheduler.Advance(Deadline * 2);
        ExpectNoMsg(Quiet);
        Send(host, Frame(2), expected: SendResult.Closed);
    }

    [Fact]
    public void Terminated_ConnectionDiesWithoutCloseEvent_GivesConnectionLost()
    {
        StartHost();

        Sys.Stop(_connection.Ref);

        var closed = ExpectMsg<TransportClosed>();
        Assert.Equal(TransportCloseReason.ConnectionLost, closed.Reason);
        ExpectNoMsg(Quiet);
    }

    [Fact]
    public void CommandFailed_WriteDroppedWhileOpen_AbortsAndReportsCommandFailed()
    {
        var host = StartHost();
        Send(host, Frame(1));
        var write = _connection.ExpectMsg<Tcp.Write>();

        host.Tell(new Tcp.CommandFailed(write, new IOException("Dropping write because queue is full")), _connection.Ref);

        _connection.ExpectMsg<Tcp.Abort>();
        host.Tell(Tcp.Aborted.Instance, _connection.Ref);
        var closed = ExpectMsg<TransportClosed>();
        Assert.Equal(TransportCloseReason.CommandFailed, closed.Reason);
        Assert.Equal("Dropping write because queue is full", closed.Cause);
        Assert.False(closed.RequestedLocally);
    }

    [Fact]
    public void CommandFailed_WriteDroppedWhileClosing_IsExpectedAndIgnored()
    {
        var host = StartHost();
        Send(host, Frame(1));
        var write = _connection.ExpectMsg<Tcp.Write>();
        host.Tell(CloseTransport.Instance);
        _connection.ExpectMsg<Tcp.Close>();

        host.Tell(new Tcp.CommandFailed(write, new IOException("Dropping write because the connection is closing")),
            _connection.Ref);
        host.Tell(new Tcp.ErrorClosed("Broken pipe"), _connection.Ref);

        var closed = ExpectMsg<TransportClosed>();
        Assert.Equal(TransportCloseReason.Error, closed.Reason);
        Assert.True(closed.RequestedLocally);
        _connection.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Ack_FromAnotherTransport_IsNotTakenForOurs()
    {
        var host = StartHost(OneAtATime);
        var otherConnection = CreateTestProbe();
        var other = Sys.ActorOf(TransportTestHost.Props(otherConnection.Ref, CreateTestProbe().Ref, OneAtATime));
        otherConnection.ExpectMsg<Tcp.Register>();
        other.Tell(new SendFrame(Frame(7)));
        var foreignAck = otherConnection.ExpectMsg<Tcp.Write>().Ack;
        Send(host, Frame(1));
        Send(host, Frame(2));
        ExpectWrite(Frame(1));

        host.Tell(foreignAck, _connection.Ref);

        _connection.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void OwnerStops_WhileOpen_AbortsTheConnection()
    {
        var host = StartHost();

        Sys.Stop(host);

        _connection.ExpectMsg<Tcp.Abort>();
    }

    [Fact]
    public void OwnerStops_AfterClose_SendsNothingMore()
    {
        var host = StartHost();
        host.Tell(Tcp.PeerClosed.Instance, _connection.Ref);
        ExpectMsg<TransportClosed>();

        Sys.Stop(host);

        _connection.ExpectNoMsg(Quiet);
    }
}
