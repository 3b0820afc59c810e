using ActorNode.Wire;
using ActorNode.Wire.Primitives;

namespace ActorNode.AddrBook.Tests;

public class NetworkGroupsTests
{
    // btcd addrmgr/network_test.go TestIPTypes: ip, rfc1918, rfc2544, rfc3849, rfc3927, rfc3964, rfc4193, rfc4380,
    // rfc4843, rfc4862, rfc5737, rfc6052, rfc6145, rfc6598, rfc7343, local, valid, routable.
    public static TheoryData<string, bool[]> IPTypes => new()
    {
        { "10.255.255.255", [true, false, false, false, false, false, false, false, false, false, false, false, false, false, false, true, false] },
        { "192.168.0.1", [true, false, false, false, false, false, false, false, false, false, false, false, false, false, false, true, false] },
        { "172.31.255.1", [true, false, false, false, false, false, false, false, false, false, false, false, false, false, false, true, false] },
        { "172.32.1.1", [false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, true, true] },
        { "169.254.250.120", [false, false, false, true, false, false, false, false, false, false, false, false, false, false, false, true, false] },
        { "0.0.0.0", [false, false, false, false, false, false, false, false, false, false, false, false, false, false, true, false, false] },
        { "255.255.255.255", [false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false] },
        { "127.0.0.1", [false, false, false, false, false, false, false, false, false, false, false, false, false, false, true, true, false] },
        { "fd00:dead::1", [false, false, false, false, false, true, false, false, false, false, false, false, false, false, false, true, false] },
        { "2001::1", [false, false, false, false, false, false, true, false, false, false, false, false, false, false, false, true, true] },
        { "2001:10:abcd::1:1", [false, false, false, false, false, false, false, true, false, false, false, false, false, false, false, true, false] },
        { "2001:20:abcd::1:1", [false, false, false, false, false, false, false, false, false, false, false, false, false, true, false, true, false] },
        { "fe80::1", [false, false, false, false, false, false, false, false, true, false, false, false, false, false, false, true, false] },
        { "fe80:1::1", [false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, true, true] },
        { "64:ff9b::1", [false, false, false, false, false, false, false, false, false, false, true, false, false, false, false, true, true] },
        { "::ffff:abcd:ef12:1", [false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, true, false] },
        { "::1", [false, false, false, false, false, false, false, false, false, false, false, false, false, false, true, true, false] },
        { "198.18.0.1", [false, true, false, false, false, false, false, false, false, false, false, false, false, false, false, true, false] },
        { "100.127.255.1", [false, false, false, false, false, false, false, false, false, false, false, false, true, false, false, true, false] },
        { "203.0.113.1", [false, false, false, false, false, false, false, false, false, true, false, false, false, false, false, true, false] },
        { "0:9881:8181:8181:fe00:a:9e:9801", [false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, true, false] },
        { "0::1", [false, false, false, false, false, false, false, false, false, false, false, false, false, false, true, true, false] },
        { "0:1::1", [false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, true, false] },
        { "0:ffff::1", [false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, true, false] },
        { "::ffff:0:0c01:0203", [false, false, false, false, false, false, false, false, false, false, false, true, false, false, false, true, true] },
    };

    [Theory]
    [MemberData(nameof(IPTypes))]
    public void RangeChecks_BtcdIPTypesTable_Match(string ip, bool[] expected)
    {
        var a = Addr.IP(ip);
        bool[] actual =
        [
            NetworkGroups.IsRfc1918(a), NetworkGroups.IsRfc2544(a), NetworkGroups.IsRfc3849(a),
            NetworkGroups.IsRfc3927(a), NetworkGroups.IsRfc3964(a), NetworkGroups.IsRfc4193(a),
            NetworkGroups.IsRfc4380(a), NetworkGroups.IsRfc4843(a), NetworkGroups.IsRfc4862(a),
            NetworkGroups.IsRfc5737(a), NetworkGroups.IsRfc6052(a), NetworkGroups.IsRfc6145(a),
            NetworkGroups.IsRfc6598(a), NetworkGroups.IsRfc7343(a), NetworkGroups.IsLocal(a),
            NetworkGroups.IsValid(a), NetworkGroups.IsRoutable(a),
        ];
        // btcd's loop never checks its RFC2544, RFC5737 and RFC6598 columns, and its RFC5737 column is wrong for
        // 203.0.113.1 (in 203.0.113.0/24); the row above says true. Every column is checked here.
        Assert.Equal(expected, actual);
    }

