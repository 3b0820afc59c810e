using System.Net;
using ActorNode.Connections.Bans;
using Microsoft.Extensions.Time.Testing;

namespace ActorNode.Connections.Tests.Bans;

public sealed class BanListTests
{
    private static readonly DateTimeOffset Start = new(2026, 7, 8, 9, 10, 11, TimeSpan.Zero);
    private static readonly IPAddress Peer = IPAddress.Parse("198.51.100.7");

    private readonly FakeTimeProvider clock = new(Start);

    private BanList List(IpWhitelist? whitelist = null, TimeSpan? duration = null) => new(whitelist, clock, duration);

    [Fact]
    public void Ban_Default_BannedFor24Hours()
    {
        var bans = List();

        Assert.True(bans.Ban(Peer, "ban score 132: mempool"));

        Assert.Equal([new BanEntry(Peer, Start, Start.AddHours(24), "ban score 132: mempool")], bans.List());
        Assert.True(bans.IsDirty);
        Assert.True(bans.IsBanned(Peer));
        Assert.True(bans.IsBanned(Peer, Start + TimeSpan.FromHours(24) - TimeSpan.FromTicks(1)));
        Assert.False(bans.IsBanned(Peer, Start + TimeSpan.FromHours(24)));
    }

    [Fact]
    public void IsBanned_Unknown_False()
    {
        Assert.False(List().IsBanned(Peer));
    }

    [Fact]
    public void IsBanned_AfterExpiry_FalseAndEntryDropped()
    {
        var bans = List();
        bans.Ban(Peer);
        bans.MarkSaved();

        clock.Advance(TimeSpan.FromHours(24));

        Assert.False(bans.IsBanned(Peer));
        Assert.Equal(0, bans.Count);
        Assert.True(bans.IsDirty);
    }

    [Fact]
    public void Ban_CustomDurations_Apply()
    {
        var bans = List(duration: TimeSpan.FromMinutes(10));

        bans.Ban(Peer);
        bans.Ban(IPAddress.Parse("203.0.113.1"), duration: TimeSpan.FromDays(7));

        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.False(bans.IsBanned(Peer));
        Assert.True(bans.IsBanned(IPAddress.Parse("203.0.113.1")));
    }

    [Fact]
    public void Ban_DurationBelowOneSecond_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => List().Ban(Peer, duration: TimeSpan.FromMilliseconds(999)));
        Assert.Throws<ArgumentOutOfRangeException>(() => List(duration: TimeSpan.Zero));
    }

    [Fact]
    public void Ban_Whitelisted_RefusedAndNeverBanned()
    {
        var bans = List(IpWhitelist.Parse(["198.51.100.0/24"]));

        Assert.False(bans.Ban(Peer));

        Assert.False(bans.IsBanned(Peer));
        Assert.Empty(bans.List());
        Assert.False(bans.IsDirty);
    }

    [Fact]
    public void IsBanned_WhitelistedButInLoadedFile_NotBanned()
    {
        var bans = List(IpWhitelist.Parse(["198.51.100.7"]));
        bans.Restore([new BanEntry(Peer, Start, Start.AddHours(1))]);

        Assert.False(bans.IsBanned(Peer));
        Assert.Empty(bans.List());
    }

    [Fact]
    public void Ban_AgainShorter_KeepsLongerBan()
    {
        var bans = List();
        bans.Ban(Peer, "long", TimeSpan.FromDays(7));
        clock.Advance(TimeSpan.FromHours(1));

        Assert.True(bans.Ban(Peer, "short", TimeSpan.FromHours(1)));

        BanEntry entry = Assert.Single(bans.List());
        Assert.Equal("long", entry.Reason);
        Assert.Equal(Start.AddDays(7), entry.Until);
    }

    [Fact]
    public void Ban_AgainLonger_Extends()
    {
        var bans = List();
        bans.Ban(Peer, "first");
        clock.Advance(TimeSpan.FromHours(1));

        bans.Ban(Peer, "second");

        BanEntry entry = Assert.Single(bans.List());
        Assert.Equal(new BanEntry(Peer, Start.AddHours(1), Start.AddHours(25), "second"), entry);
    }

    [Fact]
    public void Ban_MappedAddress_SameKeyAsIPv4()
    {
        var bans = List();

        bans.Ban(IPAddress.Parse("::ffff:198.51.100.7"));

        Assert.True(bans.IsBanned(Peer));
        Assert.Equal(Peer, Assert.Single(bans.List()).Address);
    }

    [Fact]
    public void Ban_IPv6_KeyedByAddressNotPrefix()
    {
        var bans = List();

        bans.Ban(IPAddress.Parse("2001:db8::1"));

        Assert.True(bans.IsBanned(IPAddress.Parse("2001:db8:0::1")));
        Assert.False(bans.IsBanned(IPAddress.Parse("2001:db8::2")));
    }

    [Fact]
    public void Unban_Banned_LiftsBan()
    {
        var bans = List();
        bans.Ban(Peer);
        bans.MarkSaved();

        Assert.True(bans.Unban(IPAddress.Parse("::ffff:198.51.100.7")));

        Assert.False(bans.IsBanned(Peer));
        Assert.True(bans.IsDirty);
        Assert.False(bans.Unban(Peer));
    }

    [Fact]
    public void Clear_Some_Empty()
    {
        var bans = List();
        bans.Ban(Peer);
        bans.Ban(IPAddress.Parse("203.0.113.1"));

        bans.Clear();

        Assert.Empty(bans.List());
        Assert.Equal(0, bans.Count);
    }

    [Fact]
    public void List_SortedByAddressTextAndExpiredLeftOut()
    {
        var bans = List();
        bans.Ban(IPAddress.Parse("203.0.113.1"));
        bans.Ban(IPAddress.Parse("2001:db8::1"));
        bans.Ban(Peer, duration: TimeSpan.FromMinutes(1));
        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(["2001:db8::1", "203.0.113.1"], bans.List().Select(b => b.Address.ToString()));
        Assert.Equal(3, bans.Count);
        Assert.Equal(1, bans.RemoveExpired());
        Assert.Equal(2, bans.Count);
    }

    [Fact]
    public void Restore_SkipsExpiredAndKeepsLaterExpiryWithoutDirtying()
    {
        var bans = List();
        bans.Ban(Peer, "live", TimeSpan.FromHours(2));
        bans.MarkSaved();

        int taken = bans.Restore(
        [
            new BanEntry(IPAddress.Parse("203.0.113.1"), Start.AddDays(-2), Start.AddDays(-1)),
            new BanEntry(IPAddress.Parse("::ffff:198.51.100.7"), Start.AddDays(-1), Start.AddHours(1), "older"),
            new BanEntry(IPAddress.Parse("203.0.113.2"), Start.AddDays(-1), Start.AddHours(5), "kept"),
        ]);

        Assert.Equal(1, taken);
        Assert.False(bans.IsDirty);
        Assert.Equal(["live", "kept"], bans.List().Select(b => b.Reason));
    }

    [Fact]
    public void Find_Banned_ReturnsEntry()
    {
        var bans = List();
        bans.Ban(Peer, "why");

        Assert.Equal("why", bans.Find(Peer, Start)?.Reason);
        Assert.Null(bans.Find(IPAddress.Parse("203.0.113.1"), Start));
    }
}
