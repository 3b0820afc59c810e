using System.Net;
using System.Security.Cryptography;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using static ActorNode.Wire.Tests.Addresses.AddressTestHelpers;

namespace ActorNode.Wire.Tests.Addresses;

/// <summary>version: vectors from btcd wire/msgversion_test.go (TestVersionWire, TestVersionWireErrors,
/// TestVersionOptionalFields), and two whole frames: the Bitcoin wiki "Protocol documentation" version hexdump
/// (Satoshi 0.7.2) and a version Bitcoin Core 23.0 sent (captured in https://stacker.news/items/83748).</summary>
public class VersionMessageTests
{
    private const uint MainNetMagic = 0xD9B4BEF9;

    // btcd baseVersionEncoded: the baseVersion message at protocol version 60002 (no relay byte).
    private static readonly byte[] BaseVersionEncoded = Hex(
        "62ea0000" +                                                   // protocol version 60002
        "0100000000000000" +                                           // SFNodeNetwork
        "29ab5f4900000000" +                                           // 64-bit timestamp
        "0100000000000000 00000000000000000000ffffc0a80001 208d" +     // AddrYou 192.168.0.1:8333, no timestamp
        "0100000000000000 00000000000000000000ffff7f000001 208d" +     // AddrMe 127.0.0.1:8333, no timestamp
        "f3e0010000000000" +                                           // nonce 123123
        "10 2f6274636474657374 3a302e302e312f" +                       // user agent "/btcdtest:0.0.1/"
        "fa920300");                                                   // last block 234234

    // btcd baseVersionBIP0037Encoded: version 70001 and a relay byte.
    private static readonly byte[] BaseVersionBip37Encoded =
        [.. Hex("71110100"), .. BaseVersionEncoded[4..], 0x01];

    private static VersionMessage BaseVersion(int protocolVersion = 60002) => new(
        ProtocolVersion: protocolVersion,
        Services: ServiceFlags.Network,
        Timestamp: 0x495fab29,
        Receiver: new NetAddress(ServiceFlags.Network, IPAddress.Parse("192.168.0.1"), 8333),
        Sender: new NetAddress(ServiceFlags.Network, IPAddress.Parse("127.0.0.1"), 8333),
        Nonce: 123123,
        UserAgent: "/btcdtest:0.0.1/",
        StartHeight: 234234);

    private static void AssertBaseFields(VersionMessage message, int protocolVersion)
    {
        Assert.Equal(protocolVersion, message.ProtocolVersion);
        Assert.Equal(ServiceFlags.Network, message.Services);
        Assert.Equal(0x495fab29L, message.Timestamp);
        Assert.Equal(IPAddress.Parse("192.168.0.1"), message.Receiver.Address);
        Assert.Equal((ushort)8333, message.Receiver.Port);
        Assert.Equal(ServiceFlags.Network, message.Receiver.Services);
        Assert.Equal(0u, message.Receiver.Timestamp);
        Assert.Equal(IPAddress.Parse("127.0.0.1"), message.Sender.Address);
        Assert.Equal((ushort)8333, message.Sender.Port);
        Assert.Equal(ServiceFlags.Network, message.Sender.Services);
        Assert.Equal(123123UL, message.Nonce);
        Assert.Equal("/btcdtest:0.0.1/", message.UserAgent);
        Assert.Equal(234234, message.StartHeight);
    }

    [Theory]
    [InlineData(ProtocolVersion.Current)]
    [InlineData(ProtocolVersion.Bip0037)]
    public void Wire_Bip37RelayTrue_MatchesBtcd(uint pver)
    {
        var message = BaseVersion(70001);
        Assert.Equal(BaseVersionBip37Encoded, Encode(message, pver));

        var decoded = Decode<VersionMessage>("version", BaseVersionBip37Encoded, pver);
        AssertBaseFields(decoded, 70001);
        Assert.True(decoded.Relay);
        Assert.Equal(message, decoded);
        Assert.Equal(BaseVersionBip37Encoded, Encode(decoded, pver));
    }

