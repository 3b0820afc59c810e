using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using ActorNode.Wire.Primitives;

namespace ActorNode.Wire.Encoding;

/// <summary>Reads Bitcoin wire fields from one contiguous payload. Every read checks the remaining length first
/// and throws <see cref="WireException"/>; counts are checked against their limit and against the bytes left
/// before anything is allocated. Byte fields come back as slices of the payload (zero-copy).</summary>
public ref struct WireReader
{
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly ReadOnlySpan<byte> _span;
    private int _position;

    public WireReader(ReadOnlyMemory<byte> payload)
    {
        _memory = payload;
        _span = payload.Span;
        _position = 0;
    }

    public readonly int Position => _position;
    public readonly int Remaining => _span.Length - _position;
    public readonly bool IsAtEnd => _position == _span.Length;
    /// <summary>The whole buffer this reader walks (for slicing raw ranges already read).</summary>
    public readonly ReadOnlyMemory<byte> Buffer => _memory;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<byte> Take(int count)
    {
        if ((uint)count > (uint)(_span.Length - _position))
            throw new WireException(WireError.Truncated,
                $"needed {count} bytes at offset {_position}, {_span.Length - _position} left");
        var slice = _span.Slice(_position, count);
        _position += count;
        return slice;
    }

    public byte ReadByte() => Take(1)[0];
    public bool ReadBool() => Take(1)[0] != 0;
    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
    public ushort ReadUInt16BigEndian() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));
    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));
    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));
    public Hash256 ReadHash() => new(Take(Hash256.Size));

    /// <summary>Copies the next <c>destination.Length</c> bytes into <paramref name="destination"/>, a span the caller owns.</summary>
    public void ReadBytes(Span<byte> destination) => Take(destination.Length).CopyTo(destination);

    /// <summary>A slice of the payload, no copy.</summary>
    public ReadOnlySpan<byte> ReadSpan(int count) => Take(count);

    /// <summary>A slice of the payload as memory, no copy.</summary>
    public ReadOnlyMemory<byte> ReadMemory(int count)
    {
        int start = _position;
        Take(count);
        return _memory.Slice(start, count);
    }

    /// <summary>Skips bytes the caller has no use for.</summary>
    public void Skip(int count) => Take(count);

    /// <summary>A CompactSize, refusing non-canonical encodings as btcd and Core do.</summary>
    public ulong ReadCompactSize()
    {
        byte prefix = ReadByte();
        switch (prefix)
        {
            case < 0xFD:
                return prefix;
            case 0xFD:
            {
                ulong v = ReadUInt16();
                if (v < 0xFD) throw NonCanonical(v, prefix);
                return v;
            }
            case 0xFE:
            {
                ulong v = ReadUInt32();
                if (v < 0x10000) throw NonCanonical(v, prefix);
                return v;
            }
            default:
            {
                ulong v = ReadUInt64();
                if (v < 0x100000000UL) throw NonCanonical(v, prefix);
                return v;
            }
        }
    }

    private static WireException NonCanonical(ulong value, byte prefix) =>
        new(WireError.NonCanonical, $"non-canonical CompactSize: value {value} encoded with prefix 0x{prefix:x2}");

    /// <summary>Reads a list count and checks it against <paramref name="max"/> and against what the remaining
    /// bytes could hold at <paramref name="minElementSize"/> bytes per element, before the caller allocates.</summary>
    public int ReadCount(ulong max, int minElementSize, string what)
    {
        ulong count = ReadCompactSize();
        if (count > max)
            throw new WireException(WireError.TooMany, $"{what}: count {count} exceeds the limit of {max}");
        if (minElementSize > 0 && count > (ulong)(Remaining / minElementSize))
            throw new WireException(WireError.TooMany,
                $"{what}: count {count} cannot fit in the {Remaining} bytes left");
        return (int)count;
    }

    /// <summary>CompactSize length then that many bytes, as a zero-copy slice.</summary>
    public ReadOnlyMemory<byte> ReadVarBytes(int max, string what)
    {
        ulong length = ReadCompactSize();
        if (length > (ulong)max)
            throw new WireException(WireError.TooMany, $"{what}: length {length} exceeds the limit of {max}");
        if (length > (ulong)Remaining)
            throw new WireException(WireError.Truncated, $"{what}: length {length} but only {Remaining} bytes left");
        return ReadMemory((int)length);
    }

    /// <summary>A CompactSize-prefixed string. Bytes that are not valid UTF-8 are replaced, as Go's string
    /// conversion keeps them and .NET strings cannot; the raw bytes are not needed by the node.</summary>
    public string ReadVarString(int max, string what)
    {
        ulong length = ReadCompactSize();
        if (length > (ulong)max)
            throw new WireException(WireError.TooMany, $"{what}: length {length} exceeds the limit of {max}");
        return System.Text.Encoding.UTF8.GetString(Take((int)length));
    }

    /// <summary>Throws unless every byte was consumed (btcd rejects payloads with extra bytes).</summary>
    public readonly void EnsureEnd(string command)
    {
        if (!IsAtEnd)
            throw new WireException(WireError.TrailingBytes,
                $"{command}: payload has {Remaining} extra bytes after decode");
    }
}
