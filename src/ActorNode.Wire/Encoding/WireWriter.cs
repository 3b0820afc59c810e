using System.Buffers;
using System.Buffers.Binary;
using ActorNode.Wire.Primitives;

namespace ActorNode.Wire.Encoding;

/// <summary>Writes Bitcoin wire fields into an <see cref="IBufferWriter{T}"/>.</summary>
public readonly ref struct WireWriter(IBufferWriter<byte> output)
{
    private readonly IBufferWriter<byte> _output = output;

    public IBufferWriter<byte> Output => _output;

    public void WriteByte(byte value)
    {
        _output.GetSpan(1)[0] = value;
        _output.Advance(1);
    }

    public void WriteBool(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_output.GetSpan(2), value);
        _output.Advance(2);
    }

    public void WriteUInt16BigEndian(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_output.GetSpan(2), value);
        _output.Advance(2);
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_output.GetSpan(4), value);
        _output.Advance(4);
    }

    public void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_output.GetSpan(4), value);
        _output.Advance(4);
    }

    public void WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_output.GetSpan(8), value);
        _output.Advance(8);
    }

    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_output.GetSpan(8), value);
        _output.Advance(8);
    }

    public void WriteHash(in Hash256 hash)
    {
        hash.CopyTo(_output.GetSpan(Hash256.Size));
        _output.Advance(Hash256.Size);
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return;
        bytes.CopyTo(_output.GetSpan(bytes.Length));
        _output.Advance(bytes.Length);
    }

    public void WriteCompactSize(ulong value)
    {
        var span = _output.GetSpan(9);
        int n = CompactSize.Write(span, value);
        _output.Advance(n);
    }

    public void WriteVarBytes(ReadOnlySpan<byte> bytes)
    {
        WriteCompactSize((ulong)bytes.Length);
        WriteBytes(bytes);
    }

    public void WriteVarString(string value)
    {
        int length = System.Text.Encoding.UTF8.GetByteCount(value);
        WriteCompactSize((ulong)length);
        if (length == 0) return;
        int written = System.Text.Encoding.UTF8.GetBytes(value, _output.GetSpan(length));
        _output.Advance(written);
    }
}

/// <summary>CompactSize ("varint") sizes and encoding.</summary>
public static class CompactSize
{
    public const int MaxSize = 9;

    public static int SizeOf(ulong value) => value switch
    {
        < 0xFD => 1,
        <= 0xFFFF => 3,
        <= 0xFFFF_FFFF => 5,
        _ => 9,
    };

    public static int Write(Span<byte> destination, ulong value)
    {
        switch (value)
        {
            case < 0xFD:
                destination[0] = (byte)value;
                return 1;
            case <= 0xFFFF:
                destination[0] = 0xFD;
                BinaryPrimitives.WriteUInt16LittleEndian(destination[1..], (ushort)value);
                return 3;
            case <= 0xFFFF_FFFF:
                destination[0] = 0xFE;
                BinaryPrimitives.WriteUInt32LittleEndian(destination[1..], (uint)value);
                return 5;
            default:
                destination[0] = 0xFF;
                BinaryPrimitives.WriteUInt64LittleEndian(destination[1..], value);
                return 9;
        }
    }
}
