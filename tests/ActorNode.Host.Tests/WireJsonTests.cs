using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using ActorNode.Host.Json;
using ActorNode.Wire;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;

namespace ActorNode.Host.Tests;

public class WireJsonTests
{
    /// <summary>A message type the printer has never seen, with every kind of field a real message uses.</summary>
    private sealed record SampleMessage(
        Hash256 Hash,
        ReadOnlyMemory<byte> Data,
        byte[] Raw,
        ImmutableArray<byte> Frozen,
        IPAddress Address,
        IPEndPoint EndPoint,
        ServiceFlags Services,
        BlockHeader Header,
        Hash256[] Hashes,
        ulong Nonce,
        Nested[] Items) : IWireMessage
    {
        public string Command => "sample";

        /// <summary>A span view no serializer can print; the printer must skip it.</summary>
        public ReadOnlySpan<byte> View => Data.Span;

        public void WritePayload(WireWriter writer, WireContext context) { }
    }

    /// <summary>A non-message record inside a message (like a network address in addr), with a span view too.</summary>
    private sealed record Nested(IPAddress Ip, ReadOnlyMemory<byte> Key)
    {
        public ReadOnlySpan<byte> KeySpan => Key.Span;
    }

    // Mainnet genesis header (btcd chaincfg/params.go, chaincfg/genesis.go): version 1, merkle root 4a5e1e4b..., time 1231006505,
    // bits 0x1d00ffff, nonce 2083236893, hash 000000000019d668...
    private static readonly BlockHeader Genesis = new(1, Hash256.Zero,
        Hash256.Parse("4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"), 1231006505, 0x1d00ffff, 2083236893);

    private static SampleMessage Sample(ServiceFlags services) => new(
        Hash256.Parse("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"),
        new byte[] { 0x00, 0xab, 0xff },
        [0x01, 0x02],
        [0xfe],
        IPAddress.Parse("::ffff:10.0.0.1"),
        new IPEndPoint(IPAddress.Parse("2001:db8::1"), 8333),
        services,
        Genesis,
        [Hash256.Zero],
        ulong.MaxValue,
        [new Nested(IPAddress.Loopback, new byte[] { 0x42 })]);

    private static JsonElement Print(object value) => JsonDocument.Parse(WireJson.Serialize(value)).RootElement;

    [Fact]
    public void Serialize_UnseenMessageType_PrintsCommandFirstThenEveryField()
    {
        var json = Print(Sample(ServiceFlags.Network | ServiceFlags.Witness));

        Assert.Equal(["command", "hash", "data", "raw", "frozen", "address", "endPoint", "services", "header", "hashes", "nonce", "items"],
            json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("sample", json.GetProperty("command").GetString());
        Assert.Equal("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f", json.GetProperty("hash").GetString());
        Assert.Equal("00abff", json.GetProperty("data").GetString());
        Assert.Equal("0102", json.GetProperty("raw").GetString());
        Assert.Equal("fe", json.GetProperty("frozen").GetString());
        Assert.Equal("10.0.0.1", json.GetProperty("address").GetString());
        Assert.Equal("[2001:db8::1]:8333", json.GetProperty("endPoint").GetString());
        Assert.Equal("Network, Witness", json.GetProperty("services").GetString());
        Assert.Equal(new string('0', 64), json.GetProperty("hashes")[0].GetString());
        Assert.Equal(ulong.MaxValue, json.GetProperty("nonce").GetUInt64());
        var item = Assert.Single(json.GetProperty("items").EnumerateArray());
        Assert.Equal(["ip", "key"], item.EnumerateObject().Select(p => p.Name));
        Assert.Equal("127.0.0.1", item.GetProperty("ip").GetString());
        Assert.Equal("42", item.GetProperty("key").GetString());
    }

    [Fact]
    public void Serialize_BlockHeader_AddsItsHash()
    {
        var header = Print(Sample(ServiceFlags.None)).GetProperty("header");

        Assert.Equal("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f", header.GetProperty("hash").GetString());
        Assert.Equal(1, header.GetProperty("version").GetInt32());
        Assert.Equal(new string('0', 64), header.GetProperty("previousBlock").GetString());
        Assert.Equal("4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b", header.GetProperty("merkleRoot").GetString());
        Assert.Equal(1231006505u, header.GetProperty("timestamp").GetUInt32());
        Assert.Equal("2009-01-03T18:15:05Z", header.GetProperty("time").GetString());
        Assert.Equal(0x1d00ffffu, header.GetProperty("bits").GetUInt32());
        Assert.Equal(2083236893u, header.GetProperty("nonce").GetUInt32());
    }

    [Fact]
    public void Serialize_FlagsWithAnUnnamedBit_PrintsTheNumber()
    {
        var services = ServiceFlags.Network | (ServiceFlags)(1UL << 24);

        var json = Print(Sample(services)).GetProperty("services");

        Assert.Equal(JsonValueKind.Number, json.ValueKind);
        Assert.Equal((ulong)services, json.GetUInt64());
    }

    [Fact]
    public void Serialize_UnknownMessage_PrintsCommandAndPayloadHex()
    {
        var json = Print(new UnknownMessage("xyzzy", new byte[] { 0x0a, 0xb0 }));

        Assert.Equal(["command", "payload"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("0ab0", json.GetProperty("payload").GetString());
    }
}
