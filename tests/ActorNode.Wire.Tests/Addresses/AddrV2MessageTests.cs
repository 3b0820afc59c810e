using System.Net;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using static ActorNode.Wire.Tests.Addresses.AddressTestHelpers;

namespace ActorNode.Wire.Tests.Addresses;

/// <summary>addrv2: vectors from btcd wire/msgaddrv2_test.go (TestAddrV2Decode) and Bitcoin Core
/// src/test/netbase_tests.cpp (stream_addrv2_hex / fixture_addresses), plus the limits of btcd wire/msg*.go.</summary>
public class AddrV2MessageTests
{
    // Core netbase_tests.cpp stream_addrv2_hex: fixture_addresses in V2 format.
    private static readonly byte[] CoreStreamV2 = Hex(
        "03" +                                   // number of entries
        "61bc6649" +                             // time, Fri Jan  9 02:54:25 UTC 2009
        "00" +                                   // service flags, COMPACTSIZE(NODE_NONE)
        "02" +                                   // network id, IPv6
        "10" +                                   // address length, COMPACTSIZE(16)
        "00000000000000000000000000000001" +     // address
        "0000" +                                 // port
        "79627683" +                             // time, Tue Nov 22 11:22:33 UTC 2039
        "01" +                                   // service flags, COMPACTSIZE(NODE_NETWORK)
        "02" +                                   // network id, IPv6
        "10" +                                   // address length, COMPACTSIZE(16)
        "00000000000000000000000000000001" +     // address
        "00f1" +                                 // port
        "ffffffff" +                             // time, Sun Feb  7 06:28:15 UTC 2106
        "fd4804" +                               // COMPACTSIZE(NODE_WITNESS | NODE_COMPACT_FILTERS | NODE_NETWORK_LIMITED)
        "02" +                                   // network id, IPv6
        "10" +                                   // address length, COMPACTSIZE(16)
        "00000000000000000000000000000001" +     // address
        "f1f2");                                 // port

    [Fact]
    public void Wire_CoreFixtureV2_DecodesFieldByFieldAndReencodes()
    {
        var decoded = Decode<AddrV2Message>("addrv2", CoreStreamV2, ProtocolVersion.Current);
        Assert.Equal(3, decoded.Addresses.Length);
        for (int i = 0; i < 3; i++)
        {
            var address = decoded.Addresses[i];
            Assert.Equal(AddrMessageTests.CoreFixture[i].Time, address.Timestamp);
            Assert.Equal(AddrMessageTests.CoreFixture[i].Services, address.Services);
            Assert.Equal(AddressNetwork.IPv6, address.Network);
            Assert.Equal(IPAddress.IPv6Loopback.GetAddressBytes(), address.Address.ToArray());
            Assert.Equal(AddrMessageTests.CoreFixture[i].Port, address.Port);
        }
        Assert.Equal(CoreStreamV2, Encode(decoded, ProtocolVersion.Current));
    }

    [Fact]
    public void Wire_CoreFixture_V1AndV2AreTheSameAddresses()
    {
        var v1 = Decode<AddrMessage>("addr", AddrMessageTests.CoreStreamV1, ProtocolVersion.Current);
        var v2 = Decode<AddrV2Message>("addrv2", CoreStreamV2, ProtocolVersion.Current);
        Assert.Equal(v1.Addresses, v2.Addresses.Select(a => a.ToLegacy()!.Value));
        Assert.Equal(v2.Addresses, v1.Addresses.Select(NetAddressV2.FromLegacy));
    }

    [Fact]
    public void Decode_BtcdTooMany_Throws()
    {
        var error = Assert.Throws<WireException>(() =>
            Decode<AddrV2Message>("addrv2", Hex("fdffff"), ProtocolVersion.Current));
        Assert.Equal(WireError.TooMany, error.Reason);
    }

    [Fact]
    public void Decode_BtcdInvalidAddressSize_FailsMessage()
    {
        // btcd's bytes: 7 bytes cannot hold even the smallest entry, so the count check stops it first.
        Assert.Throws<WireException>(() =>
            Decode<AddrV2Message>("addrv2", Hex("01 00000000 00 01 05"), ProtocolVersion.Current));
        // With the five address bytes and the port present, the length itself is the fault.
        var error = Assert.Throws<WireException>(() =>
            Decode<AddrV2Message>("addrv2", Hex("01 00000000 00 01 05 0102030405 2222"), ProtocolVersion.Current));
        Assert.Equal(WireError.Malformed, error.Reason);
    }

    [Fact]
    public void Decode_BtcdOneValidOneSkipped_KeepsOne()
    {
        var payload = Hex(
            "02" +
            "00000000 00 01 04 7f000001 2222" +
            "00000000 00 02 10 fd87d87eeb43fffecc39a8736915ffff 2222"); // OnionCat under the IPv6 id
        var decoded = Decode<AddrV2Message>("addrv2", payload, ProtocolVersion.Current);
        var address = Assert.Single(decoded.Addresses);
        Assert.Equal(AddressNetwork.IPv4, address.Network);
        Assert.Equal("127.0.0.1", address.Host);
        Assert.Equal((ushort)0x2222, address.Port);
    }

