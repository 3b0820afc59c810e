using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using ActorNode.Wire.Primitives;

namespace ActorNode.Chain.Headers;

/// <summary>An unsigned 256-bit number for targets and chain work on the header hot path, where
/// <see cref="BigInteger"/> would allocate on every header. Only what the header chain needs: compact decoding,
/// comparison, saturating addition, and exact conversion to and from <see cref="BigInteger"/> for the rare paths
/// (retargeting, the work of a new difficulty). Plays the part of Core's arith_uint256.
/// <para>Four 64-bit limbs, <see cref="U0"/> the least significant.</para></summary>
public readonly struct UInt256 : IEquatable<UInt256>, IComparable<UInt256>
{
    public ulong U0 { get; }
    public ulong U1 { get; }
    public ulong U2 { get; }
    public ulong U3 { get; }

    public UInt256(ulong u3, ulong u2, ulong u1, ulong u0)
    {
        U3 = u3;
        U2 = u2;
        U1 = u1;
        U0 = u0;
    }

    public static readonly UInt256 Zero = default;

    public static readonly UInt256 MaxValue = new(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue);

    public bool IsZero => (U0 | U1 | U2 | U3) == 0;

    /// <summary>A hash read as a 256-bit little-endian number, as the proof-of-work rule compares it.</summary>
    public static UInt256 FromHash(in Hash256 hash)
    {
        // Hash256 is its 32 bytes in internal order (on a little-endian machine): read them in place, without
        // copying (a hot path).
        Span<byte> copy = stackalloc byte[BitConverter.IsLittleEndian ? 0 : Hash256.Size];
        if (!BitConverter.IsLittleEndian) hash.CopyTo(copy);
        ReadOnlySpan<byte> bytes = BitConverter.IsLittleEndian ? MemoryMarshal.AsBytes(new ReadOnlySpan<Hash256>(in hash)) : copy;
        return new UInt256(
            BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]),
            BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(bytes));
    }

    /// <summary>Decodes compact bits as Core's arith_uint256::SetCompact does: <paramref name="isNegative"/> when
    /// the sign bit is set on a non-zero mantissa, <paramref name="isOverflow"/> when the number does not fit in
    /// 256 bits (the returned value is then meaningless). Same numbers as <see cref="ProofOfWork.CompactToBig(uint)"/>
    /// for every valid target.</summary>
    public static UInt256 FromCompact(uint compact, out bool isNegative, out bool isOverflow)
    {
        int exponent = (int)(compact >> 24);
        ulong word = compact & 0x007f_ffff;
        if (exponent <= 3)
        {
            word >>= 8 * (3 - exponent);
            isNegative = word != 0 && (compact & 0x0080_0000) != 0;
            isOverflow = false;
            return new UInt256(0, 0, 0, word);
        }
        isNegative = word != 0 && (compact & 0x0080_0000) != 0;
        isOverflow = word != 0 && (exponent > 34 || (word > 0xff && exponent > 33) || (word > 0xffff && exponent > 32));
        if (isOverflow) return Zero;
        return new UInt256(0, 0, 0, word) << (8 * (exponent - 3));
    }

    public static UInt256 operator <<(UInt256 value, int shift)
    {
        if (shift <= 0) return shift == 0 ? value : value >> -shift;
        if (shift >= 256) return Zero;
        Span<ulong> src = [value.U0, value.U1, value.U2, value.U3];
        Span<ulong> dst = stackalloc ulong[4];
        int limbs = shift / 64, bits = shift % 64;
        for (int i = 3; i >= limbs; i--)
        {
            ulong v = src[i - limbs] << bits;
            if (bits != 0 && i - limbs - 1 >= 0) v |= src[i - limbs - 1] >> (64 - bits);
            dst[i] = v;
        }
        return new UInt256(dst[3], dst[2], dst[1], dst[0]);
    }

    public static UInt256 operator >>(UInt256 value, int shift)
    {
        if (shift <= 0) return shift == 0 ? value : value << -shift;
        if (shift >= 256) return Zero;
        Span<ulong> src = [value.U0, value.U1, value.U2, value.U3];
        Span<ulong> dst = stackalloc ulong[4];
        int limbs = shift / 64, bits = shift % 64;
        for (int i = 0; i + limbs < 4; i++)
        {
            ulong v = src[i + limbs] >> bits;
            if (bits != 0 && i + limbs + 1 < 4) v |= src[i + limbs + 1] << (64 - bits);
            dst[i] = v;
        }
        return new UInt256(dst[3], dst[2], dst[1], dst[0]);
    }

    /// <summary>Addition that stops at <see cref="MaxValue"/> instead of wrapping: chain work can never reach it
    /// with real proof of work, and a wrap would turn the heaviest chain into the lightest.</summary>
    public static UInt256 SaturatingAdd(in UInt256 a, in UInt256 b)
    {
        ulong r0 = a.U0 + b.U0;
        ulong c = r0 < a.U0 ? 1UL : 0UL;
        ulong r1 = a.U1 + b.U1 + c;
        c = r1 < a.U1 || (c == 1 && r1 == a.U1) ? 1UL : 0UL;
        ulong r2 = a.U2 + b.U2 + c;
        c = r2 < a.U2 || (c == 1 && r2 == a.U2) ? 1UL : 0UL;
        ulong r3 = a.U3 + b.U3 + c;
        c = r3 < a.U3 || (c == 1 && r3 == a.U3) ? 1UL : 0UL;
        return c != 0 ? MaxValue : new UInt256(r3, r2, r1, r0);
    }

    public static UInt256 operator +(UInt256 a, UInt256 b) => SaturatingAdd(a, b);

    public static UInt256 FromBigInteger(BigInteger value)
    {
        if (value.Sign < 0) throw new ArgumentOutOfRangeException(nameof(value), "negative");
        if (value.GetByteCount(isUnsigned: true) > 32) throw new ArgumentOutOfRangeException(nameof(value), "over 256 bits");
        Span<byte> bytes = stackalloc byte[32];
        bytes.Clear();
        value.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
        return new UInt256(
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes));
    }

    public BigInteger ToBigInteger()
    {
        Span<byte> bytes = stackalloc byte[32];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes, U0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], U1);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes[16..], U2);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes[24..], U3);
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: false);
    }

    public int CompareTo(UInt256 other)
    {
        if (U3 != other.U3) return U3 < other.U3 ? -1 : 1;
        if (U2 != other.U2) return U2 < other.U2 ? -1 : 1;
        if (U1 != other.U1) return U1 < other.U1 ? -1 : 1;
        if (U0 != other.U0) return U0 < other.U0 ? -1 : 1;
        return 0;
    }

    public bool Equals(UInt256 other) => U0 == other.U0 && U1 == other.U1 && U2 == other.U2 && U3 == other.U3;
    public override bool Equals(object? obj) => obj is UInt256 other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(U0, U1, U2, U3);
    public static bool operator ==(UInt256 a, UInt256 b) => a.Equals(b);
    public static bool operator !=(UInt256 a, UInt256 b) => !a.Equals(b);
    public static bool operator <(UInt256 a, UInt256 b) => a.CompareTo(b) < 0;
    public static bool operator >(UInt256 a, UInt256 b) => a.CompareTo(b) > 0;
    public static bool operator <=(UInt256 a, UInt256 b) => a.CompareTo(b) <= 0;
    public static bool operator >=(UInt256 a, UInt256 b) => a.CompareTo(b) >= 0;

    /// <summary>64 hex digits, most significant first (as Core prints chain work).</summary>
    public override string ToString() => $"{U3:x16}{U2:x16}{U1:x16}{U0:x16}";
}
