using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace ActorNode.Wire.Primitives;

/// <summary>SipHash-2-4 with a 64-bit output (Aumasson and Bernstein), keyed by two little-endian 64-bit words.
/// BIP152 uses it for short transaction ids; Bitcoin Core's <c>CSipHasher</c> and <c>SipHashUint256</c>
/// (crypto/siphash.cpp) give the same values.</summary>
public static class SipHash
{
    /// <summary>SipHash-2-4 of <paramref name="data"/> under the key (<paramref name="k0"/>, <paramref name="k1"/>).</summary>
    public static ulong Hash24(ulong k0, ulong k1, ReadOnlySpan<byte> data)
    {
        ulong v0 = 0x736f6d6570736575UL ^ k0;
        ulong v1 = 0x646f72616e646f6dUL ^ k1;
        ulong v2 = 0x6c7967656e657261UL ^ k0;
        ulong v3 = 0x7465646279746573UL ^ k1;

        int whole = data.Length & ~7;
        for (int i = 0; i < whole; i += 8)
        {
            ulong m = BinaryPrimitives.ReadUInt64LittleEndian(data[i..]);
            v3 ^= m;
            Round(ref v0, ref v1, ref v2, ref v3);
            Round(ref v0, ref v1, ref v2, ref v3);
            v0 ^= m;
        }

        // The last block: the remaining bytes, little-endian, with the length (mod 256) in the top byte.
        ulong last = (ulong)data.Length << 56;
        var tail = data[whole..];
        for (int i = 0; i < tail.Length; i++) last |= (ulong)tail[i] << (8 * i);
        v3 ^= last;
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        v0 ^= last;

        return Finish(v0, v1, v2, v3);
    }

    /// <summary>SipHash-2-4 of the 32 bytes of <paramref name="hash"/> in internal order (Core's
    /// <c>SipHashUint256</c>), without copying the hash into a buffer.</summary>
    public static ulong Hash24(ulong k0, ulong k1, in Hash256 hash)
    {
        Span<byte> bytes = stackalloc byte[Hash256.Size];
        hash.CopyTo(bytes);
        return Hash24(k0, k1, bytes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Finish(ulong v0, ulong v1, ulong v2, ulong v3)
    {
        v2 ^= 0xFF;
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        return v0 ^ v1 ^ v2 ^ v3;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref ulong v0, ref ulong v1, ref ulong v2, ref ulong v3)
    {
        v0 += v1;
        v1 = BitOperations.RotateLeft(v1, 13);
        v1 ^= v0;
        v0 = BitOperations.RotateLeft(v0, 32);
        v2 += v3;
        v3 = BitOperations.RotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = BitOperations.RotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = BitOperations.RotateLeft(v1, 17);
        v1 ^= v2;
        v2 = BitOperations.RotateLeft(v2, 32);
    }
}