    [Fact]
    public void Decode_BtcdTruncatedAddress_Throws()
    {
        var error = Assert.Throws<WireException>(() =>
            Decode<AddrV2Message>("addrv2", Hex("01 00000000 00 01 04 7f0000"), ProtocolVersion.Current));
        Assert.True(error.Reason is WireError.Truncated or WireError.TooMany, error.ToString());
    }

    [Fact]
    public void Decode_EveryNetworkAndUnknownId_KeepsKnownDropsUnknown()
    {
        // One entry per BIP155 network (Core net_tests.cpp cnetaddr_unserialize_v2 addresses), an unknown id 0x07
        // and an unknown id 0x00, both skipped.
        string[] kept =
        [
            "01000000 01 01 04 01020304 208d",
            "02000000 09 02 10 0102030405060708090a0b0c0d0e0f10 208d",
            "03000000 00 03 0a f1f2f3f4f5f6f7f8f9fa 208d",
            "04000000 00 04 20 79bcc625184b05194975c28b66b66b0469f7f6556fb1ac3189a79b40dda32f1f 208d",
            "06000000 00 05 20 a2894dabaec08c0051a481a6dac88b64f98232ae42d4b6fd2fa81952dfe36a87 0000",
            "08000000 fd4804 06 10 fc000001000200030004000500060007 208d",
        ];
        string unknown7 = "05000000 00 07 03 aabbcc 208d";
        string unknown0 = "07000000 00 00 00 0000";
        var payload = Hex("08" + kept[0] + kept[1] + kept[2] + kept[3] + unknown7 + kept[4] + unknown0 + kept[5]);
        var decoded = Decode<AddrV2Message>("addrv2", payload, ProtocolVersion.Current);

        Assert.Equal(
            [AddressNetwork.IPv4, AddressNetwork.IPv6, AddressNetwork.TorV2, AddressNetwork.TorV3, AddressNetwork.I2P,
                AddressNetwork.Cjdns],
            decoded.Addresses.Select(a => a.Network));
        Assert.Equal([1u, 2u, 3u, 4u, 6u, 8u], decoded.Addresses.Select(a => a.Timestamp));
        Assert.Equal(
            ["1.2.3.4", "102:304:506:708:90a:b0c:d0e:f10", "6hzph5hv6337r6p2.onion",
                "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion",
                "ukeu3k5oycgaauneqgtnvselmt4yemvoilkln7jpvamvfx7dnkdq.b32.i2p", "fc00:1:2:3:4:5:6:7"],
            decoded.Addresses.Select(a => a.Host));
        Assert.Equal(ServiceFlags.Network | ServiceFlags.Witness, decoded.Addresses[1].Services);
        Assert.Equal(ServiceFlags.Witness | ServiceFlags.CompactFilters | ServiceFlags.NetworkLimited,
            decoded.Addresses[5].Services);
        Assert.Equal((ushort)0, decoded.Addresses[4].Port);

        // Re-encoding writes the six kept entries, byte for byte as they came.
        var expected = Hex("06" + string.Concat(kept));
        Assert.Equal(expected, Encode(decoded, ProtocolVersion.Current));
    }

    private static byte[] Entries(int count)
    {
        var prefix = new byte[CompactSize.MaxSize];
        int n = CompactSize.Write(prefix, (ulong)count);
        return [.. prefix[..n], .. Enumerable.Repeat(Hex("00000000 00 01 04 01020304 208d"), count).SelectMany(b => b)];
    }

    [Fact]
    public void Decode_1000Entries_Succeeds()
    {
        var payload = Entries(1000);
        var decoded = Decode<AddrV2Message>("addrv2", payload, ProtocolVersion.Current);
        Assert.Equal(1000, decoded.Addresses.Length);
        Assert.Equal(payload, Encode(decoded, ProtocolVersion.Current));
    }

    [Fact]
    public void Decode_1001Entries_Fails()
    {
        var payload = Entries(1001);
        Assert.Equal(Hex("fde903"), payload[..3]);
        var error = Assert.Throws<WireException>(() =>
            Decode<AddrV2Message>("addrv2", payload, ProtocolVersion.Current));
        Assert.Equal(WireError.TooMany, error.Reason);
    }

    [Fact]
    public void Encode_1001Addresses_Fails()
    {
        var address = new NetAddressV2(0, ServiceFlags.None, AddressNetwork.IPv4, [1, 2, 3, 4], 8333);
        var message = new AddrV2Message([.. Enumerable.Repeat(address, 1001)]);
        var error = Assert.Throws<WireException>(() => Encode(message, ProtocolVersion.Current));
        Assert.Equal(WireError.TooMany, error.Reason);
    }

    [Fact]
    public void Registry_MaxPayloadAndNoGate_AsBtcd()
    {
        Assert.True(MessageRegistry.TryGet("addrv2", out var descriptor));
        Assert.Equal(531_003, descriptor.MaxPayload(ProtocolVersion.Current));
        Assert.Equal(0u, descriptor.MinProtocolVersion);
        Assert.Single(Decode<AddrV2Message>("addrv2", Entries(1), ProtocolVersion.AddrV2 - 1).Addresses);
    }
}
