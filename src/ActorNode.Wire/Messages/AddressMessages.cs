using System.Collections.Immutable;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Primitives;

namespace ActorNode.Wire.Messages;

/// <summary>The first message of the handshake (btcd MsgVersion, btcd wire/msg*.go): int32 version ‖ uint64 services ‖
/// int64 time ‖ addr_recv ‖ addr_from (26 bytes each, never a timestamp) ‖ uint64 nonce ‖ varstr user agent (≤ 256
/// bytes) ‖ int32 start height ‖ [bool relay].
/// <para>Decoding is as lenient as btcd's: every field after addr_recv is read only if bytes remain, so old or
/// terse peers decode with the missing fields at their defaults (relay then means true, Core's fRelay default). A
/// field that starts but does not end is still an error. Encoding always writes every field and adds the relay
/// byte only when the negotiated protocol version is at least 70001 (BIP37), as btcd does.</para></summary>
/// <param name="ProtocolVersion">The sender's protocol version.</param>
/// <param name="Services">The sender's services.</param>
/// <param name="Timestamp">The sender's clock, Unix seconds.</param>
/// <param name="Receiver">How the sender sees us (btcd AddrYou, Core addrYou).</param>
/// <param name="Sender">The sender's own address (btcd AddrMe), often all zeros.</param>
/// <param name="Nonce">Random; a node that receives its own nonce has connected to itself.</param>
/// <param name="UserAgent">BIP14 user agent, at most 256 bytes of UTF-8.</param>
/// <param name="StartHeight">The sender's best height (btcd LastBlock).</param>
/// <param name="Relay">False asks us not to announce transactions until a filter is loaded (BIP37; btcd stores the
/// inverse as DisableRelayTx).</param>
public sealed record VersionMessage(
    int ProtocolVersion,
    ServiceFlags Services,
    long Timestamp,
    NetAddress Receiver,
    NetAddress Sender,
    ulong Nonce,
    string UserAgent,
    int StartHeight,
    bool Relay = true) : IWireMessage
{
    /// <summary>The longest user agent in bytes, checked on decode and on encode (btcd MaxUserAgentLen).</summary>
    public const int MaxUserAgentLength = WireLimits.MaxUserAgentLength;

    public string Command => "version";

    /// <summary>btcd MsgVersion.MaxPayloadLength: 33 + 2 × the address size at this version + 9 + 256 (358 at
    /// 70016).</summary>
    public static int MaxPayload(uint protocolVersion) =>
        33 + 2 * NetAddress.MaxPayload(protocolVersion) + CompactSize.MaxSize + MaxUserAgentLength;

    public static VersionMessage Decode(ref WireReader reader, WireContext context)
    {
        int version = reader.ReadInt32();
        var services = (ServiceFlags)reader.ReadUInt64();
        long timestamp = reader.ReadInt64();
        var receiver = NetAddress.Read(ref reader, context.ProtocolVersion, withTimestamp: false);

        var sender = default(NetAddress);
        ulong nonce = 0;
        string userAgent = "";
        int startHeight = 0;
        bool relay = true;
        if (reader.Remaining > 0) sender = NetAddress.Read(ref reader, context.ProtocolVersion, withTimestamp: false);
        if (reader.Remaining > 0) nonce = reader.ReadUInt64();
        if (reader.Remaining > 0) userAgent = reader.ReadVarString(MaxUserAgentLength, "version user agent");
        if (reader.Remaining > 0) startHeight = reader.ReadInt32();
        if (reader.Remaining > 0) relay = reader.ReadBool();
        return new VersionMessage(version, services, timestamp, receiver, sender, nonce, userAgent, startHeight, relay);
    }

    public void WritePayload(WireWriter writer, WireContext context)
    {
        int userAgentLength = System.Text.Encoding.UTF8.GetByteCount(UserAgent);
        if (userAgentLength > MaxUserAgentLength)
            throw new WireException(WireError.TooMany,
                $"version: user agent of {userAgentLength} bytes exceeds the limit of {MaxUserAgentLength}");
        writer.WriteInt32(ProtocolVersion);
        writer.WriteUInt64((ulong)Services);
        writer.WriteInt64(Timestamp);
        Receiver.Write(writer, context.ProtocolVersion, withTimestamp: false);
        Sender.Write(writer, context.ProtocolVersion, withTimestamp: false);
        writer.WriteUInt64(Nonce);
        writer.WriteVarString(UserAgent);
        writer.WriteInt32(StartHeight);
        if (context.ProtocolVersion >= Wire.ProtocolVersion.Bip0037) writer.WriteBool(Relay);
    }
}

