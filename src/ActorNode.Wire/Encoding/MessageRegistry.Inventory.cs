using ActorNode.Wire.Messages;

namespace ActorNode.Wire.Encoding;

public static partial class MessageRegistry
{
    /// <summary>inv, getdata, notfound, getblocks, getheaders: no version gate in btcd.</summary>
    static partial void RegisterInventoryMessages(Dictionary<string, MessageDescriptor> table)
    {
        Add(table, "inv", (ref WireReader r, WireContext c) => InvMessage.Decode(ref r, c),
            _ => InventoryList.MaxPayload);
        Add(table, "getdata", (ref WireReader r, WireContext c) => GetDataMessage.Decode(ref r, c),
            _ => InventoryList.MaxPayload);
        Add(table, "notfound", (ref WireReader r, WireContext c) => NotFoundMessage.Decode(ref r, c),
            _ => InventoryList.MaxPayload);
        Add(table, "getblocks", (ref WireReader r, WireContext c) => GetBlocksMessage.Decode(ref r, c),
            _ => BlockLocator.MaxPayload);
        Add(table, "getheaders", (ref WireReader r, WireContext c) => GetHeadersMessage.Decode(ref r, c),
            _ => BlockLocator.MaxPayload);
    }
}
