using System.Net;
using ActorNode.Host.Metrics;
using ActorNode.Host.Node;
using ActorNode.P2P.Peers;
using ActorNode.Wire;

namespace ActorNode.Host.Tests.Node;

/// <summary>Which subsystem a log line belongs to (for per-subsystem levels), and the byte totals of getnettotals.</summary>
public sealed class NodeLoggingAndTotalsTests
{
    [Theory]
    [InlineData("ActorNode.P2P.Peers.PeerActor", "peer")]
    [InlineData("ActorNode.P2P.Transport.TcpTransport", "peer")]
    [InlineData("ActorNode.P2P.Connections.ConnManagerActor", "connmanager")]
    [InlineData("ActorNode.P2P.AddrBook.AddrBookActor", "addrbook")]
    [InlineData("ActorNode.Host.Rpc.RpcServer", "rpc")]
    [InlineData("ActorNode.Host.Node.NodeHost", "host")]
    [InlineData("Akka.IO.TcpListener", "akka")]
    [InlineData("", "akka")]
    public void SourceContext_MapsToSubsystem(string source, string subsystem) =>
        Assert.Equal(subsystem, NodeLogging.SubsystemOf(source));

    private static PeerStats Stats(long id, long sent, long received) => new(id, new IPEndPoint(IPAddress.Loopback, 1), null, false,
        ServiceFlags.Network, 70016, "/x/", 0, 0, DateTimeOffset.UnixEpoch, null, null, sent, received, TimeSpan.Zero, null, null,
        null, true, false, false, 0, true, null);

    [Fact]
    public void NetTotals_KeepGonePeers_AndNeverCountAPeerTwice()
    {
        var totals = new NetTotals();
        totals.Observe([Stats(1, 100, 10), Stats(2, 50, 5)]);
        totals.Observe([Stats(2, 70, 9)]);             // peer 1 went; its last report stays
        Assert.Equal((170L, 19L), totals.Totals);
        totals.Observe([Stats(1, 100, 10), Stats(2, 70, 9)]); // peer 1 missing from one sample is not doubled
        Assert.Equal((170L, 19L), totals.Totals);
    }
}
