using ActorNode.Wire;
using Microsoft.Extensions.Time.Testing;

namespace ActorNode.Sync.Tests;

public class SyncPeerSelectorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const ServiceFlags Full = ServiceFlags.Network | ServiceFlags.Witness;
    private readonly FakeTimeProvider _time = new(T0);

    /// <summary>Best header 1000 whose time is "now" (so Core's timeout is its 15-minute base), best block 900.</summary>
    private SyncPeerSelector Selector(int seed = 1) => new(_time, new Random(seed), 1000, T0, 900);

    [Theory]
    [InlineData(Full, 2000, 900, true, true)]
    [InlineData(ServiceFlags.Network, 2000, 900, true, false)]            // segwit active: must serve witnesses
    [InlineData(ServiceFlags.Network, 2000, 900, false, true)]            // regtest / before segwit
    [InlineData(ServiceFlags.Witness, 2000, 900, true, false)]            // serves no blocks
    [InlineData(ServiceFlags.None, 2000, 900, false, false)]
    // NODE_NETWORK_LIMITED: candidate iff ourBest + 1 > peer height - 288 (btcd isSyncCandidate)
    [InlineData(ServiceFlags.NetworkLimited | ServiceFlags.Witness, 1188, 900, true, true)]
    [InlineData(ServiceFlags.NetworkLimited | ServiceFlags.Witness, 1189, 900, true, false)]
    public void IsSyncCandidate_FollowsBtcd(ServiceFlags services, int peerHeight, int ourBest, bool witness, bool expected) =>
        Assert.Equal(expected, SyncPeerSelector.IsSyncCandidate(services, peerHeight, ourBest, witness));

    [Fact]
    public void PeerConnected_AheadOfOurBestHeader_BecomesSyncPeer()
    {
        var s = Selector();
        Assert.Null(s.PeerConnected(1, Full, 1000)); // not ahead of our best header
        Assert.Null(s.SyncPeer);
        var change = s.PeerConnected(2, Full, 1500);
        Assert.NotNull(change);
        Assert.Equal(SyncPeerReason.Started, change.Reason);
        Assert.Equal(2, change.NewSyncPeer);
        Assert.Null(change.Disconnect);
        Assert.Equal(2, s.SyncPeer);
        Assert.Null(s.PeerConnected(3, Full, 3000)); // already syncing
        Assert.Equal(2, s.SyncPeer);
    }

    [Fact]
    public void PeerConnected_NotACandidate_IsNeverChosen()
    {
        var s = Selector();
        Assert.Null(s.PeerConnected(1, ServiceFlags.Network, 5000)); // no witness
        Assert.Null(s.PeerConnected(2, ServiceFlags.NetworkLimited | ServiceFlags.Witness, 5000)); // pruned, far ahead
        Assert.Null(s.SyncPeer);
    }

    [Fact]
    public void Choice_IsRandomAmongCandidatesAboveOurBestHeader_AsBtcd()
    {
        var chosen = new HashSet<long>();
        for (var seed = 0; seed < 200; seed++)
        {
            var s = Selector(seed);
            s.PeerConnected(1, Full, 900);                  // behind our best header
            s.PeerConnected(2, Full, 1000);                 // level with it
            s.PeerConnected(3, ServiceFlags.Network, 9000); // ahead, but serves no witnesses
            Assert.Equal(4, s.PeerConnected(4, Full, 6000)?.NewSyncPeer); // the only one ahead
            s.PeerConnected(5, Full, 7000);
            s.PeerConnected(6, Full, 5001);
            var change = s.PeerDisconnected(4);
            Assert.NotNull(change);
            Assert.Contains(change.NewSyncPeer!.Value, new long[] { 5, 6 });
            chosen.Add(change.NewSyncPeer.Value);
        }
        Assert.Equal(new HashSet<long> { 5, 6 }, chosen); // both get picked: random, not always the highest
    }

    [Fact]
    public void PeerDisconnected_SyncPeerLost_SwitchesToAnotherCandidate()
    {
        var s = Selector();
        s.PeerConnected(1, Full, 2000);
        s.PeerConnected(2, Full, 1800);
        Assert.Equal(1, s.SyncPeer);
        Assert.Null(s.PeerDisconnected(2)); // not the sync peer
        s.PeerConnected(3, Full, 1900);
        var change = s.PeerDisconnected(1);
        Assert.NotNull(change);
        Assert.Equal(SyncPeerReason.PeerLost, change.Reason);
        Assert.Equal(1, change.PreviousSyncPeer);
        Assert.Equal(3, change.NewSyncPeer);
        Assert.Null(change.Disconnect);
    }

    [Fact]
    public void PeerDisconnected_NoOtherCandidate_NoSyncPeer()
    {
        var s = Selector();
        s.PeerConnected(1, Full, 2000);
        s.PeerConnected(2, Full, 1000);
        var change = s.PeerDisconnected(1);
        Assert.NotNull(change);
        Assert.Null(change.NewSyncPeer);
        Assert.Null(s.SyncPeer);
        // A later announcement that puts a peer ahead starts a sync with it.
        var again = s.PeerHeightRaised(2, 1001);
        Assert.Equal(2, again?.NewSyncPeer);
    }

    [Fact]
    public void OurChainChanged_ReachedTheSyncPeersHeight_HandsOverToAHigherCandidate()
    {
        var s = Selector();
        s.PeerConnected(1, Full, 1500);
        s.PeerConnected(2, Full, 1700);
        Assert.Equal(1, s.SyncPeer);
        Assert.Null(s.OurChainChanged(1400, T0, 900));
        var change = s.OurChainChanged(1500, T0, 900);
        Assert.NotNull(change);
        Assert.Equal(SyncPeerReason.HeadersDone, change.Reason);
        Assert.Equal(2, change.NewSyncPeer);
        Assert.Null(change.Disconnect);
        var done = s.OurChainChanged(1700, T0, 900);
        Assert.NotNull(done);
        Assert.Null(done.NewSyncPeer);
        Assert.Null(s.SyncPeer);
    }

    [Fact]
    public void CheckStall_NoProgressFor3Minutes_DisconnectsAndSwitches()
    {
        var s = Selector();
        s.PeerConnected(1, Full, 5000);
        s.PeerConnected(2, Full, 5000);
        Assert.Equal(1, s.SyncPeer);
        _time.Advance(SyncPeerSelector.MaxStallDuration);
        Assert.Null(s.CheckStall()); // btcd: stalled only after more than 3 minutes
        _time.Advance(TimeSpan.FromSeconds(1));
        var change = s.CheckStall();
        Assert.NotNull(change);
        Assert.Equal(SyncPeerReason.Stalled, change.Reason);
        Assert.Equal(1, change.Disconnect);
        Assert.Equal(2, change.NewSyncPeer);
    }

    [Fact]
    public void CheckStall_HeadersProgress_ResetsTheClock()
    {
        var s = Selector();
        s.PeerConnected(1, Full, 5000);
        _time.Advance(TimeSpan.FromMinutes(2));
        s.HeadersProgress(1);
        s.HeadersProgress(99); // not the sync peer: no effect
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Null(s.CheckStall());
    }

    [Fact]
    public void CheckStall_NoOtherCandidate_DisconnectsAndLeavesNoSyncPeer()
    {
        var s = Selector();
        s.PeerConnected(1, Full, 5000);
        _time.Advance(TimeSpan.FromMinutes(4));
        var change = s.CheckStall();
        Assert.NotNull(change);
        Assert.Equal(1, change.Disconnect);
        Assert.Null(change.NewSyncPeer);
        Assert.Null(s.SyncPeer);
        Assert.Null(s.CheckStall());
    }

    [Fact]
    public void HeadersTimeout_IsCores15MinutesPlus1msPerMissingHeader()
    {
        // Best header ten days old: 1,440 headers likely missing at 10 minutes each.
        var s = new SyncPeerSelector(_time, new Random(1), 1000, T0 - TimeSpan.FromDays(10), 900);
        Assert.Equal(TimeSpan.FromMinutes(15) + TimeSpan.FromMilliseconds(1440), s.HeadersTimeout(T0));
        s.PeerConnected(1, Full, 900_000);
        Assert.Equal(T0 + TimeSpan.FromMinutes(15) + TimeSpan.FromMilliseconds(1440), s.HeadersDeadline);
    }

    [Fact]
    public void HeadersTimeout_Expired_DisconnectsOnlyIfAnotherCandidateExists()
    {
        var s = new SyncPeerSelector(_time, new Random(1), 1000, T0 - TimeSpan.FromDays(10), 900);
        s.PeerConnected(1, Full, 900_000);
        var deadline = s.HeadersDeadline!.Value;
        // Steady progress, so btcd's stall rule never fires; only the overall deadline does.
        while (_time.GetUtcNow() <= deadline)
        {
            _time.Advance(SyncPeerSelector.StallSampleInterval);
            s.HeadersProgress(1);
            if (_time.GetUtcNow() <= deadline) Assert.Null(s.CheckStall());
        }
        Assert.Null(s.CheckStall()); // alone: Core keeps its only sync peer
        Assert.Equal(1, s.SyncPeer);

        s.PeerConnected(2, Full, 900_000);
        var change = s.CheckStall();
        Assert.NotNull(change);
        Assert.Equal(SyncPeerReason.HeadersTimeout, change.Reason);
        Assert.Equal(1, change.Disconnect);
        Assert.Equal(2, change.NewSyncPeer);
    }

    [Fact]
    public void HeadersTimeout_NotAppliedOnceTheBestHeaderIsRecent()
    {
        var s = Selector(); // best header time = now
        s.PeerConnected(1, Full, 5000);
        s.PeerConnected(2, Full, 5000);
        for (var i = 0; i < 60; i++)
        {
            _time.Advance(SyncPeerSelector.StallSampleInterval);
            s.HeadersProgress(1);
            s.OurChainChanged(1000 + i, _time.GetUtcNow(), 900);
            Assert.Null(s.CheckStall());
        }
        Assert.Equal(1, s.SyncPeer);
    }
}
