using System.Buffers.Binary;
using System.Text;
using ActorNode.Wire.Primitives;

namespace ActorNode.Storage.Blocks;

/// <summary>Keys and values of the index database. Every value ends with a CRC-32C of the bytes before it, so a
/// damaged value is reported whatever the engine's own checks (RocksDB checksums its blocks too, but the
/// check here does not depend on an engine option). Keys are one prefix byte and a body, as Core's block index
/// in LevelDB (<c>'b'</c> + hash, <c>'f'</c> + file number).
/// <list type="bullet">
/// <item><c>'h'</c> ‖ hash (32, internal order) → header (80) ‖ height (int32) ‖ status (1) ‖ flags (1: bit 0 = stored)
///   ‖ file (int32) ‖ offset (int64) ‖ length (int32) ‖ block CRC-32C (uint32) ‖ CRC</item>
/// <item><c>'f'</c> ‖ file number (int32 BE, so files sort in order) → bytes used (int64) ‖ blocks (int32) ‖ CRC</item>
/// <item><c>'m'</c> → magic (uint32) ‖ format version (int32) ‖ CRC</item>
/// <item><c>'t'</c> → tip hash (32) ‖ CRC</item>
/// <item><c>'s'</c> ‖ UTF-8 key → the caller's value ‖ CRC</item>
/// </list>
/// All integers little-endian unless marked BE.</summary>
internal static class IndexCodec
{
    public const byte HeaderPrefix = (byte)'h';
    public const byte FilePrefix = (byte)'f';
    public const byte StatePrefix = (byte)'s';
    public static readonly byte[] MetaKey = [(byte)'m'];
    public static readonly byte[] TipKey = [(byte)'t'];
    public const int MaxStateKeyBytes = 200;

    private const int EntryBody = 80 + 4 + 1 + 1 + 4 + 8 + 4 + 4;

    /// <summary>One index entry with the checksum of its block bytes (when stored).</summary>
    public readonly record struct Entry(StoredHeader Header, uint BlockChecksum);

    public readonly record struct FileInfo(long Size, int Blocks);

    public static byte[] HeaderKey(Hash256 hash)
    {
        var key = new byte[1 + Hash256.Size];
        key[0] = HeaderPrefix;
        hash.CopyTo(key.AsSpan(1));
        return key;
    }

    public static Hash256 HashOfKey(ReadOnlySpan<byte> key) => new(key[1..]);

    public static byte[] FileKey(int file)
    {
        var key = new byte[5];
        key[0] = FilePrefix;
        BinaryPrimitives.WriteInt32BigEndian(key.AsSpan(1), file);
        return key;
    }

    public static int FileOfKey(ReadOnlySpan<byte> key) => BinaryPrimitives.ReadInt32BigEndian(key[1..]);

    public static byte[] StateKey(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        int count = Encoding.UTF8.GetByteCount(name);
        if (count > MaxStateKeyBytes)
            throw new ArgumentException($"a state key has at most {MaxStateKeyBytes} UTF-8 bytes", nameof(name));
        var key = new byte[1 + count];
        key[0] = StatePrefix;
        Encoding.UTF8.GetBytes(name, key.AsSpan(1));
        return key;
    }

    public static byte[] EncodeEntry(in Entry entry)
    {
        var value = new byte[EntryBody + 4];
        var span = value.AsSpan();
        var h = entry.Header;
        h.Header.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[80..], h.Height);
        span[84] = h.Status;
        if (h.Location is { } at)
        {
            span[85] = 1;
            BinaryPrimitives.WriteInt32LittleEndian(span[86..], at.FileNumber);
            BinaryPrimitives.WriteInt64LittleEndian(span[90..], at.Offset);
            BinaryPrimitives.WriteInt32LittleEndian(span[98..], at.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(span[102..], entry.BlockChecksum);
        }
        Seal(span);
        return value;
    }

    /// <summary>Null when the value is not a well-formed, checksummed entry.</summary>
    public static Entry? DecodeEntry(Hash256 hash, ReadOnlySpan<byte> value)
    {
        if (value.Length != EntryBody + 4 || !Verify(value) || value[85] > 1)
            return null;
        var header = BlockHeader.Parse(value[..80]);
        int height = BinaryPrimitives.ReadInt32LittleEndian(value[80..]);
        BlockLocation? location = null;
        uint checksum = 0;
        if (value[85] == 1)
        {
            location = new BlockLocation(
                BinaryPrimitives.ReadInt32LittleEndian(value[86..]),
                BinaryPrimitives.ReadInt64LittleEndian(value[90..]),
                BinaryPrimitives.ReadInt32LittleEndian(value[98..]));
            checksum = BinaryPrimitives.ReadUInt32LittleEndian(value[102..]);
        }
        return new Entry(new StoredHeader(hash, header, height, value[84], location), checksum);
    }

    public static byte[] EncodeFile(FileInfo info)
    {
        var value = new byte[8 + 4 + 4];
        BinaryPrimitives.WriteInt64LittleEndian(value, info.Size);
        BinaryPrimitives.WriteInt32LittleEndian(value.AsSpan(8), info.Blocks);
        Seal(value);
        return value;
    }

    public static FileInfo? DecodeFile(ReadOnlySpan<byte> value)
    {
        if (value.Length != 16 || !Verify(value))
            return null;
        return new FileInfo(BinaryPrimitives.ReadInt64LittleEndian(value), BinaryPrimitives.ReadInt32LittleEndian(value[8..]));
    }

    public static byte[] EncodeMeta(uint magic, int version)
    {
        var value = new byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(value, magic);
        BinaryPrimitives.WriteInt32LittleEndian(value.AsSpan(4), version);
        Seal(value);
        return value;
    }

    public static (uint Magic, int Version)? DecodeMeta(ReadOnlySpan<byte> value) =>
        value.Length == 12 && Verify(value)
            ? (BinaryPrimitives.ReadUInt32LittleEndian(value), BinaryPrimitives.ReadInt32LittleEndian(value[4..]))
            : null;

    public static byte[] EncodeHash(Hash256 hash)
    {
        var value = new byte[Hash256.Size + 4];
        hash.CopyTo(value);
        Seal(value);
        return value;
    }

    public static Hash256? DecodeHash(ReadOnlySpan<byte> value) =>
        value.Length == Hash256.Size + 4 && Verify(value) ? new Hash256(value[..Hash256.Size]) : null;

    public static byte[] EncodeState(ReadOnlySpan<byte> state)
    {
        var value = new byte[state.Length + 4];
        state.CopyTo(value);
        Seal(value);
        return value;
    }

    public static byte[]? DecodeState(ReadOnlySpan<byte> value) =>
        value.Length >= 4 && Verify(value) ? value[..^4].ToArray() : null;

    private static void Seal(Span<byte> value) =>
        BinaryPrimitives.WriteUInt32LittleEndian(value[^4..], Crc32C.Compute(value[..^4]));

    private static bool Verify(ReadOnlySpan<byte> value) =>
        BinaryPrimitives.ReadUInt32LittleEndian(value[^4..]) == Crc32C.Compute(value[..^4]);
}
