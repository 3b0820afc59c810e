using System.Collections.Immutable;
using System.Net;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using static ActorNode.Wire.Tests.Addresses.AddressTestHelpers;

namespace ActorNode.Wire.Tests.Addresses;

/// <summary>addr: vectors from btcd wire/msgaddr_test.go (TestAddrWire, TestAddrWireErrors) and Bitcoin Core
/// src/test/netbase_tests.cpp (stream_addrv1_hex / fixture_addresses).</summary>
public class AddrMessageTests
{
    private static readonly NetAddress Na =
        new(ServiceFlags.Network, IPAddress.Parse("127.0.0.1"), 8333, 0x495fab29);
    private static readonly NetAddress Na2 =
        new(ServiceFlags.Network, IPAddress.Parse("192.168.0.1"), 8334, 0x495fab29);

    // btcd multiAddrEncoded.
    private static readonly byte[] MultiAddrEncoded = Hex(
        "02" +                                                                    // count
        "29ab5f49 0100000000000000 00000000000000000000ffff7f000001 208d" +       // 127.0.0.1:8333
        "29ab5f49 0100000000000000 00000000000000000000ffffc0a80001 208e");       // 192.168.0.1:8334

    [Fact]
    public void Wire_BtcdMultiAddr_RoundTrips()
    {
        var message = new AddrMessage([Na, Na2]);
        Assert.Equal(MultiAddrEncoded, Encode(message, ProtocolVersion.Current));

        var decoded = Decode<AddrMessage>("addr", MultiAddrEncoded, ProtocolVersion.Current);
        Assert.Equal(2, decoded.Addresses.Length);
        Assert.Equal(0x495fab29u, decoded.Addresses[0].Timestamp);
        Assert.Equal(ServiceFlags.Network, decoded.Addresses[0].Services);
        Assert.Equal(IPAddress.Parse("127.0.0.1"), decoded.Addresses[0].Address);
        Assert.Equal((ushort)8333, decoded.Addresses[0].Port);
        Assert.Equal(IPAddress.Parse("192.168.0.1"), decoded.Addresses[1].Address);
        Assert.Equal((ushort)8334, decoded.Addresses[1].Port);
        Assert.Equal(message.Addresses.ToArray(), decoded.Addresses.ToArray());
        Assert.Equal(MultiAddrEncoded, Encode(decoded, ProtocolVersion.Current));
    }

    [Theory]
    [InlineData(ProtocolVersion.Current)]
    [InlineData(ProtocolVersion.MultipleAddress - 1)]
    public void Wire_Empty_IsOneZeroByte(uint pver)
    {
        var message = new AddrMessage([]);
        Assert.Equal([0x00], Encode(message, pver));
        Assert.Empty(Decode<AddrMessage>("addr", [0x00], pver).Addresses);
    }

    [Theory]
    [InlineData(0)] // btcd: force error in the count
    [InlineData(1)] // btcd: force error in the address list
    [InlineData(30)]
    public void Decode_Truncated_Throws(int length)
    {
        var error = Assert.Throws<WireException>(() =>
            Decode<AddrMessage>("addr", MultiAddrEncoded[..length], ProtocolVersion.Current));
        Assert.True(error.Reason is WireError.Truncated or WireError.TooMany, error.ToString());
    }

    [Theory]
    [InlineData("fd03e9")] // btcd maxAddrEncoded (59651 as read little-endian; btcd meant 1001)
    [InlineData("fde903")] // 1001
    public void Decode_CountAboveLimit_FailsBeforeReadingEntries(string countHex)
    {
        foreach (uint pver in new[] { ProtocolVersion.Current, ProtocolVersion.MultipleAddress - 1 })
        {
            var error = Assert.Throws<WireException>(() =>
                Decode<AddrMessage>("addr", Convert.FromHexString(countHex), pver));
            Assert.Equal(WireError.TooMany, error.Reason);
        }
    }

    [Fact]
    public void Decode_1001FullEntries_FailsOnCount()
    {
        // Called without the registry, whose payload limit (30,009 bytes) would stop it first.
        byte[] payload = [.. Hex("fde903"), .. Enumerable.Repeat(MultiAddrEncoded[1..31], 1001).SelectMany(b => b)];
        var error = Assert.Throws<WireException>(() =>
        {
            var reader = new WireReader(payload);
            AddrMessage.Decode(ref reader, WireContext.Latest);
        });
        Assert.Equal(WireError.TooMany, error.Reason);
    }

