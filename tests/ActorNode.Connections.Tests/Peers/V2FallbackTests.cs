using System.Net;
using ActorNode.Connections.Peers;
using ActorNode.Wire;

namespace ActorNode.Connections.Tests.Peers;

/// <summary>Core's choice of transport for outbound connections and its one-off reconnection with v1.</summary>
public sealed class V2FallbackTests
{
    private static readonly IPEndPoint Peer = new(IPAddress.Parse("10.0.0.1"), 8333);
    private static readonly IPEndPoint Other = new(IPAddress.Parse("10.0.0.2"), 8333);

    [Fact]
    public void WithV2On_ManualPeers_AndAddressesAdvertisingP2PV2_StartV2_OthersV1()
    {
        var fallback = new V2Fallback(enabled: true);
        Assert.True(fallback.UseV2(Peer, manual: true, advertised: null));
        Assert.True(fallback.UseV2(Peer, manual: true, advertised: ServiceFlags.Network));
        Assert.True(fallback.UseV2(Peer, manual: false, advertised: ServiceFlags.Network | ServiceFlags.P2PV2));
        Assert.False(fallback.UseV2(Peer, manual: false, advertised: ServiceFlags.Network | ServiceFlags.Witness));
        Assert.False(fallback.UseV2(Peer, manual: false, advertised: null));
    }

    [Fact]
    public void WithV2Off_NothingStartsV2_AndNothingIsRetried()
    {
        var fallback = new V2Fallback(enabled: false);
        Assert.False(fallback.UseV2(Peer, manual: true, advertised: ServiceFlags.P2PV2));
        Assert.False(fallback.OnV2AttemptClosed(Peer));
        Assert.Equal(0, fallback.V1OnlyCount);
    }

    [Theory]
    [InlineData(false, true, false, 0, 64, true)] // Core's case: a v1 peer dropped our key unanswered
    [InlineData(false, true, false, 0, 24, true)] // a v1 header's worth is enough
    [InlineData(false, true, false, 0, 23, false)] // less: a v1 peer would still be waiting
    [InlineData(false, true, false, 1, 64, false)] // it said something: not a v1 peer's answer
    [InlineData(false, true, true, 0, 64, false)] // the handshake completed
    [InlineData(false, false, false, 0, 64, false)] // we dialled v1
    [InlineData(true, true, false, 0, 64, false)] // inbound connections are never redialled
    public void ShouldReconnectV1_IsCoresRule(bool inbound, bool triedV2, bool completed, long received, long sent, bool expected) =>
        Assert.Equal(expected, V2Fallback.ShouldReconnectV1(inbound, triedV2, completed, received, sent));

    [Fact]
    public void AClosedV2Attempt_IsRetriedOnceWithV1_AndTheAddressRemembered()
    {
        var fallback = new V2Fallback(enabled: true);
        Assert.True(fallback.OnV2AttemptClosed(Peer));
        Assert.True(fallback.IsV1Only(Peer));
        Assert.False(fallback.UseV2(Peer, manual: true, advertised: ServiceFlags.P2PV2));
        Assert.True(fallback.UseV2(Other, manual: true, advertised: null));
        // A second report for the same address is no second retry.
        Assert.False(fallback.OnV2AttemptClosed(Peer));

        fallback.Forget(Peer);
        Assert.True(fallback.UseV2(Peer, manual: true, advertised: null));
    }

    [Fact]
    public void TheMemoryIsBounded_OldestForgottenFirst()
    {
        var fallback = new V2Fallback(enabled: true, capacity: 3);
        for (int i = 1; i <= 5; i++)
            Assert.True(fallback.OnV2AttemptClosed(new IPEndPoint(IPAddress.Parse($"10.0.1.{i}"), 8333)));
        Assert.Equal(3, fallback.V1OnlyCount);
        Assert.False(fallback.IsV1Only(new IPEndPoint(IPAddress.Parse("10.0.1.1"), 8333)));
        Assert.False(fallback.IsV1Only(new IPEndPoint(IPAddress.Parse("10.0.1.2"), 8333)));
        Assert.True(fallback.IsV1Only(new IPEndPoint(IPAddress.Parse("10.0.1.5"), 8333)));
    }
}

/// <summary>Beyond Core and btcd: a v1 peer that answers our key in v1 (bcoin's reject) is a v1 peer too.</summary>
public sealed class V2FallbackV1AnswerTests
{
    private const uint Magic = 0xdab5bffa; // regtest

    [Fact]
    public void BytesBeginningWithOurMagic_AreAV1Answer()
    {
        byte[] reject = [0xfa, 0xbf, 0xb5, 0xda, (byte)'r', (byte)'e'];
        Assert.True(V2Fallback.ShouldReconnectV1(false, true, false, 96, 4000, reject, Magic));
        byte[] key = [0x13, 0xbf, 0xb5, 0xda, 1, 2];
        Assert.False(V2Fallback.ShouldReconnectV1(false, true, false, 96, 4000, key, Magic));
        Assert.False(V2Fallback.ShouldReconnectV1(false, true, false, 3, 4000, reject.AsSpan(0, 3), Magic));
        Assert.False(V2Fallback.ShouldReconnectV1(false, true, true, 96, 4000, reject, Magic));
        Assert.False(V2Fallback.ShouldReconnectV1(true, true, false, 96, 4000, reject, Magic));
    }
}
