using System.Net;
using System.Net.Sockets;
using ActorNode.P2P.Transport;
using Akka.Actor;
using Akka.IO;
using static ActorNode.P2P.Tests.Transport.TransportTestHost;

namespace ActorNode.P2P.Tests.Transport;

/// <summary>Real-socket edges the PeerActor and ConnManagerActor rely on: acks stop when the remote stops reading
/// (so the slow-peer deadline is real backpressure), and a dial to a closed port fails cleanly.</summary>
[Collection(LoopbackCollection.Name)]
public sealed class LoopbackEdgeCasesSpec : Akka.TestKit.Xunit2.TestKit
{
    public LoopbackEdgeCasesSpec()
        : base("akka.loglevel = WARNING")
    {
    }

    private static int OpenFileDescriptors() => Directory.GetFileSystemEntries("/proc/self/fd").Length;

    [Fact]
    public void SlowPeer_RemoteNeverReads_DeadlineFiresAndAbortResetsTheConnection()
    {
        // A plain .NET socket that accepts and never reads, with small buffers (fixed sizes turn off autotuning).
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        server.ReceiveBufferSize = 4096;
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        server.Listen(1);
        Sys.Tcp().Tell(new Tcp.Connect(server.LocalEndPoint!, options: [new Inet.SO.SendBufferSize(4096)],
            timeout: TimeSpan.FromSeconds(5)));
        ExpectMsg<Tcp.Connected>();
        var connection = LastSender;
        using var accepted = server.Accept();
        var host = Sys.ActorOf(TransportTestHost.Props(connection, TestActor, new TransportOptions
        {
            MaxUnackedWrites = 1, SlowPeerDeadline = TimeSpan.FromSeconds(1),
        }));

        var frame = new byte[64 * 1024];
        for (var i = 0; i < 16; i++) // 1 MiB: far more than the two kernel buffers hold
        {
            host.Tell(new SendFrame(frame));
            ExpectMsg(SendResult.Accepted);
        }

        Assert.Equal(SlowPeerReason.DrainTimeout, ExpectMsg<SlowPeer>(TimeSpan.FromSeconds(10)).Reason);
        host.Tell(GetStats.Instance);
        var stats = ExpectMsg<Stats>();
        Assert.Equal(1, stats.UnackedWrites);
        Assert.True(stats.QueuedFrames > 0, "the queue waits here, not in Akka.IO");

        host.Tell(AbortTransport.Instance);
        var closed = ExpectMsg<TransportClosed>();
        Assert.Equal(TransportCloseReason.Aborted, closed.Reason);
        Assert.True(closed.RequestedLocally);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Dial_PortWithNoListener_CommandFailedAndNoDescriptorLeft()
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }
        var closedPort = new IPEndPoint(IPAddress.Loopback, port);

        Sys.Tcp().Tell(new Tcp.Connect(closedPort, timeout: TimeSpan.FromSeconds(5))); // warm-up
        ExpectMsg<Tcp.CommandFailed>(TimeSpan.FromSeconds(10));
        var fdBefore = OpenFileDescriptors();

        for (var i = 0; i < 50; i++)
            Sys.Tcp().Tell(new Tcp.Connect(closedPort, timeout: TimeSpan.FromSeconds(5)));
        for (var i = 0; i < 50; i++)
            Assert.IsType<Tcp.Connect>(ExpectMsg<Tcp.CommandFailed>(TimeSpan.FromSeconds(10)).Cmd);

        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        AwaitAssert(() => Assert.InRange(OpenFileDescriptors(), 0, fdBefore + 4), TimeSpan.FromSeconds(5));
    }
}
