using ActorNode.Wire.Encoding;
using ActorNode.Wire.Primitives;

namespace ActorNode.Wire.Messages;

/// <summary>Acknowledges a version message; the handshake is done when both sides have sent one (btcd MsgVerAck).
/// Empty payload.</summary>
public sealed record VerAckMessage : IWireMessage
{
    public static readonly VerAckMessage Instance = new();

    private VerAckMessage() { }

    public string Command => "verack";

    public static VerAckMessage Decode(ref WireReader reader, WireContext context) => Instance;

    public void WritePayload(WireWriter writer, WireContext context) { }
}

/// <summary>Asks the peer for addresses of other nodes (btcd MsgGetAddr). Empty payload.</summary>
public sealed record GetAddrMessage : IWireMessage
{
    public static readonly GetAddrMessage Instance = new();

    private GetAddrMessage() { }

    public string Command => "getaddr";

    public static GetAddrMessage Decode(ref WireReader reader, WireContext context) => Instance;

    public void WritePayload(WireWriter writer, WireContext context) { }
}

/// <summary>A keep-alive (btcd MsgPing). Since BIP31 (protocol version above 60000) it carries a nonce the pong must
/// echo; at 60000 or below the payload is empty and <see cref="Nonce"/> decodes as 0 and is not written.</summary>
public sealed record PingMessage(ulong Nonce) : IWireMessage
{
    public string Command => "ping";

    /// <summary>8 above BIP31, else 0 (btcd MsgPing.MaxPayloadLength).</summary>
    public static int MaxPayload(uint protocolVersion) => protocolVersion > ProtocolVersion.Bip0031 ? 8 : 0;

    public static PingMessage Decode(ref WireReader reader, WireContext context) =>
        new(context.ProtocolVersion > ProtocolVersion.Bip0031 ? reader.ReadUInt64() : 0);

    public void WritePayload(WireWriter writer, WireContext context)
    {
        if (context.ProtocolVersion > ProtocolVersion.Bip0031) writer.WriteUInt64(Nonce);
    }
}

/// <summary>Answers a ping with its nonce (btcd MsgPong, BIP31). Exists only above protocol version 60000; the
/// registry refuses it at or below (decode and encode), as btcd's BtcDecode/BtcEncode do.</summary>
public sealed record PongMessage(ulong Nonce) : IWireMessage
{
    public string Command => "pong";

    public static PongMessage Decode(ref WireReader reader, WireContext context) => new(reader.ReadUInt64());

    public void WritePayload(WireWriter writer, WireContext context) => writer.WriteUInt64(Nonce);
}

/// <summary>Asks for an inv of the peer's mempool (btcd MsgMemPool, BIP35, protocol version 60002 and up).
/// Empty payload.</summary>
public sealed record MemPoolMessage : IWireMessage
{
    public static readonly MemPoolMessage Instance = new();

    private MemPoolMessage() { }

    public string Command => "mempool";

    public static MemPoolMessage Decode(ref WireReader reader, WireContext context) => Instance;

    public void WritePayload(WireWriter writer, WireContext context) { }
}

/// <summary>Asks the peer to announce new blocks with headers instead of inv (btcd MsgSendHeaders, BIP130, protocol
/// version 70012 and up). Empty payload.</summary>
public sealed record SendHeadersMessage : IWireMessage
{
    public static readonly SendHeadersMessage Instance = new();

    private SendHeadersMessage() { }

    public string Command => "sendheaders";

    public static SendHeadersMessage Decode(ref WireReader reader, WireContext context) => Instance;

    public void WritePayload(WireWriter writer, WireContext context) { }
}

/// <summary>Asks the peer not to relay transactions paying less than <see cref="MinFee"/> satoshis per 1,000 bytes
/// (btcd MsgFeeFilter, BIP133, protocol version 70013 and up). An int64; the value is not range-checked on the wire.
/// </summary>
public sealed record FeeFilterMessage(long MinFee) : IWireMessage
{
    public string Command => "feefilter";

