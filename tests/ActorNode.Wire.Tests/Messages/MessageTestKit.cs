using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;

namespace ActorNode.Wire.Tests.Messages;

/// <summary>Small helpers shared by the message tests: hex in and out, payload and frame round trips.</summary>
internal static class MessageTestKit
{
    /// <summary>Network magics as read little-endian from the frame (btcd wire/protocol.go).</summary>
    public const uint MainNet = 0xD9B4BEF9;
    public const uint TestNet3 = 0x0709110B;
    public const uint RegTest = 0xDAB5BFFA;

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    public static string ToHex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>btcd chainhash.NewHashFromStr: display hex with its leading zeros left out.</summary>
    public static Hash256 GoHash(string shortDisplayHex) => Hash256.Parse(shortDisplayHex.PadLeft(64, '0'));

    /// <summary>A hash from its wire (internal-order) hex, as bitcoinrb prints them.</summary>
    public static Hash256 WireHash(string internalHex) => new(Hex(internalHex));

    /// <summary>Decodes a payload through the registry, as the frame decoder does, and checks its type.</summary>
    public static T Decode<T>(string command, string payloadHex, uint protocolVersion = ProtocolVersion.Current)
        where T : IWireMessage
    {
        var message = MessageRegistry.DecodePayload(command, Hex(payloadHex), new WireContext(protocolVersion));
        return Assert.IsType<T>(message);
    }

    /// <summary>The payload the encoder writes (with the registry's gate and size checks).</summary>
    public static string Encode(IWireMessage message, uint protocolVersion = ProtocolVersion.Current) =>
        ToHex(MessageEncoder.EncodePayloadToArray(message, new WireContext(protocolVersion)));

    public static string EncodeFrame(uint magic, IWireMessage message, uint protocolVersion = ProtocolVersion.Current) =>
        ToHex(new MessageEncoder(magic).Encode(message, new WireContext(protocolVersion)));

    /// <summary>Every message in a stream of frames, fed in one piece.</summary>
    public static List<IWireMessage> DecodeFrames(uint magic, string framesHex,
        uint protocolVersion = ProtocolVersion.Current)
    {
        var decoder = new FrameDecoder(magic, new WireContext(protocolVersion));
        var messages = new List<IWireMessage>();
        decoder.ReadAll(Hex(framesHex), messages);
        Assert.Equal(0, decoder.BufferedBytes);
        return messages;
    }

    /// <summary>One frame, fed one byte at a time: the message appears exactly at the last byte.</summary>
    public static T DecodeFrameByteByByte<T>(uint magic, string frameHex, uint protocolVersion = ProtocolVersion.Current)
        where T : IWireMessage
    {
        var decoder = new FrameDecoder(magic, new WireContext(protocolVersion));
        byte[] frame = Hex(frameHex);
        IWireMessage? result = null;
        for (int i = 0; i < frame.Length; i++)
        {
            ReadOnlySpan<byte> one = frame.AsSpan(i, 1);
            bool done = decoder.TryRead(ref one, out var message);
            Assert.Equal(i == frame.Length - 1, done);
            if (done) result = message;
        }
        return Assert.IsAssignableFrom<T>(result);
    }

    public static T DecodeFrame<T>(uint magic, string frameHex, uint protocolVersion = ProtocolVersion.Current)
        where T : IWireMessage => Assert.IsAssignableFrom<T>(Assert.Single(DecodeFrames(magic, frameHex, protocolVersion)));

    public static WireException AssertFails(WireError reason, Action action)
    {
        var e = Assert.Throws<WireException>(action);
        Assert.Equal(reason, e.Reason);
        return e;
    }

    public static WireException AssertDecodeFails(WireError reason, string command, string payloadHex,
        uint protocolVersion = ProtocolVersion.Current) =>
        AssertFails(reason, () => MessageRegistry.DecodePayload(command, Hex(payloadHex), new WireContext(protocolVersion)));

    public static WireException AssertEncodeFails(WireError reason, IWireMessage message,
        uint protocolVersion = ProtocolVersion.Current) =>
        AssertFails(reason, () => MessageEncoder.EncodePayloadToArray(message, new WireContext(protocolVersion)));

    public static int MaxPayload(string command, uint protocolVersion = ProtocolVersion.Current)
    {
        Assert.True(MessageRegistry.TryGet(command, out var descriptor), command + " is registered");
        return descriptor.MaxPayload(protocolVersion);
    }
}
