using System.Net;
using ActorNode.Connections.Bans;

namespace ActorNode.Connections.Tests.Bans;

public sealed class IpWhitelistTests
{
    [Theory]
    [InlineData("192.0.2.1", "192.0.2.1/32")]
    [InlineData("192.0.2.0/24", "192.0.2.0/24")]
    [InlineData("192.0.2.77/24", "192.0.2.0/24")] // Go ParseCIDR masks the host bits
    [InlineData("10.0.0.0/8", "10.0.0.0/8")]
    [InlineData("0.0.0.0/0", "0.0.0.0/0")]
    [InlineData("2001:db8::1", "2001:db8::1/128")]
    [InlineData("2001:db8:1:2:3:4:5:6/64", "2001:db8:1:2::/64")]
    [InlineData("::ffff:192.0.2.1", "192.0.2.1/32")]
    [InlineData(" 192.0.2.1 ", "192.0.2.1/32")]
    public void ParseEntry_BtcdForms_Network(string entry, string expected)
    {
        Assert.Equal(IPNetwork.Parse(expected), IpWhitelist.ParseEntry(entry));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-an-ip")]
    [InlineData("192.0.2.1/33")]
    [InlineData("2001:db8::/129")]
    [InlineData("192.0.2.1/")]
    [InlineData("192.0.2.1/-1")]
    [InlineData("192.0.2.1/2x")]
    [InlineData("fe80::1%eth0")]
    [InlineData("example.com")]
    [InlineData("10.1")]
    [InlineData("3232235777")]
    [InlineData("0x7f.0.0.1")]
    [InlineData("1.2.3.4.5")]
    [InlineData("[::1]")]
    public void ParseEntry_Invalid_Throws(string entry)
    {
        Assert.Throws<FormatException>(() => IpWhitelist.ParseEntry(entry));
    }

    [Theory]
    [InlineData("192.0.2.1", true)]
    [InlineData("192.0.2.255", true)]
    [InlineData("192.0.3.1", false)]
    [InlineData("::ffff:192.0.2.9", true)] // a v4-mapped peer matches the IPv4 entry
    [InlineData("2001:db8::5", true)]
    [InlineData("2001:db8::6", false)]
    [InlineData("198.51.100.1", false)]
    public void Contains_MixedList_MatchesAsGoIPNet(string address, bool expected)
    {
        var whitelist = IpWhitelist.Parse(["192.0.2.0/24", "2001:db8::5"]);

        Assert.Equal(expected, whitelist.Contains(IPAddress.Parse(address)));
    }

    [Fact]
    public void Contains_Empty_False()
    {
        Assert.False(IpWhitelist.Empty.Contains(IPAddress.Loopback));
        Assert.Empty(IpWhitelist.Empty.Subnets);
    }

    [Fact]
    public void Contains_IPv6WithZone_ZoneIgnored()
    {
        var whitelist = IpWhitelist.Parse(["fe80::/64"]);
        var zoned = IPAddress.Parse("fe80::1234");
        zoned.ScopeId = 3;

        Assert.True(whitelist.Contains(zoned));
    }

    [Fact]
    public void Normalize_MappedAndZoned_Canonical()
    {
        var zoned = IPAddress.Parse("fe80::1");
        zoned.ScopeId = 7;

        Assert.Equal("192.0.2.1", IpKey.Of(IPAddress.Parse("::ffff:192.0.2.1")));
        Assert.Equal("fe80::1", IpKey.Of(zoned));
        Assert.Equal("2001:db8::1", IpKey.Of(IPAddress.Parse("2001:0db8:0:0::1")));
        Assert.Equal("192.0.2.1", IpKey.Of(IPAddress.Parse("192.0.2.1")));
    }
}
