using System.Diagnostics;
using ActorNode.P2P.Transport;
using ActorNode.P2P.Transport.Shaping;
using Akka.Actor;
using Akka.IO;
using Akka.TestKit;
using static ActorNode.P2P.Tests.Transport.TransportTestHost;

namespace ActorNode.P2P.Tests.Transport.Shaping;

/// <summary>The shaped adapter against a <see cref="TestProbe"/> standing in for the connection actor (real time:
/// the delay line runs on the clock): writes leave only at their release time and in order, a polite close waits
/// for them, an abort drops them, held chunks are dropped after a close and a close event waits behind them.</summary>
public sealed class ShapedTransportSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(200);
    private readonly TestProbe _connection;
    private readonly DelayLine _line = new("shaped-transport-spec");

    public ShapedTransportSpec()
        : base("akka.loglevel = WARNING") => _connection = CreateTestProbe("connection");

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _line.Dispose();
    }

    private static byte[] Frame(byte tag, int length = 24) => Enumerable.Repeat(tag, length).ToArray();

    private IActorRef StartHost(LinkShaper shaper, TransportOptions? options = null)
    {
        var host = Sys.ActorOf(TransportTestHost.Props(_connection.Ref, TestActor,
            (options ?? new TransportOptions()) with { Shaper = shaper, DelayLine = _line }));
        _connection.ExpectMsg<Tcp.Register>();
        if ((options ?? TransportOptions.Default).PullMode) _connection.ExpectMsg<Tcp.ResumeReading>();
        return host;
    }

    private void Send(IActorRef host, byte[] frame)
    {
        host.Tell(new SendFrame(frame), TestActor);
        ExpectMsg(SendResult.Accepted);
    }

    private Tcp.Write ExpectWrite(byte[] frame, TimeSpan? within = null)
    {
        var write = _connection.ExpectMsg<Tcp.Write>(within ?? TimeSpan.FromSeconds(3));
        Assert.Equal(frame, write.Data.ToArray());
        return write;
    }

    private static LinkShaper SendDelay(TimeSpan latency) => new(latency, TimeSpan.Zero, null, null);

    private static LinkShaper ReceiveDelay(TimeSpan latency) => new(TimeSpan.Zero, latency, null, null);

    [Fact]
    public void IdentityShaper_TakesTheUnshapedPath_WithoutTheDelayLine()
    {
        // A stopped line schedules nothing: had the adapter used it, the write would never come.
        var stopped = new DelayLine("stopped");
        stopped.Dispose();
        var host = Sys.ActorOf(TransportTestHost.Props(_connection.Ref, TestActor, new TransportOptions
        {
            Shaper = new LinkShaper(TimeSpan.Zero, TimeSpan.Zero, null, null), DelayLine = stopped,
        }));
        _connection.ExpectMsg<Tcp.Register>();
        Send(host, Frame(1));
        ExpectWrite(Frame(1), TimeSpan.FromMilliseconds(500));
        host.Tell(new Tcp.Received(ByteString.FromBytes([9])), _connection.Ref);
        Assert.Equal(new byte[] { 9 }, ExpectMsg<DataReceived>(TimeSpan.FromMilliseconds(500)).Data);
    }

    [Fact]
    public void Write_IsHandedToTheConnectionOnlyAfterTheLatency_InOrder()
    {
        var host = StartHost(SendDelay(Latency));
        var clock = Stopwatch.StartNew();
        Send(host, Frame(1));
        Send(host, Frame(2));
        _connection.ExpectNoMsg(Latency / 2);
        var first = ExpectWrite(Frame(1));
        Assert.True(clock.Elapsed >= Latency, $"handed on after {clock.Elapsed.TotalMilliseconds} ms");
        ExpectWrite(Frame(2));
        host.Tell(first.Ack, _connection.Ref);
    }

    [Fact]
    public void Writes_ThroughAFullUplink_StayQueuedAndLeaveAtTheRate()
    {
        // 50 kB/s with no burst: each 10 kB write takes 200 ms of the uplink; window 1, so the next frame is not
        // even reserved until the one before is through.
        var upload = new TokenBucket(50_000, burstBytes: 0);
        var host = StartHost(new LinkShaper(TimeSpan.Zero, TimeSpan.Zero, upload, null),
            new TransportOptions { MaxUnackedWrites = 1, MaxWriteBytes = 10_000 });
        var clock = Stopwatch.StartNew();
        for (byte i = 1; i <= 3; i++) Send(host, Frame(i, 10_000));
        host.Tell(GetStats.Instance);
        Assert.Equal(2, ExpectMsg<Stats>().QueuedFrames);
        for (byte i = 1; i <= 3; i++)
        {
            var write = ExpectWrite(Frame(i, 10_000));
            Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(200 * i),
                $"write {i} after {clock.Elapsed.TotalMilliseconds} ms");
            host.Tell(write.Ack, _connection.Ref);
        }
    }

    [Fact]
    public void DueWrites_WaitForTheAckWindow()
    {
        var host = StartHost(SendDelay(TimeSpan.FromMilliseconds(100)),
            new TransportOptions { MaxUnackedWrites = 1, MaxWriteBytes = 24 });
        Send(host, Frame(1));
        Send(host, Frame(2)); // through the (unlimited) uplink at once: on the wire, out of the window
        var first = ExpectWrite(Frame(1));
        _connection.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // due, but the socket has not acked the first
        host.Tell(first.Ack, _connection.Ref);
        ExpectWrite(Frame(2), TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public void Close_WaitsForTheScheduledWrites_ThenCloses()
    {
        var host = StartHost(SendDelay(Latency));
        Send(host, Frame(1));
        Send(host, Frame(2));
        host.Tell(CloseTransport.Instance);
        _connection.ExpectNoMsg(Latency / 2);
        ExpectWrite(Frame(1));
        ExpectWrite(Frame(2));
        _connection.ExpectMsg<Tcp.Close>();
        host.Tell(Tcp.Closed.Instance, _connection.Ref);
        Assert.Equal(TransportCloseReason.Closed, ExpectMsg<TransportClosed>().Reason);
    }

    [Fact]
    public void Abort_DropsTheScheduledWrites()
    {
        var host = StartHost(SendDelay(Latency));
        Send(host, Frame(1));
        host.Tell(AbortTransport.Instance);
        _connection.ExpectMsg<Tcp.Abort>();
        _connection.ExpectNoMsg(Latency * 2);
        host.Tell(Tcp.Aborted.Instance, _connection.Ref);
        Assert.Equal(TransportCloseReason.Aborted, ExpectMsg<TransportClosed>().Reason);
    }

    [Fact]
    public void ReceivedChunk_IsHandedOnAfterTheLatency_WhileReadingGoesOn()
    {
        var host = StartHost(ReceiveDelay(Latency), new TransportOptions { PullMode = true });
        var clock = Stopwatch.StartNew();
        host.Tell(new Tcp.Received(ByteString.FromBytes([1, 2])), _connection.Ref);
        host.Tell(new Tcp.Received(ByteString.FromBytes([3])), _connection.Ref);
        // The held chunks are on the simulated wire: the next ones are asked for at once.
        _connection.ExpectMsg<Tcp.ResumeReading>(TimeSpan.FromMilliseconds(100));
        _connection.ExpectMsg<Tcp.ResumeReading>(TimeSpan.FromMilliseconds(100));
        ExpectNoMsg(Latency / 2);
        Assert.Equal(new byte[] { 1, 2 }, ExpectMsg<DataReceived>().Data);
        Assert.True(clock.Elapsed >= Latency, $"handed on after {clock.Elapsed.TotalMilliseconds} ms");
        Assert.Equal(new byte[] { 3 }, ExpectMsg<DataReceived>().Data);
    }

    [Fact]
    public void PullMode_AFullSimulatedWire_StopsReadingUntilAChunkIsHandedOn()
    {
        var host = StartHost(ReceiveDelay(Latency), new TransportOptions { PullMode = true, ShapedWindowBytes = 100 });
        host.Tell(new Tcp.Received(ByteString.FromBytes(new byte[100])), _connection.Ref);
        _connection.ExpectNoMsg(Latency / 2); // the wire is full: TCP holds the sender back
        ExpectMsg<DataReceived>();
        _connection.ExpectMsg<Tcp.ResumeReading>(); // room again
    }

    [Fact]
    public void HeldChunks_AfterAClose_AreDropped()
    {
        var host = StartHost(ReceiveDelay(Latency));
        host.Tell(new Tcp.Received(ByteString.FromBytes([1])), _connection.Ref);
        host.Tell(CloseTransport.Instance);
        _connection.ExpectMsg<Tcp.Close>();
        ExpectNoMsg(Latency * 2);
        host.Tell(Tcp.Closed.Instance, _connection.Ref);
        Assert.Equal(TransportCloseReason.Closed, ExpectMsg<TransportClosed>().Reason);
    }

    [Fact]
    public void PeerClosed_WaitsBehindTheHeldChunks()
    {
        var host = StartHost(ReceiveDelay(Latency));
        host.Tell(new Tcp.Received(ByteString.FromBytes([1])), _connection.Ref);
        host.Tell(new Tcp.Received(ByteString.FromBytes([2])), _connection.Ref);
        host.Tell(Tcp.PeerClosed.Instance, _connection.Ref);
        Assert.Equal(new byte[] { 1 }, ExpectMsg<DataReceived>().Data);
        Assert.Equal(new byte[] { 2 }, ExpectMsg<DataReceived>().Data);
        Assert.Equal(TransportCloseReason.PeerClosed, ExpectMsg<TransportClosed>().Reason);
    }

    [Fact]
    public void ConnectionTerminated_WithChunksHeld_ReportsAfterThem()
    {
        var connection = CreateTestProbe();
        var host = Sys.ActorOf(TransportTestHost.Props(connection.Ref, TestActor,
            new TransportOptions { Shaper = ReceiveDelay(Latency), DelayLine = _line }));
        connection.ExpectMsg<Tcp.Register>();
        host.Tell(new Tcp.Received(ByteString.FromBytes([7])), connection.Ref);
        Sys.Stop(connection.Ref);
        Assert.Equal(new byte[] { 7 }, ExpectMsg<DataReceived>().Data);
        Assert.Equal(TransportCloseReason.ConnectionLost, ExpectMsg<TransportClosed>().Reason);
    }
}
