using System.Buffers;
using System.Net;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Primitives;
using static ActorNode.Wire.Tests.Addresses.AddressTestHelpers;

namespace ActorNode.Wire.Tests.Addresses;

/// <summary>BIP155 NetAddressV2: vectors from btcd wire/netaddressv2_test.go (TestNetAddressV2FromBytes,
/// TestReadNetAddressV2) and Bitcoin Core src/test/net_tests.cpp (cnetaddr_serialize_v2,
/// cnetaddr_unserialize_v2, cnetaddr_tostring_canonical_ipv6). Core's vectors are of a bare CNetAddr
/// (network id ‖ length ‖ address); the tests wrap them in a time (0), services (0) and port (0x2222).</summary>
public class NetAddressV2Tests
{
    private const string EntryPrefix = "00000000" + "00"; // time 0, services CompactSize(0)
    private const string Port = "2222";

    /// <summary>Reads one entry and checks every byte was used; null when the entry is dropped.</summary>
    private static NetAddressV2? Read(byte[] bytes)
    {
        var reader = new WireReader(bytes);
        var address = NetAddressV2.Read(ref reader);
        reader.EnsureEnd("test");
        return address;
    }

    private static byte[] Write(NetAddressV2 address)
    {
        var buffer = new ArrayBufferWriter<byte>();
        address.Write(new WireWriter(buffer));
        return buffer.WrittenSpan.ToArray();
    }

    // ---- btcd TestReadNetAddressV2 ----

    [Theory]
    [InlineData("00000000 00 ff fdffff", WireError.TooMany)]                                   // unknown id, size 65535
    [InlineData("00000000 00 01 05", WireError.Malformed)]                                     // ipv4 of 5 bytes
    [InlineData("00000000 00 02 fc", WireError.Malformed)]                                     // ipv6 of 252 bytes
    [InlineData("00000000 00 03 02", WireError.Malformed)]                                     // torv2 of 2 bytes
    [InlineData("00000000 00 04 02", WireError.Malformed)]                                     // torv3 of 2 bytes
    [InlineData("00000000 00 05 02", WireError.Malformed)]                                     // i2p of 2 bytes
    [InlineData("00000000 00 06 02", WireError.Malformed)]                                     // cjdns of 2 bytes
    public void Read_BtcdInvalidSize_Throws(string hex, WireError reason)
    {
        var error = Assert.Throws<WireException>(() => Read(Hex(hex)));
        Assert.Equal(reason, error.Reason);
    }

    [Theory]
    // unknown id 0xff with a 32-byte address: skipped
    [InlineData("00000000 00 ff 20 1010101010101010101010101010101010101010101010101010101010101010 2222")]
    // OnionCat in the IPv6 id: skipped (BIP155)
    [InlineData("00000000 00 02 10 fd87d87eeb43fffecc39a8736915ffff 2222")]
    // IPv4-mapped in the IPv6 id: skipped (::ffff:192.0.2.1)
    [InlineData("00000000 00 02 10 00000000000000000000ffffc0000201 2222")]
    public void Read_BtcdSkippedEntry_ConsumedAndDropped(string hex)
    {
        Assert.Null(Read(Hex(hex)));
    }

