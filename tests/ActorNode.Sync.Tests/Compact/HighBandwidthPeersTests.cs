using ActorNode.Sync.Compact;

namespace ActorNode.Sync.Tests.Compact;

/// <summary>The choice of high-bandwidth compact-block peers (Core <c>MaybeSetPeerAsAnnouncingHeaderAndIDs</c>).</summary>
public class HighBandwidthPeersTests
{
    [Fact]
    public void FirstThree_AreAskedWithoutDemotingAnyone()
    {
        var peers = new HighBandwidthPeers();
        Assert.Equal(new HighBandwidthChange(1, null), peers.Promote(1, inbound: false));
        Assert.Equal(new HighBandwidthChange(2, null), peers.Promote(2, inbound: false));
        Assert.Equal(new HighBandwidthChange(3, null), peers.Promote(3, inbound: true));
        Assert.Equal([1L, 2L, 3L], peers.Peers);
    }

    [Fact]
    public void AFourth_DemotesTheLeastRecent()
    {
        var peers = new HighBandwidthPeers();
        peers.Promote(1, false);
        peers.Promote(2, false);
        peers.Promote(3, false);
        Assert.Equal(new HighBandwidthChange(4, 1), peers.Promote(4, false));
        Assert.Equal([2L, 3L, 4L], peers.Peers);
    }

    [Fact]
    public void APeerAlreadyChosen_MovesToTheBackAndNothingIsSent()
    {
        var peers = new HighBandwidthPeers();
        peers.Promote(1, false);
        peers.Promote(2, false);
        peers.Promote(3, false);
        Assert.Equal(default, peers.Promote(1, false));
        Assert.Equal([2L, 3L, 1L], peers.Peers);
        Assert.Equal(new HighBandwidthChange(4, 2), peers.Promote(4, false));
    }

    [Fact]
    public void AnInboundNewcomer_NeverDemotesTheOnlyOutboundPeer()
    {
        var peers = new HighBandwidthPeers();
        peers.Promote(1, inbound: false);
        peers.Promote(2, inbound: true);
        peers.Promote(3, inbound: true);
        Assert.Equal(new HighBandwidthChange(4, 2), peers.Promote(4, inbound: true));
        Assert.Contains(1L, peers.Peers);
        // An outbound newcomer may replace it.
        Assert.Equal(new HighBandwidthChange(5, 1), peers.Promote(5, inbound: false));
    }

    [Fact]
    public void AGonePeer_FreesItsSlot()
    {
        var peers = new HighBandwidthPeers();
        peers.Promote(1, false);
        peers.Promote(2, false);
        peers.Promote(3, false);
        Assert.True(peers.Remove(2));
        Assert.False(peers.Contains(2));
        Assert.Equal(new HighBandwidthChange(4, null), peers.Promote(4, false));
    }
}