    [Fact]
    public void Wire_Bip37RelayFalse_LastByteIsZero()
    {
        byte[] encoded = [.. BaseVersionBip37Encoded[..^1], 0x00];
        var message = BaseVersion(70001) with { Relay = false };
        Assert.Equal(encoded, Encode(message, ProtocolVersion.Bip0037));

        var decoded = Decode<VersionMessage>("version", encoded, ProtocolVersion.Bip0037);
        AssertBaseFields(decoded, 70001);
        Assert.False(decoded.Relay);
    }

    [Theory]
    [InlineData(ProtocolVersion.Bip0035)]
    [InlineData(ProtocolVersion.Bip0031)]
    [InlineData(ProtocolVersion.NetAddressTime)]
    [InlineData(ProtocolVersion.MultipleAddress)]
    public void Wire_BeforeBip37_NoRelayByteAndRelayDefaultsTrue(uint pver)
    {
        var message = BaseVersion();
        Assert.Equal(BaseVersionEncoded, Encode(message, pver));
        Assert.Equal(BaseVersionEncoded, Encode(message with { Relay = false }, pver));

        var decoded = Decode<VersionMessage>("version", BaseVersionEncoded, pver);
        AssertBaseFields(decoded, 60002);
        Assert.True(decoded.Relay);
        Assert.Equal(message, decoded);
    }

    [Fact]
    public void Decode_OnlyRequiredFields_RestDefault()
    {
        // btcd TestVersionOptionalFields onlyRequiredVersion: everything after AddrYou cut off.
        var decoded = Decode<VersionMessage>("version", BaseVersionEncoded[..^55], ProtocolVersion.Current);
        Assert.Equal(60002, decoded.ProtocolVersion);
        Assert.Equal(IPAddress.Parse("192.168.0.1"), decoded.Receiver.Address);
        Assert.Equal(default, decoded.Sender);
        Assert.Equal(0UL, decoded.Nonce);
        Assert.Equal("", decoded.UserAgent);
        Assert.Equal(0, decoded.StartHeight);
        Assert.True(decoded.Relay);
    }

    [Theory]
    // btcd TestVersionOptionalFields: through AddrMe (-29), Nonce (-21), UserAgent (-4), LastBlock (0).
    [InlineData(29, true, false, false, false)]
    [InlineData(21, true, true, false, false)]
    [InlineData(4, true, true, true, false)]
    [InlineData(0, true, true, true, true)]
    public void Decode_OptionalFieldsCut_ReadsWhatIsThere(int cut, bool sender, bool nonce, bool userAgent,
        bool startHeight)
    {
        var decoded = Decode<VersionMessage>("version", BaseVersionEncoded[..^cut], ProtocolVersion.Current);
        var full = BaseVersion();
        var expected = full with
        {
            Sender = sender ? full.Sender : default,
            Nonce = nonce ? full.Nonce : 0,
            UserAgent = userAgent ? full.UserAgent : "",
            StartHeight = startHeight ? full.StartHeight : 0,
        };
        Assert.Equal(expected, decoded);
        Assert.True(decoded.Relay);
    }

