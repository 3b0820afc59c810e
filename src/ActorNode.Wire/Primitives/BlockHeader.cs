using System.Buffers.Binary;
using ActorNode.Wire.Encoding;

namespace ActorNode.Wire.Primitives;

/// <summary>The 80-byte block header (btcd wire/blockheader.go). The block hash is dsha of these 80 bytes.</summary>
public readonly record struct BlockHeader(
    int Version,
    Hash256 PreviousBlock,
    Hash256 MerkleRoot,
    uint Timestamp,
    uint Bits,
    uint Nonce)
{
    public const int Size = 80;

    public static BlockHeader Read(ref WireReader reader) => new(
        reader.ReadInt32(), reader.ReadHash(), reader.ReadHash(),
        reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32());

    /// <summary>Parses exactly 80 bytes.</summary>
    public static BlockHeader Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size) throw new WireException(WireError.Truncated, "a block header has 80 bytes");
        return new BlockHeader(
            BinaryPrimitives.ReadInt32LittleEndian(bytes),
            new Hash256(bytes.Slice(4, 32)),
            new Hash256(bytes.Slice(36, 32)),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[68..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[72..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[76..]));
    }

    public void Write(WireWriter writer)
    {
        var span = writer.Output.GetSpan(Size);
        CopyTo(span);
        writer.Output.Advance(Size);
    }

    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, Version);
        PreviousBlock.CopyTo(destination.Slice(4, 32));
        MerkleRoot.CopyTo(destination.Slice(36, 32));
        BinaryPrimitives.WriteUInt32LittleEndian(destination[68..], Timestamp);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[72..], Bits);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[76..], Nonce);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        CopyTo(bytes);
        return bytes;
    }

    /// <summary>The block hash: dsha of the 80 serialised bytes.</summary>
    public Hash256 GetHash()
    {
        Span<byte> bytes = stackalloc byte[Size];
        CopyTo(bytes);
        return Hash256.DoubleSha256(bytes);
    }

    public DateTimeOffset Time => DateTimeOffset.FromUnixTimeSeconds(Timestamp);
}