    public static FeeFilterMessage Decode(ref WireReader reader, WireContext context) => new(reader.ReadInt64());

    public void WritePayload(WireWriter writer, WireContext context) => writer.WriteInt64(MinFee);
}

/// <summary>Announces that this node relays transactions by wtxid (BIP339, protocol version 70016 and up). Sent
/// between version and verack. Empty payload. btcd has the type but never registered it for decoding; we do.
/// </summary>
public sealed record WtxidRelayMessage : IWireMessage
{
    public static readonly WtxidRelayMessage Instance = new();

    private WtxidRelayMessage() { }

    public string Command => "wtxidrelay";

    public static WtxidRelayMessage Decode(ref WireReader reader, WireContext context) => Instance;

    public void WritePayload(WireWriter writer, WireContext context) { }
}

/// <summary>BIP61 reject codes (btcd RejectCode). Values we do not know are kept as their number.</summary>
public enum RejectCode : byte
{
    Malformed = 0x01,
    Invalid = 0x10,
    Obsolete = 0x11,
    Duplicate = 0x12,
    Nonstandard = 0x40,
    Dust = 0x41,
    InsufficientFee = 0x42,
    Checkpoint = 0x43,
}

/// <summary>Tells the peer why one of its messages was refused (btcd MsgReject, BIP61, protocol version 70002 and
/// up). Bitcoin Core stopped sending it in 0.20; btcd still sends it. Informational only: never trusted.
/// <para>Layout: varstr rejected command, uint8 code, varstr reason, and a 32-byte <see cref="Hash"/> only when the
/// rejected command is "block" or "tx" (otherwise <see cref="Hash"/> is zero and not written).</para></summary>
public sealed record RejectMessage(string RejectedCommand, RejectCode Code, string Reason, Hash256 Hash = default)
    : IWireMessage
{
    public string Command => "reject";

    /// <summary>4,000,000 from 70002 on, else 0 (btcd MsgReject.MaxPayloadLength).</summary>
    public static int MaxPayload(uint protocolVersion) =>
        protocolVersion >= ProtocolVersion.Reject ? WireLimits.MaxProtocolMessageLength : 0;

    /// <summary>True when the rejected command carries the hash of the refused object.</summary>
    public bool HasHash => RejectedCommand is "block" or "tx";

    public static RejectMessage Decode(ref WireReader reader, WireContext context)
    {
        string command = reader.ReadVarString(WireLimits.MaxProtocolMessageLength, "reject command");
        var code = (RejectCode)reader.ReadByte();
        string reason = reader.ReadVarString(WireLimits.MaxProtocolMessageLength, "reject reason");
        var hash = command is "block" or "tx" ? reader.ReadHash() : default;
        return new RejectMessage(command, code, reason, hash);
    }

    public void WritePayload(WireWriter writer, WireContext context)
    {
        writer.WriteVarString(RejectedCommand);
        writer.WriteByte((byte)Code);
        writer.WriteVarString(Reason);
        if (HasHash) writer.WriteHash(Hash);
    }
}

/// <summary>The retired network alert (btcd MsgAlert before its removal in 2025, Core until 0.14): varbytes
/// serialized alert + varbytes signature. Kept only so an old peer's alert decodes instead of failing; ActorNode
/// never acts on it and never checks the signature (the alert keys are public since 2016).
/// <para>The raw bytes are copied and written back unchanged, so relaying is byte-exact; btcd instead re-serialised
/// its parsed copy when it had one. <see cref="TryParseAlert"/> reads the fields on demand.</para></summary>
public sealed record AlertMessage(ReadOnlyMemory<byte> SerializedPayload, ReadOnlyMemory<byte> Signature)
    : IWireMessage
{
    public string Command => "alert";

    public static AlertMessage Decode(ref WireReader reader, WireContext context)
    {
        var payload = reader.ReadVarBytes(WireLimits.MaxProtocolMessageLength, "alert payload").ToArray();
        var signature = reader.ReadVarBytes(WireLimits.MaxProtocolMessageLength, "alert signature").ToArray();
        return new AlertMessage(payload, signature);
    }

    /// <summary>The alert's fields, or null when the serialized payload does not parse (btcd leaves Payload nil
    /// then and still accepts the message).</summary>
    public Alert? TryParseAlert() => Alert.TryParse(SerializedPayload);

    public void WritePayload(WireWriter writer, WireContext context)
    {
        if (SerializedPayload.IsEmpty)
            throw new WireException(WireError.Malformed, "alert: empty serialized payload"); // as btcd BtcEncode
        writer.WriteVarBytes(SerializedPayload.Span);
        writer.WriteVarBytes(Signature.Span);
    }
}