    [Fact]
    public void Decode_1000Entries_Succeeds()
    {
        byte[] payload = [.. Hex("fde803"), .. Enumerable.Repeat(MultiAddrEncoded[1..31], 1000).SelectMany(b => b)];
        Assert.Equal(30_003, payload.Length);
        var decoded = Decode<AddrMessage>("addr", payload, ProtocolVersion.Current);
        Assert.Equal(1000, decoded.Addresses.Length);
        Assert.All(decoded.Addresses, a => Assert.Equal(Na, a));
        Assert.Equal(payload, Encode(decoded, ProtocolVersion.Current));
    }

    [Fact]
    public void Encode_1001Addresses_Fails()
    {
        var message = new AddrMessage([.. Enumerable.Repeat(Na, 1001)]);
        var error = Assert.Throws<WireException>(() => Encode(message, ProtocolVersion.Current));
        Assert.Equal(WireError.TooMany, error.Reason);
    }

    [Fact]
    public void Encode_Before209_OnlyOneAddressAndNoTimestamp()
    {
        const uint pver = ProtocolVersion.MultipleAddress - 1;
        var error = Assert.Throws<WireException>(() => Encode(new AddrMessage([Na, Na2]), pver));
        Assert.Equal(WireError.TooMany, error.Reason);

        // One address is fine; below 31402 it carries no timestamp.
        byte[] expected = [0x01, .. MultiAddrEncoded[5..31]];
        Assert.Equal(expected, Encode(new AddrMessage([Na]), pver));
        Assert.Equal([Na with { Timestamp = 0 }], Decode<AddrMessage>("addr", expected, pver).Addresses.ToArray());
    }

    [Fact]
    public void MaxPayload_ByVersion_MatchesBtcd()
    {
        Assert.True(MessageRegistry.TryGet("addr", out var descriptor));
        Assert.Equal(30_009, descriptor.MaxPayload(ProtocolVersion.Current));
        Assert.Equal(9 + 26, descriptor.MaxPayload(ProtocolVersion.MultipleAddress - 1));
        Assert.Equal(9 + 26 * 1000, descriptor.MaxPayload(ProtocolVersion.NetAddressTime - 1));
    }

    // Core netbase_tests.cpp stream_addrv1_hex: fixture_addresses in V1 format.
    internal static readonly byte[] CoreStreamV1 = Hex(
        "03" +                                   // number of entries
        "61bc6649" +                             // time, Fri Jan  9 02:54:25 UTC 2009
        "0000000000000000" +                     // service flags, NODE_NONE
        "00000000000000000000000000000001" +     // address, fixed 16 bytes (IPv6)
        "0000" +                                 // port
        "79627683" +                             // time, Tue Nov 22 11:22:33 UTC 2039
        "0100000000000000" +                     // service flags, NODE_NETWORK
        "00000000000000000000000000000001" +     // address, fixed 16 bytes (IPv6)
        "00f1" +                                 // port
        "ffffffff" +                             // time, Sun Feb  7 06:28:15 UTC 2106
        "4804000000000000" +                     // NODE_WITNESS | NODE_COMPACT_FILTERS | NODE_NETWORK_LIMITED
        "00000000000000000000000000000001" +     // address, fixed 16 bytes (IPv6)
        "f1f2");                                 // port

    internal static readonly ImmutableArray<(uint Time, ServiceFlags Services, ushort Port)> CoreFixture =
    [
        (0x4966bc61, ServiceFlags.None, 0),
        (0x83766279, ServiceFlags.Network, 0x00f1),
        (0xffffffff, ServiceFlags.Witness | ServiceFlags.CompactFilters | ServiceFlags.NetworkLimited, 0xf1f2),
    ];

    [Fact]
    public void Wire_CoreFixtureV1_DecodesFieldByFieldAndReencodes()
    {
        var decoded = Decode<AddrMessage>("addr", CoreStreamV1, ProtocolVersion.Current);
        Assert.Equal(3, decoded.Addresses.Length);
        for (int i = 0; i < 3; i++)
        {
            var address = decoded.Addresses[i];
            Assert.Equal(CoreFixture[i].Time, address.Timestamp);
            Assert.Equal(CoreFixture[i].Services, address.Services);
            Assert.Equal(IPAddress.IPv6Loopback, address.Address);
            Assert.Equal(CoreFixture[i].Port, address.Port);
        }
        Assert.Equal(CoreStreamV1, Encode(decoded, ProtocolVersion.Current));
    }
}
