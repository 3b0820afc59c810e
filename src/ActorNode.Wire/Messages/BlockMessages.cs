using ActorNode.Wire.Encoding;
using ActorNode.Wire.Primitives;

namespace ActorNode.Wire.Messages;

/// <summary>A whole block (btcd MsgBlock). Transactions are written with witness data when the context's encoding
/// is <see cref="WireEncoding.Witness"/>. A decoded block keeps zero-copy slices of the payload.</summary>
public sealed record BlockMessage(Block Block) : IWireMessage
{
    public const string CommandName = "block";

    public string Command => CommandName;

    public void WritePayload(WireWriter writer, WireContext context) => Block.Write(writer, context.Encoding);

    public static BlockMessage Decode(ref WireReader reader, WireContext context) =>
        new(Block.Read(ref reader, context.Encoding));
}

/// <summary>One transaction (btcd MsgTx), encoded per the context's encoding. A decoded transaction keeps
/// zero-copy slices of the payload.</summary>
public sealed record TxMessage(Transaction Transaction) : IWireMessage
{
    public const string CommandName = "tx";

    public string Command => CommandName;

    public void WritePayload(WireWriter writer, WireContext context) => Transaction.Write(writer, context.Encoding);

    public static TxMessage Decode(ref WireReader reader, WireContext context) =>
        new(Transaction.Read(ref reader, context.Encoding));
}

/// <summary>Block headers answering <c>getheaders</c> (btcd MsgHeaders): at most 2000, each 80-byte header
/// followed by a CompactSize transaction count that must be zero.</summary>
public sealed record HeadersMessage(BlockHeader[] Headers) : IWireMessage
{
    public const string CommandName = "headers";

    /// <summary>btcd MaxPayloadLength: CompactSize count + 2000 × (80-byte header + 1-byte tx count) = 162,009.</summary>
    public const int MaxPayload = CompactSize.MaxSize + (BlockHeader.Size + 1) * WireLimits.MaxBlockHeadersPerMessage;

    public string Command => CommandName;

    public void WritePayload(WireWriter writer, WireContext context)
    {
        if (Headers.Length > WireLimits.MaxBlockHeadersPerMessage)
            throw new WireException(WireError.TooMany,
                $"headers: {Headers.Length} headers exceed the limit of {WireLimits.MaxBlockHeadersPerMessage}");
        writer.WriteCompactSize((ulong)Headers.Length);
        foreach (var header in Headers)
        {
            header.Write(writer);
            writer.WriteByte(0);
        }
    }

    public static HeadersMessage Decode(ref WireReader reader, WireContext context)
    {
        int count = reader.ReadCount(WireLimits.MaxBlockHeadersPerMessage, BlockHeader.Size + 1, "headers");
        var headers = new BlockHeader[count];
        for (int i = 0; i < count; i++)
        {
            headers[i] = BlockHeader.Read(ref reader);
            ulong txCount = reader.ReadCompactSize();
            if (txCount != 0)
                throw new WireException(WireError.Malformed,
                    $"headers: header {i} declares {txCount} transactions; a headers message carries none");
        }
        return new HeadersMessage(headers);
    }
}

/// <summary>A filtered block for BIP37 clients (btcd MsgMerkleBlock): the header, the block's transaction count,
/// the partial merkle tree's hashes (at most 400,001) and its flag bits (at most 50,000 bytes). Exists from
/// protocol version 70001.</summary>
public sealed record MerkleBlockMessage(BlockHeader Header, uint TotalTransactions, Hash256[] Hashes,
    ReadOnlyMemory<byte> Flags) : IWireMessage
{
    public const string CommandName = "merkleblock";

    /// <summary>btcd maxFlagsPerMerkleBlock = maxTxPerBlock / 8.</summary>
    public const int MaxFlagBytes = WireLimits.MaxTxPerBlock / 8;

    public string Command => CommandName;

    public void WritePayload(WireWriter writer, WireContext context)
    {
        if (Hashes.Length > WireLimits.MaxTxPerBlock)
            throw new WireException(WireError.TooMany,
                $"merkleblock: {Hashes.Length} hashes exceed the limit of {WireLimits.MaxTxPerBlock}");
        if (Flags.Length > MaxFlagBytes)
            throw new WireException(WireError.TooMany,
                $"merkleblock: {Flags.Length} flag bytes exceed the limit of {MaxFlagBytes}");
        Header.Write(writer);
        writer.WriteUInt32(TotalTransactions);
        writer.WriteCompactSize((ulong)Hashes.Length);
        foreach (var hash in Hashes) writer.WriteHash(hash);
        writer.WriteVarBytes(Flags.Span);
    }

    public static MerkleBlockMessage Decode(ref WireReader reader, WireContext context)
    {
        var header = BlockHeader.Read(ref reader);
        uint total = reader.ReadUInt32();
        int count = reader.ReadCount(WireLimits.MaxTxPerBlock, Hash256.Size, "merkleblock hashes");
        var hashes = new Hash256[count];
        for (int i = 0; i < count; i++) hashes[i] = reader.ReadHash();
        var flags = reader.ReadVarBytes(MaxFlagBytes, "merkleblock flags").ToArray();
        return new MerkleBlockMessage(header, total, hashes, flags);
    }
}
