using System.Net;
using ActorNode.V2Transport.Framing;
using ActorNode.Wire;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using static ActorNode.V2Transport.Tests.SessionHarness;

namespace ActorNode.V2Transport.Tests;

/// <summary>The framers as the peer layer will use them: an outbound v2 framer against an inbound detecting
/// framer, and a v1 peer detected by its first 16 bytes.</summary>
public class FramerTests
{
    private static readonly VersionMessage Version = new(70016, ServiceFlags.Network | ServiceFlags.Witness | ServiceFlags.P2PV2,
        1_700_000_000, new NetAddress(ServiceFlags.None, IPAddress.Loopback, 8333),
        new NetAddress(ServiceFlags.None, IPAddress.Loopback, 8333), 42, "/ActorNode:test/", 800_000);

    private static List<IWireMessage> Pump(IMessageFramer to, byte[]? bytes, Random chunks, List<byte[]>? replies = null)
    {
        var messages = new List<IWireMessage>();
        if (bytes is null) return messages;
        ReadOnlySpan<byte> rest = bytes;
        while (!rest.IsEmpty)
        {
            int n = Math.Min(rest.Length, chunks.Next(1, 300));
            var chunk = rest[..n];
            while (to.TryRead(ref chunk, out var m)) messages.Add(m);
            rest = rest[n..];
        }
        return messages;
    }

    [Fact]
    public void Outbound_v2_and_inbound_detection_exchange_version_verack_and_a_block()
    {
        var chunks = new Random(11);
        using var outbound = new V2Framer(V2Role.Initiator, MainNet, WireContext.Latest, Rng);
        using var inbound = new InboundFramer(MainNet, WireContext.Latest, Rng);
        Assert.Equal(TransportProtocol.Detecting, inbound.Protocol);

        // The peer layer sends its version at once; the framer holds it until the keys exist.
        Assert.Empty(outbound.Encode(Version, WireContext.Latest));
        Assert.Empty(Pump(inbound, outbound.TakeOutput(), chunks));
        Assert.Equal(TransportProtocol.V2, inbound.Protocol);
        Assert.Empty(Pump(outbound, inbound.TakeOutput(), chunks));
        // Now the outbound side has terminator, authentication, version packet and the queued version message.
        var got = Pump(inbound, outbound.TakeOutput(), chunks);
        Assert.Equal(Version, Assert.Single(got));
        Assert.Equal(outbound.SessionId, inbound.SessionId);
        Assert.NotNull(outbound.SessionId);

        var reply = inbound.Encode(VerAckMessage.Instance, WireContext.Latest);
        Assert.IsType<VerAckMessage>(Assert.Single(Pump(outbound, reply, chunks)));
        Assert.Equal(reply.Length, outbound.LastFrameLength);

        var block = new BlockMessage(TestBlock());
        var blockBytes = outbound.Encode(block, WireContext.Latest);
        var decoded = Assert.IsType<BlockMessage>(Assert.Single(Pump(inbound, blockBytes, chunks)));
        Assert.Equal(block.Block.Header.GetHash(), decoded.Block.Header.GetHash());
        Assert.Equal(blockBytes.Length, inbound.LastFrameLength);
    }

    [Fact]
    public void An_inbound_v1_version_is_detected_and_decoded()
    {
        var chunks = new Random(12);
        using var inbound = new InboundFramer(MainNet, WireContext.Latest, Rng);
        var frame = new MessageEncoder(MainNet).Encode(Version, WireContext.Latest);
        Assert.True(V1Detection.Classify(frame, MainNet) == InboundProtocol.V1);
        var got = Pump(inbound, frame, chunks);
        Assert.Equal(TransportProtocol.V1, inbound.Protocol);
        Assert.Equal(Version, Assert.Single(got));
        Assert.Null(inbound.TakeOutput());
        Assert.Null(inbound.SessionId);
    }

    [Fact]
    public void Detection_decides_at_the_first_differing_byte()
    {
        var prefix = V1Detection.Prefix(MainNet);
        Assert.Equal("f9beb4d976657273696f6e0000000000", Convert.ToHexStringLower(prefix));
        Assert.Equal(InboundProtocol.Undecided, V1Detection.Classify([], MainNet));
        Assert.Equal(InboundProtocol.Undecided, V1Detection.Classify(prefix.AsSpan(0, 15), MainNet));
        Assert.Equal(InboundProtocol.V1, V1Detection.Classify(prefix, MainNet));
        var other = (byte[])prefix.Clone();
        other[15] = 1;
        Assert.Equal(InboundProtocol.V2, V1Detection.Classify(other, MainNet));
        Assert.Equal(InboundProtocol.V2, V1Detection.Classify([0xf9, 0x00], MainNet));
        var testnet = V1Detection.Prefix(TestNet3);
        Assert.Equal(InboundProtocol.V2, V1Detection.Classify(testnet, MainNet));
        Assert.True(V1Detection.IsV1VersionForOtherNetwork(testnet, MainNet));
        Assert.False(V1Detection.IsV1VersionForOtherNetwork(prefix, MainNet));
    }

    [Fact]
    public void Undecodable_message_types_are_dropped_and_the_stream_goes_on()
    {
        var chunks = new Random(13);
        using var a = new V2Session(V2Role.Initiator, MainNet, Rng);
        using var framer = new V2Framer(V2Role.Responder, MainNet, WireContext.Latest, Rng);
        Assert.Empty(Pump(framer, a.TakeOutput(), chunks));
        Assert.Empty(Feed(a, framer.TakeOutput()!, chunks));
        var bytes = a.TakeOutput()!.ToList();
        // A packet whose contents start with undefined short id 29, then a real ping.
        bytes.AddRange(a.EncodePacket([29, 1, 2, 3], ignore: false));
        bytes.AddRange(a.EncodeMessage("ping", new byte[8]));
        var got = Pump(framer, bytes.ToArray(), chunks);
        Assert.IsType<PingMessage>(Assert.Single(got));
        Assert.Equal(1, framer.DroppedMessages);
    }

    [Fact]
    public void A_payload_over_four_million_bytes_behind_a_short_id_is_refused_as_oversized()
    {
        var chunks = new Random(14);
        using var a = new V2Session(V2Role.Initiator, MainNet, Rng);
        using var framer = new V2Framer(V2Role.Responder, MainNet, WireContext.Latest, Rng);
        Assert.Empty(Pump(framer, a.TakeOutput(), chunks));
        Assert.Empty(Feed(a, framer.TakeOutput()!, chunks));
        var packet = a.EncodeMessage("block", new byte[4_000_001]); // 4,000,002 bytes of contents: under the limit
        var e = Assert.Throws<WireException>(() => Pump(framer, packet, chunks));
        Assert.Equal(WireError.Oversized, e.Reason);
    }

    private static Block TestBlock()
    {
        // Mainnet block 574,200 (1,245,250 bytes, ../shared/data/README.md).
        return Block.Parse(File.ReadAllBytes(VectorFiles.SharedData(
            "block-0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2.blk")));
    }
}
