using ActorNode.Wire.Messages;

namespace ActorNode.Wire.Encoding;

public static partial class MessageRegistry
{
    /// <summary>verack, getaddr, ping, pong, mempool, sendheaders, feefilter, reject, alert, wtxidrelay, with btcd's
    /// gates and maximum payloads (btcd wire/msg*.go).</summary>
    static partial void RegisterControlMessages(Dictionary<string, MessageDescriptor> table)
    {
        Add(table, "verack", (ref WireReader r, WireContext c) => VerAckMessage.Decode(ref r, c), _ => 0);
        Add(table, "getaddr", (ref WireReader r, WireContext c) => GetAddrMessage.Decode(ref r, c), _ => 0);
        Add(table, "ping", (ref WireReader r, WireContext c) => PingMessage.Decode(ref r, c), PingMessage.MaxPayload);
        // btcd MsgPong: both BtcDecode and BtcEncode fail when pver <= BIP0031Version.
        Add(table, "pong", (ref WireReader r, WireContext c) => PongMessage.Decode(ref r, c), PingMessage.MaxPayload,
            minProtocolVersion: ProtocolVersion.Bip0031 + 1);
        Add(table, "mempool", (ref WireReader r, WireContext c) => MemPoolMessage.Decode(ref r, c), _ => 0,
            minProtocolVersion: ProtocolVersion.Bip0035);
        Add(table, "sendheaders", (ref WireReader r, WireContext c) => SendHeadersMessage.Decode(ref r, c), _ => 0,
            minProtocolVersion: ProtocolVersion.SendHeaders);
        Add(table, "feefilter", (ref WireReader r, WireContext c) => FeeFilterMessage.Decode(ref r, c), _ => 8,
            minProtocolVersion: ProtocolVersion.FeeFilter);
        Add(table, "reject", (ref WireReader r, WireContext c) => RejectMessage.Decode(ref r, c),
            RejectMessage.MaxPayload, minProtocolVersion: ProtocolVersion.Reject);
        // btcd MsgAlert allowed MaxMessagePayload; the 4,000,000-byte frame limit is the real bound.
        Add(table, "alert", (ref WireReader r, WireContext c) => AlertMessage.Decode(ref r, c),
            _ => WireLimits.MaxProtocolMessageLength);
        Add(table, "wtxidrelay", (ref WireReader r, WireContext c) => WtxidRelayMessage.Decode(ref r, c), _ => 0,
            minProtocolVersion: ProtocolVersion.WtxidRelay);
    }
}
