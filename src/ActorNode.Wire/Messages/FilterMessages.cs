using ActorNode.Wire.Encoding;
using ActorNode.Wire.Primitives;

namespace ActorNode.Wire.Messages;

/// <summary>How a BIP37 filter grows when a transaction matches (btcd BloomUpdateType). Unknown values are kept.
/// </summary>
public enum BloomUpdate : byte
{
    None = 0,
    All = 1,
    P2PubKeyOnly = 2,
}

/// <summary>BIP157/158 filter types (btcd FilterType). Only the basic filter exists; other values are kept.</summary>
public enum FilterType : byte
{
    Regular = 0,
}

/// <summary>Installs a BIP37 bloom filter (btcd MsgFilterLoad, protocol version 70001 and up): varbytes filter
/// (at most 36,000 bytes), uint32 number of hash functions (at most 50), uint32 tweak, uint8 flags.</summary>
public sealed record FilterLoadMessage(ReadOnlyMemory<byte> Filter, uint HashFuncs, uint Tweak, BloomUpdate Flags)
    : IWireMessage
{
    public string Command => "filterload";

    /// <summary>3 + 36,000 + 9 = 36,012 bytes (btcd MsgFilterLoad.MaxPayloadLength).</summary>
    public static readonly int MaxPayload =
        CompactSize.SizeOf(WireLimits.MaxFilterLoadFilterSize) + WireLimits.MaxFilterLoadFilterSize + 4 + 4 + 1;

    public static FilterLoadMessage Decode(ref WireReader reader, WireContext context)
    {
        var filter = reader.ReadVarBytes(WireLimits.MaxFilterLoadFilterSize, "filterload filter").ToArray();
        uint hashFuncs = reader.ReadUInt32();
        uint tweak = reader.ReadUInt32();
        var flags = (BloomUpdate)reader.ReadByte();
        // btcd checks the hash-function count after reading the whole body; the error is the same.
        CheckHashFuncs(hashFuncs);
        return new FilterLoadMessage(filter, hashFuncs, tweak, flags);
    }

    public void WritePayload(WireWriter writer, WireContext context)
    {
        if (Filter.Length > WireLimits.MaxFilterLoadFilterSize)
            throw new WireException(WireError.TooMany,
                $"filterload: filter of {Filter.Length} bytes exceeds the limit of {WireLimits.MaxFilterLoadFilterSize}");
        CheckHashFuncs(HashFuncs);
        writer.WriteVarBytes(Filter.Span);
        writer.WriteUInt32(HashFuncs);
        writer.WriteUInt32(Tweak);
        writer.WriteByte((byte)Flags);
    }

    private static void CheckHashFuncs(uint hashFuncs)
    {
        if (hashFuncs > WireLimits.MaxFilterLoadHashFuncs)
            throw new WireException(WireError.TooMany,
                $"filterload: {hashFuncs} hash functions exceed the limit of {WireLimits.MaxFilterLoadHashFuncs}");
    }
}

/// <summary>Adds one element (at most 520 bytes, the largest script push) to the loaded bloom filter
/// (btcd MsgFilterAdd, protocol version 70001 and up).</summary>
public sealed record FilterAddMessage(ReadOnlyMemory<byte> Data) : IWireMessage
{
    public string Command => "filteradd";

    /// <summary>3 + 520 = 523 bytes (btcd MsgFilterAdd.MaxPayloadLength).</summary>
    public static readonly int MaxPayload =
        CompactSize.SizeOf(WireLimits.MaxFilterAddDataSize) + WireLimits.MaxFilterAddDataSize;

    public static FilterAddMessage Decode(ref WireReader reader, WireContext context) =>
        new(reader.ReadVarBytes(WireLimits.MaxFilterAddDataSize, "filteradd data").ToArray());

    public void WritePayload(WireWriter writer, WireContext context)
    {
        if (Data.Length > WireLimits.MaxFilterAddDataSize)
            throw new WireException(WireError.TooMany,
                $"filteradd: {Data.Length} bytes exceed the limit of {WireLimits.MaxFilterAddDataSize}");
        writer.WriteVarBytes(Data.Span);
    }
}

/// <summary>Removes the loaded bloom filter (btcd MsgFilterClear, protocol version 70001 and up). Empty payload.
/// </summary>
public sealed record FilterClearMessage : IWireMessage
{
    public static readonly FilterClearMessage Instance = new();

