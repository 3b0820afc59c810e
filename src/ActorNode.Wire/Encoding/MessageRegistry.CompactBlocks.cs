using ActorNode.Wire.Messages;

namespace ActorNode.Wire.Encoding;

public static partial class MessageRegistry
{
    /// <summary>BIP152: sendcmpct, cmpctblock, getblocktxn, blocktxn, all from Core's SHORT_IDS_BLOCKS_VERSION
    /// (70014). btcd does not know them. cmpctblock and blocktxn keep slices of their payload.</summary>
    static partial void RegisterCompactBlockMessages(Dictionary<string, MessageDescriptor> table)
    {
        Add(table, SendCompactMessage.CommandName,
            (ref WireReader r, WireContext c) => SendCompactMessage.Decode(ref r, c),
            _ => SendCompactMessage.MaxPayload, minProtocolVersion: ProtocolVersion.CompactBlocks);
        Add(table, CompactBlockMessage.CommandName,
            (ref WireReader r, WireContext c) => CompactBlockMessage.Decode(ref r, c),
            _ => WireLimits.MaxProtocolMessageLength, minProtocolVersion: ProtocolVersion.CompactBlocks,
            retainsPayload: true);
        Add(table, GetBlockTransactionsMessage.CommandName,
            (ref WireReader r, WireContext c) => GetBlockTransactionsMessage.Decode(ref r, c),
            _ => GetBlockTransactionsMessage.MaxPayload, minProtocolVersion: ProtocolVersion.CompactBlocks);
        Add(table, BlockTransactionsMessage.CommandName,
            (ref WireReader r, WireContext c) => BlockTransactionsMessage.Decode(ref r, c),
            _ => WireLimits.MaxProtocolMessageLength, minProtocolVersion: ProtocolVersion.CompactBlocks,
            retainsPayload: true);
    }
}