    // btcd addrmgr/network_test.go TestIsZero.
    [Theory]
    [InlineData("0.0.0.0", true)]
    [InlineData("0.1.2.3", true)]
    [InlineData("0.255.255.255", true)]
    [InlineData("1.2.3.4", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("::", true)]
    [InlineData("::1", true)]
    [InlineData("0::2", true)]
    [InlineData("0:1::1", true)]
    [InlineData("0:ffff::1", true)]
    [InlineData("0:9881:8181:8181:fe00:a:9e:9801", true)]
    [InlineData("::ffff:abcd:ef12:1", true)]
    [InlineData("::ffff:0:0c01:0203", false)]
    [InlineData("::ffff:0:1.2.3.4", false)]
    [InlineData("2602:100::1", false)]
    [InlineData("64:ff9b::1", false)]
    [InlineData("fd00:dead::1", false)]
    [InlineData("2001::1", false)]
    public void IsZero_BtcdTable_Matches(string ip, bool expected) =>
        Assert.Equal(expected, NetworkGroups.IsZero(Addr.IP(ip)));

    // btcd addrmgr/network_test.go TestGroupKey.
    [Theory]
    [InlineData("127.0.0.1", "local")]
    [InlineData("::1", "local")]
    [InlineData("0.0.0.0", "local")]
    [InlineData("0.1.2.3", "local")]
    [InlineData("255.255.255.255", "unroutable")]
    [InlineData("10.1.2.3", "unroutable")]
    [InlineData("172.16.1.2", "unroutable")]
    [InlineData("192.168.1.2", "unroutable")]
    [InlineData("2001:db8::1234", "unroutable")]
    [InlineData("169.254.1.2", "unroutable")]
    [InlineData("fc00::1234", "unroutable")]
    [InlineData("2001:10::1234", "unroutable")]
    [InlineData("2001:20::1234", "unroutable")]
    [InlineData("fe80::1234", "unroutable")]
    [InlineData("0:9881:8181:8181:fe00:a:9e:9801", "unroutable")]
    [InlineData("0:1::1", "unroutable")]
    [InlineData("12.1.2.3", "12.1.0.0")]
    [InlineData("173.1.2.3", "173.1.0.0")]
    [InlineData("196.1.2.3", "196.1.0.0")]
    [InlineData("2002:0c01:0203::", "12.1.0.0")]
    [InlineData("2001:0:1234::f3fe:fdfc", "12.1.0.0")]
    [InlineData("64:ff9b::0c01:0203", "12.1.0.0")]
    [InlineData("::ffff:0:0c01:0203", "12.1.0.0")]
    [InlineData("fd87:d87e:eb43:1234::5678", "tor:2")]
    [InlineData("fd87:d87e:eb43:1245::6789", "tor:2")]
    [InlineData("fd87:d87e:eb43:1345::6789", "tor:3")]
    [InlineData("2602:100::1", "2602:100::")]
    [InlineData("2602:0100::1234", "2602:100::")]
    [InlineData("2001:470:1f10:a1::2", "2001:470:1000::")]
    [InlineData("2001:0470:1f10:a1::2", "2001:470:1000::")]
    public void GroupKey_BtcdTable_Matches(string ip, string expected) =>
        Assert.Equal(expected, NetworkGroups.GroupKey(Addr.IP(ip)));

    [Fact]
    public void GroupKey_OnionCatAddress_IsTorV2AndGroupedByFirstKeyNibble()
    {
        var a = Addr.IP("fd87:d87e:eb43:1234::5678");
        Assert.Equal(AddressNetwork.TorV2, a.Network);
        Assert.True(NetworkGroups.IsOnionCatTor(a));
        Assert.True(NetworkGroups.IsRfc4193(a)); // inside fc00::/7, yet routable because OnionCat
        Assert.True(NetworkGroups.IsRoutable(a));
        Assert.False(NetworkGroups.IsRoutable(Addr.IP("fd87:d87f::1")));
    }

    [Theory]
    [InlineData(0x00, "tor:0")]
    [InlineData(0x1f, "tor:15")]
    [InlineData(0xa3, "tor:3")]
    [InlineData(0xf0, "tor:0")]
    public void GroupKey_TorV3_IsLowNibbleOfFirstKeyByte(byte first, string expected)
    {
        var a = Addr.TorV3(first);
        Assert.Equal(expected, NetworkGroups.GroupKey(a));
        Assert.True(NetworkGroups.IsRoutable(a));
    }

    [Fact]
    public void GroupKey_HurricaneElectricOutsideItsSlash32_UsesSlash32()
    {
        Assert.Equal("2001:471::", NetworkGroups.GroupKey(Addr.IP("2001:471:1f10:a1::2")));
        Assert.Equal("2001:470:f000::", NetworkGroups.GroupKey(Addr.IP("2001:470:ffff::1")));
    }

    [Fact]
    public void IsRoutable_I2PAndCjdns_AreNotRoutableAndUnroutableGroup()
    {
        var i2p = new NetAddressV2(0, ServiceFlags.Network, AddressNetwork.I2P, new byte[32], 0);
        var cjdns = new NetAddressV2(0, ServiceFlags.Network, AddressNetwork.Cjdns,
            Convert.FromHexString("fc000000000000000000000000000001"), 8333);
        Assert.False(NetworkGroups.IsRoutable(i2p));
        Assert.False(NetworkGroups.IsRoutable(cjdns));
        Assert.Equal("unroutable", NetworkGroups.GroupKey(i2p));
        Assert.Equal("unroutable", NetworkGroups.GroupKey(cjdns));
    }

    [Theory]
    [InlineData("1.0.0.0", true)]
    [InlineData("9.255.255.255", true)]
    [InlineData("11.0.0.0", true)]
    [InlineData("172.15.255.255", true)]
    [InlineData("172.16.0.0", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("192.167.255.255", true)]
    [InlineData("198.17.255.255", true)]
    [InlineData("198.18.0.0", false)]
    [InlineData("198.19.255.255", false)]
    [InlineData("198.20.0.0", true)]
    [InlineData("100.63.255.255", true)]
    [InlineData("100.64.0.0", false)]
    [InlineData("100.128.0.0", true)]
    [InlineData("192.0.2.255", false)]
    [InlineData("192.0.3.0", true)]
    [InlineData("198.51.100.7", false)]
    [InlineData("2001:f::1", true)]
    [InlineData("2001:1f::1", false)]
    [InlineData("2001:2f:ffff::1", false)]
    [InlineData("2001:30::1", true)]
    [InlineData("fbff::1", true)]
    [InlineData("fe00::1", true)]
    [InlineData("fe80::ffff:1", false)]
    [InlineData("1::1", true)]
    public void IsRoutable_RangeEdges_Match(string ip, bool expected) =>
        Assert.Equal(expected, NetworkGroups.IsRoutable(Addr.IP(ip)));

    [Fact]
    public void RangeChecks_IPv6RangesNeverMatchIPv4_AndIPv4RangesNeverMatchIPv6()
    {
        // ::ffff:10.0.0.1 is IPv4 (mapped) and so RFC 1918; 0a00::1 is IPv6 whose first byte is 10: not RFC 1918.
        Assert.True(NetworkGroups.IsRfc1918(Addr.IP("::ffff:10.0.0.1")));
        Assert.False(NetworkGroups.IsRfc1918(Addr.IP("a00::1")));
        Assert.False(NetworkGroups.IsZero(Addr.IP("::ffff:1.2.3.4")));
    }
}
