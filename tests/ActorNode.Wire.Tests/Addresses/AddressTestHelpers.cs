using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;

namespace ActorNode.Wire.Tests.Addresses;

/// <summary>Shared helpers for the address tests: hex with spaces, decode through the registry, encode a payload.</summary>
internal static class AddressTestHelpers
{
    /// <summary>Hex that may contain spaces and line breaks (vectors are laid out field by field).</summary>
    public static byte[] Hex(string hex) =>
        Convert.FromHexString(string.Concat(hex.Where(c => !char.IsWhiteSpace(c))));

    public static T Decode<T>(string command, byte[] payload, uint protocolVersion) where T : IWireMessage =>
        Assert.IsType<T>(MessageRegistry.DecodePayload(command, payload, new WireContext(protocolVersion)));

    public static byte[] Encode(IWireMessage message, uint protocolVersion) =>
        MessageEncoder.EncodePayloadToArray(message, new WireContext(protocolVersion));
}
