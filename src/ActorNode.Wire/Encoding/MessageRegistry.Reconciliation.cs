using ActorNode.Wire.Messages;

namespace ActorNode.Wire.Encoding;

public static partial class MessageRegistry
{
    /// <summary>BIP330: sendtxrcncl, reqrecon, sketch, reconcildiff, from the wtxid-relay version (70016) as Core
    /// sends sendtxrcncl only at a common version of at least WTXID_RELAY_VERSION. btcd does not know them.</summary>
    static partial void RegisterReconciliationMessages(Dictionary<string, MessageDescriptor> table)
    {
        Add(table, SendTxReconciliationMessage.CommandName,
            (ref WireReader r, WireContext c) => SendTxReconciliationMessage.Decode(ref r, c),
            _ => SendTxReconciliationMessage.MaxPayload, minProtocolVersion: ProtocolVersion.WtxidRelay);
        Add(table, RequestReconciliationMessage.CommandName,
            (ref WireReader r, WireContext c) => RequestReconciliationMessage.Decode(ref r, c),
            _ => RequestReconciliationMessage.MaxPayload, minProtocolVersion: ProtocolVersion.WtxidRelay);
        Add(table, SketchMessage.CommandName,
            (ref WireReader r, WireContext c) => SketchMessage.Decode(ref r, c),
            _ => SketchMessage.MaxPayload, minProtocolVersion: ProtocolVersion.WtxidRelay);
        Add(table, ReconciliationDifferenceMessage.CommandName,
            (ref WireReader r, WireContext c) => ReconciliationDifferenceMessage.Decode(ref r, c),
            _ => ReconciliationDifferenceMessage.MaxPayload, minProtocolVersion: ProtocolVersion.WtxidRelay);
    }
}
