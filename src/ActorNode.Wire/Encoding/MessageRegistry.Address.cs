using ActorNode.Wire.Messages;

namespace ActorNode.Wire.Encoding;

public static partial class MessageRegistry
{
    /// <summary>version, addr, addrv2 and sendaddrv2 (btcd msgversion.go, msgaddr.go, msgaddrv2.go,
    /// msgsendaddrv2.go; btcd wire/msg*.go).</summary>
    static partial void RegisterAddressMessages(Dictionary<string, MessageDescriptor> table)
    {
        Add(table, "version", (ref WireReader r, WireContext c) => VersionMessage.Decode(ref r, c),
            VersionMessage.MaxPayload);
        Add(table, "addr", (ref WireReader r, WireContext c) => AddrMessage.Decode(ref r, c),
            AddrMessage.MaxPayload);
        Add(table, "addrv2", (ref WireReader r, WireContext c) => AddrV2Message.Decode(ref r, c),
            _ => AddrV2Message.MaxPayload);
        Add(table, "sendaddrv2", (ref WireReader r, WireContext c) => SendAddrV2Message.Decode(ref r, c),
            _ => 0, minProtocolVersion: ProtocolVersion.AddrV2);
    }
}
