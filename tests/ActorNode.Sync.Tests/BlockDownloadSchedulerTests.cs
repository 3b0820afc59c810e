using Microsoft.Extensions.Time.Testing;
using static ActorNode.Sync.Tests.ChainFixture;

namespace ActorNode.Sync.Tests;

public class BlockDownloadSchedulerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>Tip 0, blocks 1..length wanted, peers 1..peers each having all of them.</summary>
    private BlockDownloadScheduler Scheduler(int length, int peers)
    {
        var s = new BlockDownloadScheduler(_time, tipHeight: 0);
        s.SetChain(1, Hashes(1, length));
        for (var p = 1; p <= peers; p++)
        {
            s.AddPeer(p);
            s.UpdatePeerBest(p, length, Hash(length));
        }
        return s;
    }

    private static int[] Heights(IReadOnlyList<BlockRequest> requests) => requests.Select(r => r.Height).ToArray();

    [Fact]
    public void NextRequests_FreshChain_AsksTheLowest16()
    {
        var s = Scheduler(100, 1);
        var requests = s.NextRequests(1);
        Assert.Equal(Enumerable.Range(1, 16), Heights(requests));
        Assert.All(requests, r => Assert.Equal(Hash(r.Height), r.Hash));
        Assert.Equal(16, s.InFlightFrom(1));
    }

    [Fact]
    public void NextRequests_16InFlight_AsksNothingMoreUntilOneArrives()
    {
        var s = Scheduler(100, 1);
        s.NextRequests(1);
        Assert.Empty(s.NextRequests(1));
        Assert.Equal(BlockReceipt.Requested, s.BlockReceived(1, Hash(3)));
        Assert.Equal([17], Heights(s.NextRequests(1)));
        Assert.Equal(BlockDownloadScheduler.MaxBlocksInTransitPerPeer, s.InFlightFrom(1));
    }

    [Fact]
    public void NextRequests_TwoPeers_NeverTheSameBlock()
    {
        var s = Scheduler(100, 2);
        var a = Heights(s.NextRequests(1));
        var b = Heights(s.NextRequests(2));
        Assert.Equal(Enumerable.Range(1, 16), a);
        Assert.Equal(Enumerable.Range(17, 16), b);
        Assert.Equal(1, s.InFlightWith(Hash(1)));
        Assert.Equal(2, s.InFlightWith(Hash(17)));
    }

    [Fact]
    public void NextRequests_PeerHasOnlyPartOfTheChain_IsAskedOnlyForWhatItHas()
    {
        var s = Scheduler(100, 0);
        s.AddPeer(7);
        s.UpdatePeerBest(7, 5, Hash(5));
        Assert.Equal([1, 2, 3, 4, 5], Heights(s.NextRequests(7)));
        foreach (var h in new[] { 1, 2, 3, 4, 5 }) s.BlockReceived(7, Hash(h));
        Assert.Empty(s.NextRequests(7));
    }

    [Fact]
    public void NextRequests_PeerWithNoKnownBlock_IsNeverAsked()
    {
        var s = Scheduler(100, 0);
        s.AddPeer(7);
        Assert.Empty(s.NextRequests(7));
        Assert.Equal(-1, s.PeerAvailable(7));
    }

    [Fact]
    public void UpdatePeerBest_UnknownHash_TakesEffectWhenTheHeadersBringIt()
    {
        var s = Scheduler(100, 0);
        s.AddPeer(7);
        s.UpdatePeerBest(7, 150, Hash(150)); // our headers end at 100
        Assert.Empty(s.NextRequests(7));
        s.SetChain(101, Hashes(101, 200));
        Assert.Equal(150, s.PeerAvailable(7));
        Assert.Equal(Enumerable.Range(1, 16), Heights(s.NextRequests(7)));
    }

    [Fact]
    public void UpdatePeerBest_BlockOfAnotherBranch_GivesNothing()
    {
        var s = Scheduler(100, 0);
        s.AddPeer(7);
        s.UpdatePeerBest(7, 50, Hash(50, branch: 9));
        Assert.Empty(s.NextRequests(7));
    }

    [Fact]
    public void Window_Full_NothingBeyondWindowEnd_ThenMovesWhenTheLowestBlockArrives()
    {
        // 64 peers x 16 = 1024 = the whole window.
        var s = Scheduler(3000, 65);
        for (var p = 1; p <= 64; p++) s.NextRequests(p);
        Assert.Equal(1, s.WindowStart);
        Assert.Equal(1024, s.WindowEnd);
        Assert.Empty(s.NextRequests(65));

        // A block in the middle does not move the window.
        Assert.Equal(BlockReceipt.Requested, s.BlockReceived(2, Hash(17)));
        Assert.Equal(1, s.WindowStart);
        Assert.Equal(BlockReceipt.Requested, s.BlockReceived(1, Hash(1)));
        Assert.Equal(2, s.WindowStart);
        Assert.Equal([1025], Heights(s.NextRequests(65)));
    }

    [Fact]
    public void Window_MovesOverEveryContiguousReceivedBlock()
    {
        var s = Scheduler(3000, 2);
        s.NextRequests(1); // 1..16
        s.NextRequests(2); // 17..32
        for (var h = 17; h <= 32; h++) s.BlockReceived(2, Hash(h));
        Assert.Equal(1, s.WindowStart);
        for (var h = 1; h <= 16; h++) s.BlockReceived(1, Hash(h));
        Assert.Equal(33, s.WindowStart);
        Assert.Equal(33 + 1023, s.WindowEnd);
    }

    [Fact]
    public void SetTip_DropsConnectedBlocks()
    {
        var s = Scheduler(100, 1);
        s.NextRequests(1);
        for (var h = 1; h <= 16; h++) s.BlockReceived(1, Hash(h));
        s.SetTip(16);
        Assert.Equal(16, s.TipHeight);
        Assert.Equal(84, s.OutstandingCount);
        Assert.Equal(Enumerable.Range(17, 16), Heights(s.NextRequests(1)));
    }

    [Fact]
    public void BlockReceived_SecondCopy_IsUnrequested()
    {
        var s = Scheduler(100, 1);
        s.NextRequests(1);
        Assert.Equal(BlockReceipt.Requested, s.BlockReceived(1, Hash(1)));
        Assert.Equal(BlockReceipt.Unrequested, s.BlockReceived(1, Hash(1)));
    }

    [Fact]
    public void BlockReceived_FromAPeerNotAsked_IsUnrequestedAndLeavesTheRequestAlone()
    {
        var s = Scheduler(100, 2);
        s.NextRequests(1);
        Assert.Equal(BlockReceipt.Unrequested, s.BlockReceived(2, Hash(1)));
        Assert.Equal(1, s.InFlightWith(Hash(1)));
        Assert.Equal(BlockReceipt.Unrequested, s.BlockReceived(2, Hash(500)));   // not wanted at all
        Assert.Equal(BlockReceipt.Unrequested, s.BlockReceived(2, Hash(50)));    // wanted, never asked
        Assert.Equal(16, s.InFlightFrom(1));
    }

    [Fact]
    public void RemovePeer_ItsBlocksGoToTheOthers()
    {
        var s = Scheduler(100, 2);
        s.NextRequests(1); // 1..16
        s.NextRequests(2); // 17..32
        for (var h = 17; h <= 32; h++) s.BlockReceived(2, Hash(h));
        var released = s.RemovePeer(1);
        Assert.Equal(Enumerable.Range(1, 16), Heights(released));
        Assert.False(s.HasPeer(1));
        var all = s.ScheduleAll();
        Assert.Single(all);
        Assert.Equal(2, all[0].PeerId);
        Assert.Equal(Enumerable.Range(1, 16), Heights(all[0].Requests));
        Assert.Equal(BlockReceipt.Unrequested, s.BlockReceived(1, Hash(2))); // a late block from the gone peer
    }

    [Fact]
    public void NotFound_ReroutesTheBlockAndStopsAskingThatPeerForIt()
    {
        var s = Scheduler(100, 2);
        s.NextRequests(1); // 1..16
        Assert.True(s.NotFound(1, Hash(5)));
        Assert.Null(s.InFlightWith(Hash(5)));
        Assert.Equal(4, s.PeerAvailable(1));
        Assert.Empty(s.NextRequests(1)); // it has a free slot, but nothing it claims to have is left
        var b = Heights(s.NextRequests(2));
        Assert.Equal(5, b[0]);
        Assert.Equal(Enumerable.Range(17, 15), b[1..]);
    }

    [Fact]
    public void NotFound_ForABlockNotAskedOfThatPeer_IsIgnored()
    {
        var s = Scheduler(100, 2);
        s.NextRequests(1);
        Assert.False(s.NotFound(2, Hash(1)));
        Assert.False(s.NotFound(2, Hash(99)));
        Assert.Equal(1, s.InFlightWith(Hash(1)));
        Assert.Equal(100, s.PeerAvailable(2));
    }

    /// <summary>Fills the window: staller (peer 1) holds 1..16, peers 2..64 hold and deliver 17..1024, peer 65 is
    /// idle; then every idle peer asks again, which starts the staller's clock.</summary>
    private static void StallWindow(BlockDownloadScheduler s, long staller, IEnumerable<long> others)
    {
        Assert.Equal(s.WindowStart, s.NextRequests(staller)[0].Height);
        var otherList = others.ToList();
        var progress = true;
        while (progress)
        {
            progress = false;
            foreach (var p in otherList)
                foreach (var r in s.NextRequests(p))
                {
                    Assert.Equal(BlockReceipt.Requested, s.BlockReceived(p, r.Hash));
                    progress = true;
                }
        }
    }

    [Fact]
    public void Stalling_PeerHoldingTheWindow_IsNamedAfterTheTimeoutAndItsBlocksFreed()
    {
        var s = Scheduler(5000, 3);
        StallWindow(s, 1, [2, 3]);
        Assert.Equal(1, s.WindowStart);
        Assert.Empty(s.CheckPeers());

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Empty(s.CheckPeers()); // Core: stalling since < now - timeout, strictly
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var fault = Assert.Single(s.CheckPeers());
        Assert.Equal(1, fault.PeerId);
        Assert.Equal(DownloadFault.StallingWindow, fault.Fault);
        Assert.Equal(Enumerable.Range(1, 16), Heights(fault.Released));
        Assert.False(s.HasPeer(1));
        Assert.Equal(TimeSpan.FromSeconds(4), s.StallingTimeout);
        Assert.Equal(Enumerable.Range(1, 16), Heights(s.NextRequests(2)));
    }

    [Fact]
    public void Stalling_StallerDeliversABlock_ClockStops()
    {
        var s = Scheduler(5000, 3);
        StallWindow(s, 1, [2, 3]);
        _time.Advance(TimeSpan.FromSeconds(1));
        s.BlockReceived(1, Hash(16)); // progress, though not the window's lowest block
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Empty(s.CheckPeers());
    }

    [Fact]
    public void Stalling_TimeoutDoublesPerStallUpTo64s_AndDecaysBy15PercentPerConnectedBlock()
    {
        var s = Scheduler(20000, 0);
        long next = 1;
        var expected = new[] { 4, 8, 16, 32, 64, 64 };
        foreach (var after in expected)
        {
            var staller = next++;
            var other = next++;
            s.AddPeer(staller);
            s.UpdatePeerBest(staller, 20000, Hash(20000));
            s.AddPeer(other);
            s.UpdatePeerBest(other, 20000, Hash(20000));
            StallWindow(s, staller, [other]);
            var timeout = s.StallingTimeout;
            _time.Advance(timeout);
            Assert.Empty(s.CheckPeers());
            _time.Advance(TimeSpan.FromMilliseconds(1));
            var fault = Assert.Single(s.CheckPeers());
            Assert.Equal(staller, fault.PeerId);
            Assert.Equal(TimeSpan.FromSeconds(after), s.StallingTimeout);
            // The other peer takes the freed window bottom and delivers, so the next round starts clean.
            foreach (var r in s.NextRequests(other)) s.BlockReceived(other, r.Hash);
            s.RemovePeer(other);
        }

        // Decay: Core's max(floor(t * 0.85 s), 2 s) per connected block, worked by hand from 64 s.
        int[] decay = [54, 45, 38, 32, 27, 22, 18, 15, 12, 10, 8, 6, 5, 4, 3, 2, 2];
        var tip = s.TipHeight;
        foreach (var seconds in decay)
        {
            s.SetTip(++tip);
            Assert.Equal(TimeSpan.FromSeconds(seconds), s.StallingTimeout);
        }
    }

    [Fact]
    public void Stalling_NoIdlePeer_NoStallClock()
    {
        // Everyone is busy: the window is full but nobody waits on it, so nobody stalls.
        var s = Scheduler(5000, 64);
        for (var p = 1; p <= 64; p++) s.NextRequests(p);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(s.CheckPeers());
    }

    [Fact]
    public void DownloadTimeout_OnePeer_OneBlockInterval()
    {
        var s = Scheduler(100, 1);
        s.NextRequests(1);
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Empty(s.CheckPeers());
        _time.Advance(TimeSpan.FromTicks(1));
        var fault = Assert.Single(s.CheckPeers());
        Assert.Equal(DownloadFault.BlockDownloadTimeout, fault.Fault);
        Assert.Equal(16, fault.Released.Count);
        Assert.Equal(0, s.InFlightCount);
    }

    [Fact]
    public void DownloadTimeout_GrowsByHalfAnIntervalPerOtherDownloadingPeer()
    {
        var s = Scheduler(1000, 3);
        s.NextRequests(1);
        s.NextRequests(2);
        s.NextRequests(3);
        Assert.Equal(3, s.PeersDownloading);
        _time.Advance(TimeSpan.FromMinutes(20)); // 10 min x (1 + 0.5 x 2)
        Assert.Empty(s.CheckPeers());
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(3, s.CheckPeers().Count);
    }

    [Fact]
    public void DownloadTimeout_RestartsWhenTheOldestRequestIsAnswered()
    {
        var s = Scheduler(100, 1);
        s.NextRequests(1);
        _time.Advance(TimeSpan.FromMinutes(9));
        s.BlockReceived(1, Hash(1)); // the oldest one
        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.Empty(s.CheckPeers());
        _time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromTicks(1));
        Assert.Single(s.CheckPeers());
    }

    [Fact]
    public void DownloadTimeout_AnsweringANewerRequest_DoesNotRestartIt()
    {
        var s = Scheduler(100, 1);
        s.NextRequests(1);
        _time.Advance(TimeSpan.FromMinutes(9));
        s.BlockReceived(1, Hash(16)); // not the oldest
        _time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromTicks(1));
        Assert.Single(s.CheckPeers());
    }

    [Fact]
    public void SetChain_Reorganisation_NewBranchWantedAndOldInFlightBlocksStillAccepted()
    {
        var s = Scheduler(100, 2);
        s.NextRequests(1); // 1..16
        // The best header chain forks after 10: 11..120 on branch 1.
        s.SetChain(11, Hashes(11, 120, branch: 1));
        Assert.Equal(120, s.LastHeight);
        Assert.Equal(10, s.PeerAvailable(1)); // their old chain is ours only up to the fork
        Assert.Equal(16, s.InFlightFrom(1));  // still counted against its 16
        Assert.Equal(BlockReceipt.Requested, s.BlockReceived(1, Hash(12))); // old-branch block still honoured
        Assert.Equal(15, s.InFlightFrom(1));

        // Peer 2 announces the new branch's tip: it gets the new blocks, old-branch ones are never asked again.
        s.UpdatePeerBest(2, 120, Hash(120, branch: 1));
        var b = s.NextRequests(2);
        Assert.Equal(Enumerable.Range(11, 16), Heights(b));
        Assert.All(b, r => Assert.Equal(Hash(r.Height, 1), r.Hash));
    }

    [Fact]
    public void SetChain_PeerBestOnTheNewBranch_ResolvesWhenItArrives()
    {
        var s = Scheduler(100, 1);
        s.UpdatePeerBest(1, 110, Hash(110, branch: 1)); // unknown yet
        s.SetChain(51, Hashes(51, 130, branch: 1));
        Assert.Equal(110, s.PeerAvailable(1));
    }

    [Fact]
    public void SetChain_SameHashesAgain_ChangesNothing()
    {
        var s = Scheduler(100, 1);
        s.NextRequests(1);
        s.SetChain(1, Hashes(1, 150));
        Assert.Equal(150, s.LastHeight);
        Assert.Equal(100, s.PeerAvailable(1));
        Assert.Equal(16, s.InFlightFrom(1));
        Assert.Equal(1, s.InFlightWith(Hash(1)));
    }

    [Fact]
    public void SetChain_GapAboveTheLastWanted_IsRefused()
    {
        var s = Scheduler(100, 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => s.SetChain(102, Hashes(102, 110)));
    }

    [Fact]
    public void LimitedPeer_IsNotAskedDeeperThan286BelowItsBest()
    {
        var s = new BlockDownloadScheduler(_time, tipHeight: 0);
        s.SetChain(1, Hashes(1, 1000));
        s.AddPeer(1, limited: true);
        s.UpdatePeerBest(1, 1000, Hash(1000));
        // Core: skip when best - height >= 288 - 2, i.e. heights below 715; but the window ends at 1024 anyway.
        var requests = s.NextRequests(1);
        Assert.Equal(Enumerable.Range(715, 16), Heights(requests));
    }

    [Fact]
    public void AlreadyHave_CountsAsReceivedAndForgetsTheRequest()
    {
        var s = Scheduler(100, 1);
        s.NextRequests(1);
        Assert.True(s.AlreadyHave(Hash(1)));
        Assert.Equal(15, s.InFlightFrom(1));
        Assert.Equal(2, s.WindowStart);
        Assert.Equal(BlockReceipt.Unrequested, s.BlockReceived(1, Hash(1)));
        Assert.True(s.AlreadyHave(Hash(50)));
        Assert.False(s.AlreadyHave(Hash(50)));
    }

    [Fact]
    public void Rerequest_AReceivedBlock_IsAskedAgain()
    {
        var s = Scheduler(100, 2);
        s.NextRequests(1);
        s.BlockReceived(1, Hash(1));
        Assert.True(s.Rerequest(Hash(1)));
        Assert.Equal(1, s.NextRequests(2)[0].Height);
    }
}