    private FilterClearMessage() { }

    public string Command => "filterclear";

    public static FilterClearMessage Decode(ref WireReader reader, WireContext context) => Instance;

    public void WritePayload(WireWriter writer, WireContext context) { }
}

/// <summary>Asks for the BIP158 filters of the blocks from <see cref="StartHeight"/> to <see cref="StopHash"/>
/// (btcd MsgGetCFilters, BIP157). The 1,000-block range limit is the server's to enforce, not the codec's.</summary>
public sealed record GetCFiltersMessage(FilterType FilterType, uint StartHeight, Hash256 StopHash) : IWireMessage
{
    public string Command => "getcfilters";

    /// <summary>1 + 4 + 32 = 37 bytes.</summary>
    public const int MaxPayload = 1 + 4 + Hash256.Size;

    public static GetCFiltersMessage Decode(ref WireReader reader, WireContext context) =>
        new((FilterType)reader.ReadByte(), reader.ReadUInt32(), reader.ReadHash());

    public void WritePayload(WireWriter writer, WireContext context)
    {
        writer.WriteByte((byte)FilterType);
        writer.WriteUInt32(StartHeight);
        writer.WriteHash(StopHash);
    }
}

/// <summary>Asks for the filter hashes of a block range and the filter header before it (btcd MsgGetCFHeaders,
/// BIP157). Same layout as getcfilters.</summary>
public sealed record GetCFHeadersMessage(FilterType FilterType, uint StartHeight, Hash256 StopHash) : IWireMessage
{
    public string Command => "getcfheaders";

    /// <summary>1 + 4 + 32 = 37 bytes.</summary>
    public const int MaxPayload = 1 + 4 + Hash256.Size;

    public static GetCFHeadersMessage Decode(ref WireReader reader, WireContext context) =>
        new((FilterType)reader.ReadByte(), reader.ReadUInt32(), reader.ReadHash());

    public void WritePayload(WireWriter writer, WireContext context)
    {
        writer.WriteByte((byte)FilterType);
        writer.WriteUInt32(StartHeight);
        writer.WriteHash(StopHash);
    }
}

/// <summary>Asks for the filter headers at every 1,000th block up to <see cref="StopHash"/> (btcd MsgGetCFCheckpt,
/// BIP157).</summary>
public sealed record GetCFCheckptMessage(FilterType FilterType, Hash256 StopHash) : IWireMessage
{
    public string Command => "getcfcheckpt";

    /// <summary>1 + 32 = 33 bytes.</summary>
    public const int MaxPayload = 1 + Hash256.Size;

    public static GetCFCheckptMessage Decode(ref WireReader reader, WireContext context) =>
        new((FilterType)reader.ReadByte(), reader.ReadHash());

    public void WritePayload(WireWriter writer, WireContext context)
    {
        writer.WriteByte((byte)FilterType);
        writer.WriteHash(StopHash);
    }
}

/// <summary>One block's BIP158 filter (btcd MsgCFilter, BIP157): uint8 type, block hash, varbytes filter of at most
/// 262,144 bytes (btcd MaxCFilterDataSize).</summary>
public sealed record CFilterMessage(FilterType FilterType, Hash256 BlockHash, ReadOnlyMemory<byte> Data) : IWireMessage
{
    public string Command => "cfilter";

    /// <summary>5 + 262,144 + 32 + 1 = 262,182 bytes (btcd MsgCFilter.MaxPayloadLength).</summary>
    public static readonly int MaxPayload =
        CompactSize.SizeOf(WireLimits.MaxCFilterDataSize) + WireLimits.MaxCFilterDataSize + Hash256.Size + 1;

    public static CFilterMessage Decode(ref WireReader reader, WireContext context)
    {
        var type = (FilterType)reader.ReadByte();
        var blockHash = reader.ReadHash();
        var data = reader.ReadVarBytes(WireLimits.MaxCFilterDataSize, "cfilter data").ToArray();
        return new CFilterMessage(type, blockHash, data);
    }

