using ActorNode.Wire;
using ActorNode.Wire.Primitives;

namespace ActorNode.AddrBook.Tests;

public class AddressKeyTests
{
    // btcd addrmgr/addrmanager_test.go addNaTests (TestNetAddressKey).
    [Theory]
    [InlineData("127.0.0.1", 8333, "127.0.0.1:8333")]
    [InlineData("127.0.0.1", 8334, "127.0.0.1:8334")]
    [InlineData("1.0.0.1", 8333, "1.0.0.1:8333")]
    [InlineData("2.2.2.2", 8334, "2.2.2.2:8334")]
    [InlineData("27.253.252.251", 8335, "27.253.252.251:8335")]
    [InlineData("123.3.2.1", 8336, "123.3.2.1:8336")]
    [InlineData("10.0.0.1", 8333, "10.0.0.1:8333")]
    [InlineData("10.1.1.1", 8334, "10.1.1.1:8334")]
    [InlineData("10.2.2.2", 8335, "10.2.2.2:8335")]
    [InlineData("10.10.10.10", 8336, "10.10.10.10:8336")]
    [InlineData("128.0.0.1", 8333, "128.0.0.1:8333")]
    [InlineData("129.1.1.1", 8334, "129.1.1.1:8334")]
    [InlineData("180.2.2.2", 8335, "180.2.2.2:8335")]
    [InlineData("191.10.10.10", 8336, "191.10.10.10:8336")]
    [InlineData("172.16.0.1", 8333, "172.16.0.1:8333")]
    [InlineData("172.16.1.1", 8334, "172.16.1.1:8334")]
    [InlineData("172.16.2.2", 8335, "172.16.2.2:8335")]
    [InlineData("172.16.172.172", 8336, "172.16.172.172:8336")]
    [InlineData("193.0.0.1", 8333, "193.0.0.1:8333")]
    [InlineData("200.1.1.1", 8334, "200.1.1.1:8334")]
    [InlineData("205.2.2.2", 8335, "205.2.2.2:8335")]
    [InlineData("223.10.10.10", 8336, "223.10.10.10:8336")]
    [InlineData("192.168.0.1", 8333, "192.168.0.1:8333")]
    [InlineData("192.168.1.1", 8334, "192.168.1.1:8334")]
    [InlineData("192.168.2.2", 8335, "192.168.2.2:8335")]
    [InlineData("192.168.192.192", 8336, "192.168.192.192:8336")]
    [InlineData("::1", 8333, "[::1]:8333")]
    [InlineData("fe80::1", 8334, "[fe80::1]:8334")]
    [InlineData("fe80::1:1", 8333, "[fe80::1:1]:8333")]
    [InlineData("fe91::2:2", 8334, "[fe91::2:2]:8334")]
    [InlineData("fea2::3:3", 8335, "[fea2::3:3]:8335")]
    [InlineData("feb3::4:4", 8336, "[feb3::4:4]:8336")]
    [InlineData("fec0::1:1", 8333, "[fec0::1:1]:8333")]
    [InlineData("fed1::2:2", 8334, "[fed1::2:2]:8334")]
    [InlineData("fee2::3:3", 8335, "[fee2::3:3]:8335")]
    [InlineData("fef3::4:4", 8336, "[fef3::4:4]:8336")]
    public void Format_BtcdNetAddressKeyTable_Matches(string ip, ushort port, string expected)
    {
        var address = Addr.IP(ip, port);
        Assert.Equal(expected, AddressKey.Format(address));
        var parsed = AddressKey.Parse(expected, ServiceFlags.Network);
        Assert.Equal(address.Network, parsed.Network);
        Assert.Equal(address.Address.ToArray(), parsed.Address.ToArray());
        Assert.Equal(port, parsed.Port);
    }

    [Fact]
    public void Format_IPv4MappedIPv6AndOnionCat_AreNormalisedFirst()
    {
        var mapped = new NetAddressV2(0, ServiceFlags.None, AddressNetwork.IPv6,
            Convert.FromHexString("00000000000000000000ffff01020304"), 8333);
        Assert.Equal("1.2.3.4:8333", AddressKey.Format(mapped));
        Assert.Equal(AddressNetwork.IPv4, AddressKey.Normalize(mapped).Network);

        var onionCat = new NetAddressV2(0, ServiceFlags.None, AddressNetwork.IPv6,
            Convert.FromHexString("fd87d87eeb43ffffffffffffffffffff"), 8333);
        Assert.Equal("7777777777777777.onion:8333",
            AddressKey.Format(onionCat));
        Assert.Equal(AddressNetwork.TorV2, AddressKey.Normalize(onionCat).Network);
    }

