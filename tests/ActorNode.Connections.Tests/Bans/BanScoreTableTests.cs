using System.Net;
using ActorNode.Connections.Bans;
using ActorNode.Wire;
using Microsoft.Extensions.Time.Testing;

namespace ActorNode.Connections.Tests.Bans;

public sealed class BanScoreTableTests
{
    private static readonly DateTimeOffset Start = new(2026, 5, 6, 7, 8, 9, TimeSpan.Zero);
    private static readonly IPAddress Peer = IPAddress.Parse("198.51.100.7");

    private readonly FakeTimeProvider clock = new(Start);

    private BanScoreTable Table(BanPolicy? policy = null, IpWhitelist? whitelist = null, int capacity = BanScoreTable.DefaultCapacity) =>
        new(policy, whitelist, clock, capacity);

    [Fact]
    public void Add_BelowHalfThreshold_Recorded()
    {
        var table = Table();

        Assert.Equal(new BanOutcome(BanVerdict.Recorded, 33), table.Add(Peer, BanPenalty.Mempool()));
        Assert.Equal(33u, table.Score(Peer));
    }

    [Fact]
    public void Add_AboveHalfThreshold_Warning()
    {
        var table = Table();
        table.Add(Peer, BanPenalty.Mempool());

        Assert.Equal(new BanOutcome(BanVerdict.Warning, 66), table.Add(Peer, BanPenalty.Mempool()));
    }

    [Fact]
    public void Add_FourMempoolsInOneSecond_BanAndForgets()
    {
        // btcd: "4 quick ones exceed 100".
        var table = Table();
        for (int i = 0; i < 3; i++)
            Assert.NotEqual(BanVerdict.Ban, table.Add(Peer, BanPenalty.Mempool()).Verdict);

        BanOutcome fourth = table.Add(Peer, BanPenalty.Mempool());

        Assert.Equal(new BanOutcome(BanVerdict.Ban, 132), fourth);
        Assert.Equal(0, table.Count);
        Assert.Equal(0u, table.Score(Peer));
    }

    [Fact]
    public void Add_ExactlyThreshold_NotBanned()
    {
        // btcd quirk kept: the bloom violation adds exactly 100, which does not exceed 100.
        var table = Table();

        Assert.Equal(new BanOutcome(BanVerdict.Warning, 100), table.Add(Peer, BanPenalty.BloomWhileDisabled("filterload")));
        Assert.Equal(BanVerdict.Ban, table.Add(Peer, BanPenalty.BloomWhileDisabled("filteradd")).Verdict);
    }

    [Fact]
    public void Add_SixNotFoundBlocks_Ban()
    {
        var table = Table();

        Assert.Equal(BanVerdict.Warning, table.Add(Peer, BanPenalty.NotFoundBlocks(5)).Verdict);
        Assert.Equal(BanVerdict.Ban, table.Add(Peer, BanPenalty.NotFoundBlocks(1)).Verdict);
    }