    [Theory]
    [InlineData("00000000 00 01 04 7f000001 2222", AddressNetwork.IPv4, "127.0.0.1")]
    [InlineData("00000000 00 02 10 ffffffffffffffffffffffffffffffff 2222", AddressNetwork.IPv6,
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")]
    [InlineData("00000000 00 03 0a 20202020202020202020 2222", AddressNetwork.TorV2, null)]
    [InlineData("00000000 00 04 20 1010101010101010101010101010101010101010101010101010101010101010 2222",
        AddressNetwork.TorV3, null)]
    // btcd drops these two (ErrSkippedNetworkID); ActorNode keeps them, as Core does.
    [InlineData("00000000 00 05 20 1010101010101010101010101010101010101010101010101010101010101010 2222",
        AddressNetwork.I2P, null)]
    [InlineData("00000000 00 06 10 20202020202020202020202020202020 2222", AddressNetwork.Cjdns,
        "2020:2020:2020:2020:2020:2020:2020:2020")]
    public void Read_BtcdValidEntry_Kept(string hex, AddressNetwork network, string? host)
    {
        var bytes = Hex(hex);
        var address = Read(bytes);
        Assert.NotNull(address);
        Assert.Equal(network, address.Network);
        Assert.Equal(0u, address.Timestamp);
        Assert.Equal(ServiceFlags.None, address.Services);
        Assert.Equal((ushort)0x2222, address.Port);
        Assert.Equal(bytes[7..^2], address.Address.ToArray());
        if (host is not null) Assert.Equal(host, address.Host);
        Assert.Equal(bytes, Write(address));
        Assert.Equal(bytes.Length, address.SerializedSize);
    }

    [Fact]
    public void Read_Truncated_Throws()
    {
        foreach (var hex in new[] { "", "00000000", "00000000 00", "00000000 00 01", "00000000 00 01 04 7f00",
                     "00000000 00 01 04 7f000001 22", "00000000 00 ff 04 7f000001 22" })
        {
            var error = Assert.Throws<WireException>(() => Read(Hex(hex)));
            Assert.Equal(WireError.Truncated, error.Reason);
        }
    }

    [Fact]
    public void Read_NonCanonicalServices_Throws()
    {
        var error = Assert.Throws<WireException>(() => Read(Hex("00000000 fd0100 01 04 7f000001 2222")));
        Assert.Equal(WireError.NonCanonical, error.Reason);
    }

    // ---- btcd TestNetAddressV2FromBytes ----

    [Theory]
    [InlineData("7f000001", "127.0.0.1", AddressNetwork.IPv4)]
    [InlineData("200109e8261573000954 1263efc82e34", "2001:9e8:2615:7300:954:1263:efc8:2e34", AddressNetwork.IPv6)]
    [InlineData("00000000000000000000ffff7f000001", "127.0.0.1", AddressNetwork.IPv4)]
    [InlineData("fd87d87eeb43fffecc39a8736915ffff", "777myonionurl777.onion", AddressNetwork.TorV2)]
    [InlineData("fffecc39a8736915ffff", "777myonionurl777.onion", AddressNetwork.TorV2)]
    [InlineData("cad2d3c8dc9cc4d3703330c523af02edc49df8c6b04e746d3b5157a715fe9835",
        "zljnhsg4ttcng4btgdcshlyc5xcj36ggwbhhi3j3kfl2ofp6ta26jlid.onion", AddressNetwork.TorV3)]
    public void FromBytes_BtcdVectors_NetworkStringAndLegacy(string hex, string host, AddressNetwork network)
    {
        var address = NetAddressV2.FromBytes(0, ServiceFlags.None, Hex(hex), 0);
        Assert.Equal(network, address.Network);
        Assert.Equal(host, address.Host);
        Assert.Equal(network == AddressNetwork.TorV3, address.ToLegacy() is null);
        Assert.Equal((byte)network, Write(address)[5]); // the written network id follows time and services
    }

    // ---- Core net_tests.cpp cnetaddr_serialize_v2 (and Core 0.21's Tor v2 line) ----

    [Theory]
    [InlineData("1.2.3.4", "010401020304")]
    [InlineData("1a1b:2a2b:3a3b:4a4b:5a5b:6a6b:7a7b:8a8b", "02101a1b2a2b3a3b4a4b5a5b6a6b7a7b8a8b")]
    [InlineData("::", "021000000000000000000000000000000000")]
    public void Write_CoreIpVectors_NetworkLengthAddress(string ip, string expectedHex)
    {
        var legacy = new NetAddress(ServiceFlags.None, IPAddress.Parse(ip), 0x2222);
        var address = NetAddressV2.FromLegacy(legacy);
        Assert.Equal(Hex(EntryPrefix + expectedHex + Port), Write(address));
        Assert.Equal(ip, address.Host);
    }

    [Fact]
    public void Write_CoreTorV3Vector_MatchesAndPrintsName()
    {
        const string coreHex = "042053cd5648488c4707914182655b7664034e09e66f7e8cbf1084e654eb56c5bd88";
        var address = Read(Hex(EntryPrefix + coreHex + Port))!;
        Assert.Equal(AddressNetwork.TorV3, address.Network);
        Assert.Equal("kpgvmscirrdqpekbqjsvw5teanhatztpp2gl6eee4zkowvwfxwenqaid.onion", address.Host);
        Assert.Null(address.ToLegacy());
    }

    [Fact]
    public void TorV2_Core021Vector_StringAndOnionCatLegacy()
    {
        // Core 0.21 net_tests.cpp: "6hzph5hv6337r6p2.onion" is v2 "030af1f2f3f4f5f6f7f8f9fa", v1 OnionCat
        // "fd87d87eeb43f1f2f3f4f5f6f7f8f9fa".
        var bytes = Hex(EntryPrefix + "030af1f2f3f4f5f6f7f8f9fa" + Port);
        var address = Read(bytes)!;
        Assert.Equal(AddressNetwork.TorV2, address.Network);
        Assert.Equal("6hzph5hv6337r6p2.onion", address.Host);
        Assert.Equal(bytes, Write(address));

        var legacy = address.ToLegacy();
        Assert.NotNull(legacy);
        Assert.Equal(Hex("fd87d87eeb43f1f2f3f4f5f6f7f8f9fa"), legacy.Value.GetIPBytes());
        Assert.Equal((ushort)0x2222, legacy.Value.Port);
        Assert.Equal(address, NetAddressV2.FromLegacy(legacy.Value));
    }

    // ---- Core net_tests.cpp cnetaddr_unserialize_v2 ----

    [Theory]
    [InlineData("01 04 01020304", AddressNetwork.IPv4, "1.2.3.4")]
    [InlineData("02 10 0102030405060708090a0b0c0d0e0f10", AddressNetwork.IPv6, "102:304:506:708:90a:b0c:d0e:f10")]
    // Core reads this as NET_INTERNAL (never gossiped); btcd and ActorNode keep it as plain IPv6.
    [InlineData("02 10 fd6b88c08724ca978112ca1bbdcafac2", AddressNetwork.IPv6, "fd6b:88c0:8724:ca97:8112:ca1b:bdca:fac2")]
    // Core 22+ no longer supports Tor v2 and drops it; btcd and ActorNode keep it.
    [InlineData("03 0a f1f2f3f4f5f6f7f8f9fa", AddressNetwork.TorV2, "6hzph5hv6337r6p2.onion")]
    [InlineData("04 20 79bcc625184b05194975c28b66b66b0469f7f6556fb1ac3189a79b40dda32f1f", AddressNetwork.TorV3,
        "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion")]
    [InlineData("05 20 a2894dabaec08c0051a481a6dac88b64f98232ae42d4b6fd2fa81952dfe36a87", AddressNetwork.I2P,
        "ukeu3k5oycgaauneqgtnvselmt4yemvoilkln7jpvamvfx7dnkdq.b32.i2p")]
    [InlineData("06 10 fc000001000200030004000500060007", AddressNetwork.Cjdns, "fc00:1:2:3:4:5:6:7")]
    // Core: "Invalid CJDNS, wrong prefix" still reads as CJDNS (marked invalid, left to the address book).
    [InlineData("06 10 aa000001000200030004000500060007", AddressNetwork.Cjdns, "aa00:1:2:3:4:5:6:7")]
    public void Read_CoreValid_Kept(string coreHex, AddressNetwork network, string host)
    {
        var bytes = Hex(EntryPrefix + coreHex + Port);
        var address = Read(bytes);
        Assert.NotNull(address);
        Assert.Equal(network, address.Network);
        Assert.Equal(host, address.Host);
        Assert.Equal((ushort)0x2222, address.Port);
        Assert.Equal(bytes, Write(address));
    }

    [Theory]
    [InlineData("02 10 00000000000000000000ffff01020304")] // IPv6 with embedded IPv4
    [InlineData("02 10 fd87d87eeb430102030405060708090a")] // IPv6 with embedded Tor v2
    [InlineData("aa 04 01020304")]                         // unknown network, reasonable length
    [InlineData("aa 00")]                                  // unknown network, zero length
    public void Read_CoreIgnored_Dropped(string coreHex)
    {
        Assert.Null(Read(Hex(EntryPrefix + coreHex + Port)));
    }

    [Theory]
    [InlineData("01 04 0102", WireError.Truncated)]                       // address shorter than its length
    [InlineData("01 05 01020304", WireError.Malformed)]                   // IPv4 with length 5
    [InlineData("01 fd0102 01020304", WireError.TooMany)]                 // length 513 > 512
    [InlineData("02 04 00", WireError.Malformed)]                         // IPv6 with length 4
    [InlineData("04 00 00", WireError.Malformed)]                         // TORv3 with length 0
    [InlineData("05 03 00", WireError.Malformed)]                         // I2P with length 3
    [InlineData("06 01 00", WireError.Malformed)]                         // CJDNS with length 1
    [InlineData("aa fe00000002 01020304050607", WireError.TooMany)]       // unknown, length 33554432 > 512
    public void Read_CoreInvalid_Throws(string coreHex, WireError reason)
    {
        var error = Assert.Throws<WireException>(() => Read(Hex(EntryPrefix + coreHex)));
        Assert.Equal(reason, error.Reason);
    }

    [Fact]
    public void Read_UnknownNetworkOf512Bytes_Skipped()
    {
        var bytes = Hex(EntryPrefix + "07 fd0002" + new string('a', 1024) + Port);
        Assert.Null(Read(bytes));
    }

    // ---- Core net_tests.cpp cnetaddr_tostring_canonical_ipv6 (RFC 5952) ----

    [Theory]
    [InlineData("0:0:0:0:0:0:0:0", "::")]
    [InlineData("0:0:0:0:0:0:0:1", "::1")]
    [InlineData("2001:0:0:1:0:0:0:1", "2001:0:0:1::1")]
    [InlineData("2001:0db8:0:0:1:0:0:1", "2001:db8::1:0:0:1")]
    [InlineData("2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:db8:85a3::8a2e:370:7334")]
    [InlineData("2001:0db8::0001:0000", "2001:db8::1:0")]
    [InlineData("2001:db8:0000:1:1:1:1:1", "2001:db8:0:1:1:1:1:1")]
    [InlineData("2001:db8:0:0:0:0:2:1", "2001:db8::2:1")]
    [InlineData("2001:db8:0:0:aaaa::1", "2001:db8::aaaa:0:0:1")]
    [InlineData("2001:db8:aaaa:bbbb:cccc:dddd::1", "2001:db8:aaaa:bbbb:cccc:dddd:0:1")]
    [InlineData("2001:db8:aaaa:bbbb:cccc:dddd:eeee:AaAa", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa")]
    public void Host_Ipv6_IsRfc5952AsCore(string input, string expected)
    {
        var address = new NetAddressV2(0, ServiceFlags.None, AddressNetwork.IPv6,
            IPAddress.Parse(input).GetAddressBytes(), 0);
        Assert.Equal(expected, address.Host);
    }

    // ---- conversions, construction, equality ----

    [Fact]
    public void ToLegacy_Ipv4_IsMappedAndRoundTrips()
    {
        var address = new NetAddressV2(7, ServiceFlags.Network, AddressNetwork.IPv4, [1, 2, 3, 4], 8333);
        var legacy = address.ToLegacy();
        Assert.NotNull(legacy);
        Assert.Equal(new NetAddress(ServiceFlags.Network, IPAddress.Parse("1.2.3.4"), 8333, 7), legacy.Value);
        Assert.Equal(address, NetAddressV2.FromLegacy(legacy.Value));
    }

    [Theory]
    [InlineData(AddressNetwork.TorV3)]
    [InlineData(AddressNetwork.I2P)]
    [InlineData(AddressNetwork.Cjdns)]
    public void ToLegacy_NetworksWithoutV1Form_Null(AddressNetwork network)
    {
        var address = new NetAddressV2(0, ServiceFlags.None, network, new byte[NetAddressV2.AddressSize(network)], 0);
        Assert.Null(address.ToLegacy());
    }

    [Fact]
    public void Constructor_WrongSizeOrNetwork_Throws()
    {
        Assert.Throws<ArgumentException>(() =>
            new NetAddressV2(0, ServiceFlags.None, AddressNetwork.IPv4, new byte[16], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new NetAddressV2(0, ServiceFlags.None, (AddressNetwork)7, new byte[4], 0));
    }

    [Fact]
    public void Equality_ComparesAddressBytes()
    {
        var a = new NetAddressV2(1, ServiceFlags.Network, AddressNetwork.IPv4, [1, 2, 3, 4], 8333);
        var b = new NetAddressV2(1, ServiceFlags.Network, AddressNetwork.IPv4, [1, 2, 3, 4], 8333);
        var c = new NetAddressV2(1, ServiceFlags.Network, AddressNetwork.IPv4, [1, 2, 3, 5], 8333);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, c);
        Assert.NotEqual(a, a with { Port = 1 });
    }

    [Theory]
    [InlineData("01 04 01020304", "1.2.3.4:8738")]
    [InlineData("06 10 fc000001000200030004000500060007", "[fc00:1:2:3:4:5:6:7]:8738")]
    [InlineData("02 10 0102030405060708090a0b0c0d0e0f10", "[102:304:506:708:90a:b0c:d0e:f10]:8738")]
    public void ToString_HostAndPort(string coreHex, string expected)
    {
        Assert.Equal(expected, Read(Hex(EntryPrefix + coreHex + Port))!.ToString());
    }
}