/// <summary>The fields inside an alert's serialized payload (btcd wire.Alert, Core CUnsignedAlert). Strings that are
/// not valid UTF-8 are read with replacement characters, so <see cref="Write"/> reproduces only well-formed alerts;
/// <see cref="AlertMessage"/> relays the raw bytes instead.</summary>
public sealed record Alert(
    int Version,
    long RelayUntil,
    long Expiration,
    int Id,
    int Cancel,
    int[] SetCancel,
    int MinVer,
    int MaxVer,
    string[] SetSubVer,
    int Priority,
    string Comment,
    string StatusBar,
    string Reserved)
{
    /// <summary>Parses the fields; null on any fault. Lists are bounded by the bytes present before allocating.
    /// Trailing bytes are ignored, as btcd ignores them.</summary>
    public static Alert? TryParse(ReadOnlyMemory<byte> serialized)
    {
        try
        {
            var reader = new WireReader(serialized);
            int version = reader.ReadInt32();
            long relayUntil = reader.ReadInt64();
            long expiration = reader.ReadInt64();
            int id = reader.ReadInt32();
            int cancel = reader.ReadInt32();
            var setCancel = new int[reader.ReadCount(int.MaxValue, sizeof(int), "alert setCancel")];
            for (int i = 0; i < setCancel.Length; i++) setCancel[i] = reader.ReadInt32();
            int minVer = reader.ReadInt32();
            int maxVer = reader.ReadInt32();
            var setSubVer = new string[reader.ReadCount(int.MaxValue, 1, "alert setSubVer")];
            for (int i = 0; i < setSubVer.Length; i++) setSubVer[i] = ReadString(ref reader, "alert subVer");
            int priority = reader.ReadInt32();
            string comment = ReadString(ref reader, "alert comment");
            string statusBar = ReadString(ref reader, "alert statusBar");
            string reserved = ReadString(ref reader, "alert reserved");
            return new Alert(version, relayUntil, expiration, id, cancel, setCancel, minVer, maxVer, setSubVer,
                priority, comment, statusBar, reserved);
        }
        catch (WireException)
        {
            return null;
        }
    }

    private static string ReadString(ref WireReader reader, string what) => reader.ReadVarString(reader.Remaining, what);

    /// <summary>Serialises the fields (btcd Alert.Serialize).</summary>
    public void Write(WireWriter writer)
    {
        writer.WriteInt32(Version);
        writer.WriteInt64(RelayUntil);
        writer.WriteInt64(Expiration);
        writer.WriteInt32(Id);
        writer.WriteInt32(Cancel);
        writer.WriteCompactSize((ulong)SetCancel.Length);
        foreach (int value in SetCancel) writer.WriteInt32(value);
        writer.WriteInt32(MinVer);
        writer.WriteInt32(MaxVer);
        writer.WriteCompactSize((ulong)SetSubVer.Length);
        foreach (string subVer in SetSubVer) writer.WriteVarString(subVer);
        writer.WriteInt32(Priority);
        writer.WriteVarString(Comment);
        writer.WriteVarString(StatusBar);
        writer.WriteVarString(Reserved);
    }

    public byte[] ToArray()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        Write(new WireWriter(buffer));
        return buffer.WrittenSpan.ToArray();
    }
}