    [Fact]
    public void Add_Whitelisted_ExemptAndNotStored()
    {
        var table = Table(whitelist: IpWhitelist.Parse(["198.51.100.0/24"]));

        for (int i = 0; i < 10; i++)
            Assert.Equal(new BanOutcome(BanVerdict.Exempt, 0), table.Add(Peer, BanPenalty.NotFoundBlocks(10)));
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void Add_BanningDisabled_Exempt()
    {
        var table = Table(new BanPolicy { Disabled = true });

        Assert.Equal(BanVerdict.Exempt, table.Add(Peer, BanPenalty.NotFoundBlocks(10)).Verdict);
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void Add_ZeroPoints_ReportsCurrentScoreOnly()
    {
        var table = Table();
        Assert.Equal(new BanOutcome(BanVerdict.Recorded, 0), table.Add(Peer, BanPenalty.GetData(10)));
        Assert.Equal(0, table.Count);

        table.Add(Peer, BanPenalty.NotFoundBlocks(3));
        Assert.Equal(new BanOutcome(BanVerdict.Warning, 60), table.Add(Peer, BanPenalty.GetData(10)));
    }

    [Fact]
    public void Add_CustomThreshold_Applies()
    {
        var table = Table(new BanPolicy { Threshold = 40 });

        Assert.Equal(new BanOutcome(BanVerdict.Recorded, 20), table.Add(Peer, BanPenalty.NotFoundBlocks(1)));
        Assert.Equal(new BanOutcome(BanVerdict.Warning, 40), table.Add(Peer, BanPenalty.NotFoundBlocks(1)));
        Assert.Equal(new BanOutcome(BanVerdict.Ban, 60), table.Add(Peer, BanPenalty.NotFoundBlocks(1)));
    }

    [Fact]
    public void Add_MappedAndPlainIPv4_SameScore()
    {
        var table = Table();

        table.Add(IPAddress.Parse("::ffff:198.51.100.7"), BanPenalty.Mempool());
        table.Add(Peer, BanPenalty.Mempool());

        Assert.Equal(66u, table.Score(Peer));
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void Add_TransientDecays_OnInjectedClock()
    {
        var table = Table();
        table.Add(Peer, BanPenalty.GetData(50_000));

        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(49u, table.Score(Peer));
        Assert.Equal(new BanOutcome(BanVerdict.Ban, 148), table.Add(Peer, BanPenalty.GetData(50_000)));
    }

    [Fact]
    public void Add_GarbageFloodOncePerSecond_BansOnFifthConnection()
    {
        // Each codec error disconnects; the scores of successive connections from one IP add up.
        var table = Table();
        var verdicts = new List<BanVerdict>();
        for (int i = 0; i < 5; i++)
        {
            verdicts.Add(table.Add(Peer, BanPenalty.ForWireError(WireError.BadChecksum)).Verdict);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal([BanVerdict.Recorded, BanVerdict.Recorded, BanVerdict.Warning, BanVerdict.Warning, BanVerdict.Ban], verdicts);
    }

    [Fact]
    public void Add_GarbageFromPermanentPeerWithBtcdBackoff_NeverBans()
    {
        // A permanent peer with a codec bug, redialled after 5 s, 10 s, 15 s, ... (btcd connmgr linear backoff).
        var table = Table();
        for (int retry = 1; retry <= 100; retry++)
        {
            Assert.NotEqual(BanVerdict.Ban, table.Add(Peer, BanPenalty.ForWireError(WireError.Malformed)).Verdict);
            clock.Advance(TimeSpan.FromSeconds(Math.Min(5 * retry, 300)));
        }
    }

    [Fact]
    public void Add_WrongMagicOncePerMinute_NeverBans()
    {
        // E.g. a BIP324 initiator retrying: one unreadable first message a minute.
        var table = Table();
        for (int i = 0; i < 200; i++)
        {
            Assert.NotEqual(BanVerdict.Ban, table.Add(Peer, BanPenalty.ForWireError(WireError.BadMagic)).Verdict);
            clock.Advance(TimeSpan.FromMinutes(1));
        }
    }

    [Fact]
    public void Add_WrongMagicFlood_EventuallyBans()
    {
        var table = Table();
        int connections = 0;
        BanVerdict verdict;
        do
        {
            verdict = table.Add(Peer, BanPenalty.ForWireError(WireError.BadMagic)).Verdict;
            connections++;
            clock.Advance(TimeSpan.FromSeconds(1));
        }
        while (verdict != BanVerdict.Ban && connections < 100);

        Assert.Equal(BanVerdict.Ban, verdict);
        Assert.InRange(connections, 11, 13);
    }

    [Fact]
    public void Add_TooManySixTimes_BansEvenHoursApart()
    {
        // 20 persistent each (Core's old Misbehaving(20)); five make exactly 100, which does not exceed 100.
        var table = Table();
        for (int i = 0; i < 5; i++)
        {
            Assert.NotEqual(BanVerdict.Ban, table.Add(Peer, BanPenalty.ForWireError(WireError.TooMany)).Verdict);
            clock.Advance(TimeSpan.FromHours(2));
        }

        Assert.Equal(new BanOutcome(BanVerdict.Ban, 100 + 20), table.Add(Peer, BanPenalty.ForWireError(WireError.TooMany)));
    }

    [Fact]
    public void Score_NotRaisedForBanDuration_Forgotten()
    {
        var table = Table();
        table.Add(Peer, BanPenalty.NotFoundBlocks(4));
        clock.Advance(BanPolicy.DefaultDuration - TimeSpan.FromSeconds(1));
        Assert.Equal(80u, table.Score(Peer));

        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(0u, table.Score(Peer));
        Assert.Equal(0, table.Count);
        Assert.Equal(new BanOutcome(BanVerdict.Recorded, 20), table.Add(Peer, BanPenalty.NotFoundBlocks(1)));
    }

    [Fact]
    public void Forget_KnownPeer_DropsScore()
    {
        var table = Table();
        table.Add(Peer, BanPenalty.NotFoundBlocks(4));

        Assert.True(table.Forget(Peer));
        Assert.False(table.Forget(Peer));
        Assert.Equal(0u, table.Score(Peer));
    }

    [Fact]
    public void Prune_DecayedTransientOnly_Dropped()
    {
        var table = Table();
        table.Add(Peer, BanPenalty.Mempool());
        table.Add(IPAddress.Parse("203.0.113.1"), BanPenalty.NotFoundBlocks(1));
        clock.Advance(TimeSpan.FromSeconds(DynamicBanScore.LifetimeSeconds + 1));

        Assert.Equal(1, table.Prune());
        Assert.Equal(1, table.Count);
        Assert.Equal(20u, table.Score(IPAddress.Parse("203.0.113.1")));
    }

    [Fact]
    public void Add_TableFull_DropsOldestRaisedQuarter()
    {
        var table = Table(capacity: 8);
        for (int i = 0; i < 8; i++)
        {
            table.Add(IPAddress.Parse($"203.0.113.{i}"), BanPenalty.NotFoundBlocks(1));
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        table.Add(IPAddress.Parse("203.0.113.200"), BanPenalty.NotFoundBlocks(1));

        Assert.Equal(7, table.Count); // 8 - 2 + 1
        Assert.Equal(0u, table.Score(IPAddress.Parse("203.0.113.0")));
        Assert.Equal(0u, table.Score(IPAddress.Parse("203.0.113.1")));
        Assert.Equal(20u, table.Score(IPAddress.Parse("203.0.113.2")));
        Assert.Equal(20u, table.Score(IPAddress.Parse("203.0.113.200")));
    }

    [Fact]
    public void Add_TableFullOfZeroScores_PrunesThoseFirst()
    {
        var table = Table(capacity: 4);
        table.Add(IPAddress.Parse("203.0.113.1"), BanPenalty.NotFoundBlocks(1));
        for (int i = 2; i <= 4; i++)
            table.Add(IPAddress.Parse($"203.0.113.{i}"), BanPenalty.Mempool());
        clock.Advance(TimeSpan.FromHours(1)); // the transient scores have expired, the persistent one has not

        table.Add(IPAddress.Parse("203.0.113.9"), BanPenalty.Mempool());

        Assert.Equal(2, table.Count);
        Assert.Equal(20u, table.Score(IPAddress.Parse("203.0.113.1")));
    }
}
