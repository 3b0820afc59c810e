using ActorNode.Wire.Messages;

namespace ActorNode.Wire.Encoding;

public static partial class MessageRegistry
{
    /// <summary>BIP37 filterload/filteradd/filterclear (gated at 70001) and the BIP157 messages (no gate in btcd).
    /// </summary>
    static partial void RegisterFilterMessages(Dictionary<string, MessageDescriptor> table)
    {
        Add(table, "filterload", (ref WireReader r, WireContext c) => FilterLoadMessage.Decode(ref r, c),
            _ => FilterLoadMessage.MaxPayload, minProtocolVersion: ProtocolVersion.Bip0037);
        Add(table, "filteradd", (ref WireReader r, WireContext c) => FilterAddMessage.Decode(ref r, c),
            _ => FilterAddMessage.MaxPayload, minProtocolVersion: ProtocolVersion.Bip0037);
        Add(table, "filterclear", (ref WireReader r, WireContext c) => FilterClearMessage.Decode(ref r, c),
            _ => 0, minProtocolVersion: ProtocolVersion.Bip0037);

        Add(table, "getcfilters", (ref WireReader r, WireContext c) => GetCFiltersMessage.Decode(ref r, c),
            _ => GetCFiltersMessage.MaxPayload);
        Add(table, "getcfheaders", (ref WireReader r, WireContext c) => GetCFHeadersMessage.Decode(ref r, c),
            _ => GetCFHeadersMessage.MaxPayload);
        Add(table, "getcfcheckpt", (ref WireReader r, WireContext c) => GetCFCheckptMessage.Decode(ref r, c),
            _ => GetCFCheckptMessage.MaxPayload);
        Add(table, "cfilter", (ref WireReader r, WireContext c) => CFilterMessage.Decode(ref r, c),
            _ => CFilterMessage.MaxPayload);
        Add(table, "cfheaders", (ref WireReader r, WireContext c) => CFHeadersMessage.Decode(ref r, c),
            _ => CFHeadersMessage.MaxPayload);
        Add(table, "cfcheckpt", (ref WireReader r, WireContext c) => CFCheckptMessage.Decode(ref r, c),
            _ => CFCheckptMessage.MaxPayload);
    }
}
