using System.Buffers;
using System.Net;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Primitives;
using static ActorNode.Wire.Tests.Addresses.AddressTestHelpers;

namespace ActorNode.Wire.Tests.Addresses;

/// <summary>Legacy NetAddress: vectors from btcd wire/netaddress_test.go (TestNetAddressWire,
/// TestNetAddressWireErrors) and Bitcoin Core src/test/net_tests.cpp (cnetaddr_serialize_v1).</summary>
public class NetAddressTests
{
    // btcd baseNetAddr: 127.0.0.1:8333, SFNodeNetwork, time 0x495fab29.
    private static readonly byte[] WithTimestamp = Hex(
        "29ab5f49" +                           // timestamp
        "0100000000000000" +                   // SFNodeNetwork
        "00000000000000000000ffff7f000001" +   // IP 127.0.0.1
        "208d");                               // port 8333, big-endian

    private static readonly byte[] WithoutTimestamp = WithTimestamp[4..];

    private static NetAddress Read(byte[] bytes, uint pver, bool withTimestamp)
    {
        var reader = new WireReader(bytes);
        var address = NetAddress.Read(ref reader, pver, withTimestamp);
        reader.EnsureEnd("test");
        return address;
    }

    private static byte[] Write(NetAddress address, uint pver, bool withTimestamp)
    {
        var buffer = new ArrayBufferWriter<byte>();
        address.Write(new WireWriter(buffer), pver, withTimestamp);
        return buffer.WrittenSpan.ToArray();
    }

    [Theory]
    [InlineData(ProtocolVersion.Current, false, false)]
    [InlineData(ProtocolVersion.Current, true, true)]
    [InlineData(ProtocolVersion.NetAddressTime, false, false)]
    [InlineData(ProtocolVersion.NetAddressTime, true, true)]
    [InlineData(ProtocolVersion.NetAddressTime - 1, false, false)]
    [InlineData(ProtocolVersion.NetAddressTime - 1, true, false)] // too old for a timestamp even when asked
    public void ReadWrite_BtcdVector_TimestampOnlyWhenAskedAndVersionAllows(uint pver, bool ask, bool expectTimestamp)
    {
        var address = new NetAddress(ServiceFlags.Network, IPAddress.Parse("127.0.0.1"), 8333, 0x495fab29);
        var expectedBytes = expectTimestamp ? WithTimestamp : WithoutTimestamp;

        Assert.Equal(expectedBytes, Write(address, pver, ask));

        var decoded = Read(expectedBytes, pver, ask);
        Assert.Equal(expectTimestamp ? 0x495fab29u : 0u, decoded.Timestamp);
        Assert.Equal(ServiceFlags.Network, decoded.Services);
        Assert.Equal(IPAddress.Parse("127.0.0.1"), decoded.Address);
        Assert.True(decoded.IsIPv4);
        Assert.Equal((ushort)8333, decoded.Port);
        Assert.Equal(expectTimestamp ? address : address with { Timestamp = 0 }, decoded);
        Assert.Equal(expectedBytes, Write(decoded, pver, ask));
    }

    [Theory]
    // btcd TestNetAddressWireErrors: cut at the timestamp, services, ip and port.
    [InlineData(ProtocolVersion.Current, true, 0)]
    [InlineData(ProtocolVersion.Current, true, 4)]
    [InlineData(ProtocolVersion.Current, true, 12)]
    [InlineData(ProtocolVersion.Current, true, 28)]
    [InlineData(ProtocolVersion.Current, false, 0)]
    [InlineData(ProtocolVersion.Current, false, 8)]
    [InlineData(ProtocolVersion.Current, false, 24)]
    [InlineData(ProtocolVersion.NetAddressTime - 1, true, 0)]
    [InlineData(ProtocolVersion.NetAddressTime - 1, true, 8)]
    [InlineData(ProtocolVersion.NetAddressTime - 1, true, 24)]
    public void Read_Truncated_Throws(uint pver, bool withTimestamp, int length)
    {
        var full = withTimestamp && pver >= ProtocolVersion.NetAddressTime ? WithTimestamp : WithoutTimestamp;
        var bytes = full[..length];
        var error = Assert.Throws<WireException>(() => Read(bytes, pver, withTimestamp));
        Assert.Equal(WireError.Truncated, error.Reason);
    }

    [Theory]
    // Core net_tests.cpp cnetaddr_serialize_v1: the 16 bytes a legacy address carries.
    [InlineData("1.2.3.4", "00000000000000000000ffff01020304", true)]
    [InlineData("1a1b:2a2b:3a3b:4a4b:5a5b:6a6b:7a7b:8a8b", "1a1b2a2b3a3b4a4b5a5b6a6b7a7b8a8b", false)]
    [InlineData("::", "00000000000000000000000000000000", false)]
    public void Constructor_IPAddress_GivesCoreV1Bytes(string ip, string expectedHex, bool isIPv4)
    {
        var address = new NetAddress(ServiceFlags.None, IPAddress.Parse(ip), 0);
        Assert.Equal(Convert.FromHexString(expectedHex), address.GetIPBytes());
        Assert.Equal(isIPv4, address.IsIPv4);
        Assert.Equal(IPAddress.Parse(ip), address.Address);
        Assert.Equal(address, new NetAddress(ServiceFlags.None, Convert.FromHexString(expectedHex), 0));
    }

    [Fact]
    public void MaxPayload_ByVersion_MatchesBtcd()
    {
        Assert.Equal(30, NetAddress.MaxPayload(ProtocolVersion.Current));
        Assert.Equal(30, NetAddress.MaxPayload(ProtocolVersion.NetAddressTime));
        Assert.Equal(26, NetAddress.MaxPayload(ProtocolVersion.NetAddressTime - 1));
    }

    [Theory]
    [InlineData("127.0.0.1", 8333, "127.0.0.1:8333")]
    [InlineData("2001:db8::1", 8333, "[2001:db8::1]:8333")]
    [InlineData("::1.2.3.4", 1, "[::102:304]:1")] // IPv4-compatible prints as hex, as Go and Core do
    public void ToString_HostAndPort(string ip, ushort port, string expected)
    {
        Assert.Equal(expected, new NetAddress(ServiceFlags.None, IPAddress.Parse(ip), port).ToString());
    }

    [Fact]
    public void Constructor_Ipv6Scope_IsDropped()
    {
        var scoped = IPAddress.Parse("fe80::1%3");
        var address = new NetAddress(ServiceFlags.None, scoped, 1);
        Assert.Equal(IPAddress.Parse("fe80::1"), address.Address);
    }
}
