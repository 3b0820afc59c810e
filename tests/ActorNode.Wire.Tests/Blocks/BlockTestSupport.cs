using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;

namespace ActorNode.Wire.Tests.Blocks;

/// <summary>Small helpers shared by the block-message tests.</summary>
internal static class BlockTestSupport
{
    /// <summary>The mainnet genesis block hash (chaincfg MainNetParams.GenesisHash).</summary>
    public const string MainNetGenesis = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";

    public static readonly WireContext Latest = WireContext.Latest;

    /// <summary>Hex with any whitespace ignored.</summary>
    public static byte[] Hex(string hex) =>
        Convert.FromHexString(string.Concat(hex.Where(c => !char.IsWhiteSpace(c))));

    public static T Decode<T>(string command, byte[] payload, WireContext? context = null) where T : IWireMessage =>
        Assert.IsType<T>(MessageRegistry.DecodePayload(command, payload, context ?? Latest));

    public static byte[] Encode(IWireMessage message, WireContext? context = null) =>
        MessageEncoder.EncodePayloadToArray(message, context ?? Latest);

    public static WireError DecodeError(string command, byte[] payload, WireContext? context = null) =>
        Assert.Throws<WireException>(() => MessageRegistry.DecodePayload(command, payload, context ?? Latest)).Reason;
}