    [Theory]
    // btcd TestVersionWireErrors: cut inside protocol version, services, timestamp, AddrYou, AddrMe, nonce, user
    // agent length, user agent, last block.
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(12)]
    [InlineData(20)]
    [InlineData(47)]
    [InlineData(73)]
    [InlineData(81)]
    [InlineData(82)]
    [InlineData(98)]
    public void Decode_FieldCutInside_Throws(int length)
    {
        var error = Assert.Throws<WireException>(() =>
            Decode<VersionMessage>("version", BaseVersionEncoded[..length], 60002));
        Assert.Equal(WireError.Truncated, error.Reason);
    }

    [Fact]
    public void Decode_Bip37WithoutRelayByte_RelayTrue()
    {
        // btcd TestVersionWireErrors: cutting the relay byte is no read error, it is optional.
        var decoded = Decode<VersionMessage>("version", BaseVersionBip37Encoded[..101], ProtocolVersion.Bip0037);
        Assert.True(decoded.Relay);
        AssertBaseFields(decoded, 70001);
    }

    private static string UserAgentOfLength(int length) => "/" + new string('t', length - 8) + ":0.0.1/";

    private static byte[] WithUserAgent(string userAgent)
    {
        var bytes = System.Text.Encoding.ASCII.GetBytes(userAgent);
        var prefix = new byte[9];
        int n = CompactSize.Write(prefix, (ulong)bytes.Length);
        return [.. BaseVersionEncoded[..80], .. prefix[..n], .. bytes, .. BaseVersionEncoded[97..]];
    }

    [Fact]
    public void UserAgent_257Bytes_FailsBothWays()
    {
        // btcd TestVersionWireErrors exceedUAVer: "/" + 249 × "t" + ":0.0.1/" = 257 bytes.
        string userAgent = UserAgentOfLength(257);
        Assert.Equal(257, userAgent.Length);
        var message = BaseVersion() with { UserAgent = userAgent };
        var encoded = WithUserAgent(userAgent);

        var encodeError = Assert.Throws<WireException>(() => Encode(message, 60002));
        Assert.Equal(WireError.TooMany, encodeError.Reason);
        var decodeError = Assert.Throws<WireException>(() => Decode<VersionMessage>("version", encoded, 60002));
        Assert.Equal(WireError.TooMany, decodeError.Reason);
    }

    [Fact]
    public void UserAgent_256Bytes_RoundTrips()
    {
        string userAgent = UserAgentOfLength(256);
        var message = BaseVersion() with { UserAgent = userAgent };
        var encoded = WithUserAgent(userAgent);
        Assert.Equal(encoded, Encode(message, 60002));
        Assert.Equal(message, Decode<VersionMessage>("version", encoded, 60002));
    }

    [Fact]
    public void MaxPayload_Latest_Is358()
    {
        Assert.Equal(358, VersionMessage.MaxPayload(ProtocolVersion.Current));
        Assert.True(MessageRegistry.TryGet("version", out var descriptor));
        Assert.Equal(358, descriptor.MaxPayload(ProtocolVersion.Current));
        Assert.Equal(0u, descriptor.MinProtocolVersion);
        // Below 31402 btcd counts 26-byte addresses: 33 + 52 + 9 + 256.
        Assert.Equal(350, descriptor.MaxPayload(ProtocolVersion.NetAddressTime - 1));
    }

    // The Bitcoin wiki's version hexdump (https://en.bitcoin.it/wiki/Protocol_documentation#version), Satoshi 0.7.2.
    private static readonly byte[] WikiFrame = Hex(
        "f9beb4d9 76657273696f6e0000000000 64000000 358d4932" +        // magic, "version", length 100, checksum
        "62ea0000" +                                                   // version 60002
        "0100000000000000" +                                           // NODE_NETWORK
        "11b2d05000000000" +                                           // time 0x50d0b211
        "0100000000000000 00000000000000000000ffff00000000 0000" +     // addr_recv
        "0000000000000000 00000000000000000000ffff00000000 0000" +     // addr_from
        "3b2eb35d8ce61765" +                                           // nonce
        "0f 2f5361746f7368693a302e372e322f" +                          // "/Satoshi:0.7.2/"
        "c03e0300");                                                   // start height 212672

    // A version message Bitcoin Core 23.0 sent to a fresh inbound connection (https://stacker.news/items/83748).
    private static readonly byte[] Core23Frame = Hex(
        "f9beb4d9 76657273696f6e0000000000 66000000 bdcad498" +        // magic, "version", length 102, checksum
        "80110100" +                                                   // version 70016
        "0d04000000000000" +                                           // NETWORK | BLOOM | WITNESS | NETWORK_LIMITED
        "5083506300000000" +                                           // time 0x63508350
        "0000000000000000 00000000000000000000000000000000 0000" +     // addr_recv: unknown to Core, all zero
        "0d04000000000000 00000000000000000000000000000000 0000" +     // addr_from: services only
        "ff0ae91284bdd3e2" +                                           // nonce
        "10 2f5361746f7368693a32332e302e302f" +                        // "/Satoshi:23.0.0/"
        "8e960b00" +                                                   // start height 759438
        "01");                                                         // relay

    private static VersionMessage DecodeFrame(byte[] frame)
    {
        var decoder = new FrameDecoder(MainNetMagic, WireContext.Latest);
        ReadOnlySpan<byte> input = frame;
        Assert.True(decoder.TryRead(ref input, out var message));
        Assert.True(input.IsEmpty);
        return Assert.IsType<VersionMessage>(message);
    }

    private static void AssertChecksum(byte[] frame)
    {
        // Independent of our FrameHeader: the checksum is the first 4 bytes of SHA-256(SHA-256(payload)).
        var checksum = SHA256.HashData(SHA256.HashData(frame.AsSpan(24)));
        Assert.Equal(checksum[..4], frame[20..24]);
    }

    [Fact]
    public void Frame_WikiSatoshi072_DecodesAndReencodes()
    {
        AssertChecksum(WikiFrame);
        var message = DecodeFrame(WikiFrame);

        Assert.Equal(60002, message.ProtocolVersion);
        Assert.Equal(ServiceFlags.Network, message.Services);
        Assert.Equal(0x50d0b211L, message.Timestamp);
        Assert.Equal(ServiceFlags.Network, message.Receiver.Services);
        Assert.Equal(IPAddress.Parse("0.0.0.0"), message.Receiver.Address);
        Assert.Equal((ushort)0, message.Receiver.Port);
        Assert.Equal(ServiceFlags.None, message.Sender.Services);
        Assert.Equal(IPAddress.Parse("0.0.0.0"), message.Sender.Address);
        Assert.Equal(0x6517e68c5db32e3bUL, message.Nonce);
        Assert.Equal("/Satoshi:0.7.2/", message.UserAgent);
        Assert.Equal(212672, message.StartHeight);
        Assert.True(message.Relay); // no relay byte in a 60002 message

        // Re-encoded at the sender's version (below BIP37) the frame is identical.
        Assert.Equal(WikiFrame, new MessageEncoder(MainNetMagic).Encode(message, new WireContext(60002)));
    }

    [Fact]
    public void Frame_Core23_DecodesAndReencodes()
    {
        AssertChecksum(Core23Frame);
        var message = DecodeFrame(Core23Frame);

        const ServiceFlags coreServices =
            ServiceFlags.Network | ServiceFlags.Bloom | ServiceFlags.Witness | ServiceFlags.NetworkLimited;
        Assert.Equal(70016, message.ProtocolVersion);
        Assert.Equal(coreServices, message.Services);
        Assert.Equal(0x63508350L, message.Timestamp);
        Assert.Equal(ServiceFlags.None, message.Receiver.Services);
        Assert.Equal(IPAddress.IPv6Any, message.Receiver.Address);
        Assert.False(message.Receiver.IsIPv4);
        Assert.Equal((ushort)0, message.Receiver.Port);
        Assert.Equal(coreServices, message.Sender.Services);
        Assert.Equal(IPAddress.IPv6Any, message.Sender.Address);
        Assert.Equal(0xe2d3bd8412e90affUL, message.Nonce);
        Assert.Equal("/Satoshi:23.0.0/", message.UserAgent);
        Assert.Equal(759438, message.StartHeight);
        Assert.True(message.Relay);

        Assert.Equal(Core23Frame, new MessageEncoder(MainNetMagic).Encode(message, WireContext.Latest));
    }

    [Fact]
    public void Frame_Core23_ByteAtATime_Decodes()
    {
        var decoder = new FrameDecoder(MainNetMagic, WireContext.Latest);
        VersionMessage? result = null;
        for (int i = 0; i < Core23Frame.Length; i++)
        {
            ReadOnlySpan<byte> one = Core23Frame.AsSpan(i, 1);
            if (decoder.TryRead(ref one, out var message)) result = Assert.IsType<VersionMessage>(message);
            Assert.Equal(i == Core23Frame.Length - 1, result is not null);
        }
        Assert.Equal("/Satoshi:23.0.0/", result!.UserAgent);
    }
}
