using ActorNode.Wire.Messages;

namespace ActorNode.Wire.Encoding;

public static partial class MessageRegistry
{
    /// <summary>block, tx, headers, merkleblock (btcd wire/msg*.go). block and tx keep slices of their payload.</summary>
    static partial void RegisterBlockMessages(Dictionary<string, MessageDescriptor> table)
    {
        Add(table, BlockMessage.CommandName, (ref WireReader r, WireContext c) => BlockMessage.Decode(ref r, c),
            _ => WireLimits.MaxBlockPayload, retainsPayload: true);
        Add(table, TxMessage.CommandName, (ref WireReader r, WireContext c) => TxMessage.Decode(ref r, c),
            _ => WireLimits.MaxBlockPayload, retainsPayload: true);
        Add(table, HeadersMessage.CommandName, (ref WireReader r, WireContext c) => HeadersMessage.Decode(ref r, c),
            _ => HeadersMessage.MaxPayload);
        Add(table, MerkleBlockMessage.CommandName,
            (ref WireReader r, WireContext c) => MerkleBlockMessage.Decode(ref r, c),
            _ => WireLimits.MaxBlockPayload, minProtocolVersion: ProtocolVersion.Bip0037);
    }
}