    public void WritePayload(WireWriter writer, WireContext context)
    {
        if (Data.Length > WireLimits.MaxCFilterDataSize)
            throw new WireException(WireError.TooMany,
                $"cfilter: {Data.Length} bytes exceed the limit of {WireLimits.MaxCFilterDataSize}");
        writer.WriteByte((byte)FilterType);
        writer.WriteHash(BlockHash);
        writer.WriteVarBytes(Data.Span);
    }
}

/// <summary>Filter hashes for a block range plus the filter header before the range (btcd MsgCFHeaders, BIP157):
/// uint8 type, stop hash, previous filter header, CompactSize count (at most 2,000) and the hashes.</summary>
public sealed record CFHeadersMessage(
    FilterType FilterType, Hash256 StopHash, Hash256 PrevFilterHeader, Hash256[] FilterHashes) : IWireMessage
{
    public string Command => "cfheaders";

    /// <summary>1 + 32 + 32 + 9 + 2,000 × 32 = 64,074 bytes (btcd MsgCFHeaders.MaxPayloadLength).</summary>
    public const int MaxPayload =
        1 + Hash256.Size + Hash256.Size + CompactSize.MaxSize + WireLimits.MaxCFHeadersPerMessage * Hash256.Size;

    public static CFHeadersMessage Decode(ref WireReader reader, WireContext context)
    {
        var type = (FilterType)reader.ReadByte();
        var stopHash = reader.ReadHash();
        var prevHeader = reader.ReadHash();
        int count = reader.ReadCount(WireLimits.MaxCFHeadersPerMessage, Hash256.Size, "cfheaders hashes");
        var hashes = new Hash256[count];
        for (int i = 0; i < hashes.Length; i++) hashes[i] = reader.ReadHash();
        return new CFHeadersMessage(type, stopHash, prevHeader, hashes);
    }

    public void WritePayload(WireWriter writer, WireContext context)
    {
        if (FilterHashes.Length > WireLimits.MaxCFHeadersPerMessage)
            throw new WireException(WireError.TooMany,
                $"cfheaders: {FilterHashes.Length} hashes exceed the limit of {WireLimits.MaxCFHeadersPerMessage}");
        writer.WriteByte((byte)FilterType);
        writer.WriteHash(StopHash);
        writer.WriteHash(PrevFilterHeader);
        writer.WriteCompactSize((ulong)FilterHashes.Length);
        foreach (var hash in FilterHashes) writer.WriteHash(hash);
    }
}

/// <summary>Filter headers at every 1,000th block (btcd MsgCFCheckpt, BIP157): uint8 type, stop hash, CompactSize
/// count and the headers.
/// <para>btcd quirk, mirrored: decoding refuses more than 100,000 headers (btcd maxCFHeadersLen,
/// ErrInsaneCFHeaderCount), but encoding has no count check of its own; an over-long message is refused only by the
/// maximum payload of 1 + 32 + 5 + 100,000 × 32 = 3,200,038 bytes (btcd maxCFCheckptPayload, which counts the
/// count as 5 bytes: exactly what 100,000 takes).</para></summary>
public sealed record CFCheckptMessage(FilterType FilterType, Hash256 StopHash, Hash256[] FilterHeaders) : IWireMessage
{
    public string Command => "cfcheckpt";

    /// <summary>3,200,038 bytes (btcd maxCFCheckptPayload).</summary>
    public static readonly int MaxPayload =
        1 + Hash256.Size + CompactSize.SizeOf(WireLimits.MaxCFCheckpointsPerMessage) +
        WireLimits.MaxCFCheckpointsPerMessage * Hash256.Size;

    public static CFCheckptMessage Decode(ref WireReader reader, WireContext context)
    {
        var type = (FilterType)reader.ReadByte();
        var stopHash = reader.ReadHash();
        // btcd allocates before reading; we also check the count against the bytes left.
        int count = reader.ReadCount(WireLimits.MaxCFCheckpointsPerMessage, Hash256.Size, "cfcheckpt headers");
        var headers = new Hash256[count];
        for (int i = 0; i < headers.Length; i++) headers[i] = reader.ReadHash();
        return new CFCheckptMessage(type, stopHash, headers);
    }

    public void WritePayload(WireWriter writer, WireContext context)
    {
        writer.WriteByte((byte)FilterType);
        writer.WriteHash(StopHash);
        writer.WriteCompactSize((ulong)FilterHeaders.Length);
        foreach (var header in FilterHeaders) writer.WriteHash(header);
    }
}
