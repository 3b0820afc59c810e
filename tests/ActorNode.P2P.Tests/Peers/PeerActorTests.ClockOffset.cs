using System.Net;
using ActorNode.P2P.Peers;
using ActorNode.Wire.Messages;
using ActorNode.Wire;
using ActorNode.Wire.Primitives;
using Akka.Actor;

namespace ActorNode.P2P.Tests.Peers;

/// <summary>The peer's version timestamp is whatever it sends: stats must report it, not throw (found by the soak,
/// docs/benchmarks.md "Soak": a garbled version stopped a PeerActor on GetPeerInfo).</summary>
public sealed partial class PeerActorTests
{
    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    [InlineData(999_999_999_999_999)]
    public void Stats_OfAPeerWithAnAbsurdClock_AreAnsweredWithTheOffsetSaturated(long timestamp)
    {
        var peer = StartPeer(inbound: true);
        Feed(peer, new VersionMessage(70016, ServiceFlags.Network | ServiceFlags.Witness, timestamp,
            new NetAddress(ServiceFlags.None, IPAddress.Loopback, 18444), new NetAddress(ServiceFlags.None, IPAddress.Any, 0),
            99, "/Satoshi:27.0.0/", 150));
        _manager.ExpectMsg<RuleOnVersion>();
        peer.Tell(VersionAccepted.Instance, _manager.Ref);
        Written<VersionMessage>(peer);
        Feed(peer, VerAckMessage.Instance);
        _manager.FishForMessage(m => m is PeerReady);

        peer.Tell(GetPeerStats.Instance);
        var stats = ExpectMsg<PeerStats>();
        Assert.Equal(timestamp > 0 ? TimeSpan.FromSeconds(922_337_203_685) : TimeSpan.FromSeconds(-922_337_203_685), stats.TimeOffset);
        Assert.True(stats.Ready);
    }

    [Fact]
    public void ClockOffset_IsTheirClockMinusOursInSeconds()
    {
        var ours = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        Assert.Equal(TimeSpan.FromSeconds(-90), PeerActor.ClockOffset(1_699_999_910, ours));
        Assert.Equal(TimeSpan.Zero, PeerActor.ClockOffset(1_700_000_000, ours));
    }
}