    [Fact]
    public void Parse_TorV2Name_RoundTrips()
    {
        // Bytes 00..09 in RFC 4648 base32: Python's base64.b32encode(bytes(range(10))).lower().
        const string key = "aaaqeayeaudaocaj.onion:8333";
        var address = AddressKey.Parse(key, ServiceFlags.Network);
        Assert.Equal(AddressNetwork.TorV2, address.Network);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (byte)i).ToArray(), address.Address.ToArray());
        Assert.Equal(key, AddressKey.Format(address));
        // Case does not matter when reading (btcd upper-cases before decoding).
        Assert.Equal(key, AddressKey.Format(AddressKey.Parse("AAAQEAYEAUDAOCAJ.onion:8333", ServiceFlags.None)));
    }

    [Fact]
    public void Parse_TorV3Name_RoundTrips()
    {
        // A valid Tor v3 name from Bitcoin Core's src/test/netbase_tests.cpp (its checksum checked with Python's
        // hashlib.sha3_256); the key is rebuilt from the public key, so a wrong checksum would not round-trip.
        const string host = "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion";
        var address = AddressKey.Parse(host + ":8333", ServiceFlags.Network, 1234);
        Assert.Equal(AddressNetwork.TorV3, address.Network);
        Assert.Equal(1234u, address.Timestamp);
        Assert.Equal(ServiceFlags.Network, address.Services);
        Assert.Equal(host + ":8333", AddressKey.Format(address));
    }

    [Theory]
    [InlineData("[2001:db8::1]:8333", "2001:db8::1")]
    [InlineData("[2001:0db8:0000::1]:8333", "2001:db8::1")]
    [InlineData("[::ffff:1.2.3.4]:8333", "1.2.3.4")]
    [InlineData("[fd87:d87e:eb43::1]:8333", "aaaaaaaaaaaaaaab.onion")]
    [InlineData("1.2.3.4:0", "1.2.3.4")]
    [InlineData("1.2.3.4:065535", "1.2.3.4")]
    public void Parse_ValidKeys_GiveCanonicalHost(string key, string host) =>
        Assert.Equal(host, AddressKey.Parse(key, ServiceFlags.None).Host);

    [Theory]
    [InlineData("1.2.3.4", "missing port")]
    [InlineData("1.2.3.4:", "invalid port")]
    [InlineData("1.2.3.4:65536", "invalid port")]
    [InlineData("1.2.3.4:-1", "invalid port")]
    [InlineData("1.2.3.4:+1", "invalid port")]
    [InlineData("1.2.3.4:abcd", "invalid port")]
    [InlineData("2001:db8::1:8333", "too many colons")]
    [InlineData("[2001:db8::1]", "missing port")]
    [InlineData("[2001:db8::1:8333", "missing ']'")]
    [InlineData("[2001:db8::1]x:8333", "missing port")]
    [InlineData("[2001:db8::1]::8333", "too many colons")]
    [InlineData("a]b:8333", "unexpected ']'")]
    [InlineData("x[1.2.3.4]:8333", "unexpected '['")]
    [InlineData("01.2.3.4:8333", "not an IP address")]
    [InlineData("1.2.3:8333", "not an IP address")]
    [InlineData("1.2.3.256:8333", "not an IP address")]
    [InlineData("seed.bitcoin.sipa.be:8333", "not an IP address")]
    [InlineData("[fe80::1%eth0]:8333", "not an IP address")]
    [InlineData("aaaaaaaaaaaaaaa1.onion:8333", "invalid base32")]
    [InlineData("xyz.b32.i2p:0", "not an IP address")]
    public void TryParse_BadKeys_FailWithReason(string key, string reason)
    {
        Assert.False(AddressKey.TryParse(key, ServiceFlags.None, 0, out var address, out string? error));
        Assert.Null(address);
        Assert.Contains(reason, error);
        Assert.Throws<FormatException>(() => AddressKey.Parse(key, ServiceFlags.None));
    }
}