/// <summary>Legacy address gossip (btcd MsgAddr): CompactSize count (≤ 1000) ‖ addresses, each with a timestamp from
/// protocol version 31402. Below version 209 a message may carry only one address: encoding refuses more, and the
/// maximum payload (one address) bounds decoding, as in btcd.</summary>
public sealed record AddrMessage(ImmutableArray<NetAddress> Addresses) : IWireMessage
{
    public string Command => "addr";

    /// <summary>btcd MsgAddr.MaxPayloadLength: 9 + one address below version 209, 9 + 1000 addresses from it.</summary>
    public static int MaxPayload(uint protocolVersion) =>
        CompactSize.MaxSize + NetAddress.MaxPayload(protocolVersion) *
        (protocolVersion < ProtocolVersion.MultipleAddress ? 1 : WireLimits.MaxAddrPerMessage);

    public static AddrMessage Decode(ref WireReader reader, WireContext context)
    {
        uint pver = context.ProtocolVersion;
        int count = reader.ReadCount(WireLimits.MaxAddrPerMessage, NetAddress.MaxPayload(pver), "addr");
        var addresses = ImmutableArray.CreateBuilder<NetAddress>(count);
        for (int i = 0; i < count; i++) addresses.Add(NetAddress.Read(ref reader, pver, withTimestamp: true));
        return new AddrMessage(addresses.MoveToImmutable());
    }

    public void WritePayload(WireWriter writer, WireContext context)
    {
        int count = Addresses.IsDefault ? 0 : Addresses.Length;
        if (context.ProtocolVersion < ProtocolVersion.MultipleAddress && count > 1)
            throw new WireException(WireError.TooMany,
                $"addr: {count} addresses at protocol version {context.ProtocolVersion}, which allows only 1");
        if (count > WireLimits.MaxAddrPerMessage)
            throw new WireException(WireError.TooMany,
                $"addr: {count} addresses exceed the limit of {WireLimits.MaxAddrPerMessage}");
        writer.WriteCompactSize((ulong)count);
        for (int i = 0; i < count; i++) Addresses[i].Write(writer, context.ProtocolVersion, withTimestamp: true);
    }
}

/// <summary>BIP155 address gossip (btcd MsgAddrV2): CompactSize count (≤ 1000) ‖ <see cref="NetAddressV2"/> entries.
/// Entries of unknown networks, and OnionCat or IPv4-mapped IPv6 entries, are read and dropped, so
/// <see cref="Addresses"/> may hold fewer than the count on the wire. Sent only to peers that sent
/// <c>sendaddrv2</c>; like btcd the codec itself does not gate it on the protocol version.</summary>
public sealed record AddrV2Message(ImmutableArray<NetAddressV2> Addresses) : IWireMessage
{
    public string Command => "addrv2";

    /// <summary>btcd MsgAddrV2.MaxPayloadLength: 3 + 1000 × 531 = 531,003.</summary>
    public const int MaxPayload = 3 + WireLimits.MaxAddrPerMessage * NetAddressV2.MaxPayload;

    public static AddrV2Message Decode(ref WireReader reader, WireContext context)
    {
        int count = reader.ReadCount(WireLimits.MaxAddrPerMessage, NetAddressV2.MinPayload, "addrv2");
        var addresses = ImmutableArray.CreateBuilder<NetAddressV2>(count);
        for (int i = 0; i < count; i++)
        {
            var address = NetAddressV2.Read(ref reader);
            if (address is not null) addresses.Add(address);
        }
        return new AddrV2Message(addresses.DrainToImmutable());
    }

    public void WritePayload(WireWriter writer, WireContext context)
    {
        int count = Addresses.IsDefault ? 0 : Addresses.Length;
        if (count > WireLimits.MaxAddrPerMessage)
            throw new WireException(WireError.TooMany,
                $"addrv2: {count} addresses exceed the limit of {WireLimits.MaxAddrPerMessage}");
        writer.WriteCompactSize((ulong)count);
        for (int i = 0; i < count; i++) Addresses[i].Write(writer);
    }
}

/// <summary>BIP155 signal, sent between <c>version</c> and <c>verack</c>: "send me addrv2 instead of addr" (btcd
/// MsgSendAddrV2). Empty payload; exists from protocol version 70016.</summary>
public sealed record SendAddrV2Message : IWireMessage
{
    public static readonly SendAddrV2Message Instance = new();

    private SendAddrV2Message()
    {
    }

    public string Command => "sendaddrv2";

    public static SendAddrV2Message Decode(ref WireReader reader, WireContext context) => Instance;

    public void WritePayload(WireWriter writer, WireContext context)
    {
    }
}
