using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ActorNode.Minisketch;

/// <summary>Arithmetic in GF(2^bits), elements held in the low <see cref="Bits"/> bits of a ulong. Bit i is the
/// coefficient of x^i (libminisketch's serialised representation and BIP330's). Static members so that the sketch and
/// polynomial code, generic over the field, is compiled once per field with the calls inlined.</summary>
internal interface IBinaryField
{
    static abstract int Bits { get; }

    /// <summary>All ones in the low <see cref="Bits"/> bits.</summary>
    static abstract ulong Mask { get; }

    static abstract ulong Mul(ulong a, ulong b);

    static abstract ulong Sqr(ulong a);

    /// <summary>a·x, the field's LFSR step.</summary>
    static abstract ulong Mul2(ulong a);

    /// <summary>One solution x of x² + x = a when a has one (trace 0); otherwise a value for which the check
    /// x² + x == a fails.</summary>
    static abstract ulong Qrt(ulong a);
}

/// <summary>The irreducible polynomials libminisketch uses (doc/moduli.md: lowest weight, then lexicographic),
/// written without their x^bits term.</summary>
internal static class Moduli
{
    /// <summary>x^16 + x^5 + x^3 + x + 1</summary>
    public const ulong Low16 = 0x2B;

    /// <summary>x^32 + x^7 + x^3 + x^2 + 1 (BIP330)</summary>
    public const ulong Low32 = 0x8D;

    /// <summary>x^64 + x^4 + x^3 + x + 1</summary>
    public const ulong Low64 = 0x1B;
}

/// <summary>Field-independent helpers: carry-less products (PCLMULQDQ when the CPU has it, a portable loop
/// otherwise), inversion by Fermat, and the table for solving x² + x = a.</summary>
internal static class Gf2
{
    public static readonly bool HasClmul = Pclmulqdq.IsSupported;

    /// <summary>The 128-bit carry-less product of two 64-bit values, as (low, high).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (ulong Lo, ulong Hi) Clmul(ulong a, ulong b)
    {
        if (HasClmul)
        {
            var p = Pclmulqdq.CarrylessMultiply(Vector128.CreateScalar(a), Vector128.CreateScalar(b), 0x00);
            return (p.GetElement(0), p.GetElement(1));
        }
        return ClmulPortable(a, b);
    }

    /// <summary>Carry-less product without intrinsics: a 4-bit window over a, table of b·{0..15}.</summary>
    public static (ulong Lo, ulong Hi) ClmulPortable(ulong a, ulong b)
    {
        Span<ulong> lo = stackalloc ulong[16];
        Span<ulong> hi = stackalloc ulong[16];
        lo[0] = 0; hi[0] = 0;
        lo[1] = b; hi[1] = 0;
        for (int i = 2; i < 16; i += 2)
        {
            // b·i (even i) = (b·(i/2))·x; b·(i+1) = b·i + b.
            lo[i] = lo[i / 2] << 1;
            hi[i] = (hi[i / 2] << 1) | (lo[i / 2] >> 63);
            lo[i + 1] = lo[i] ^ b;
            hi[i + 1] = hi[i];
        }
        ulong rlo = 0, rhi = 0;
        for (int shift = 60; shift >= 0; shift -= 4)
        {
            // r = r·x^4 + b·nibble
            rhi = (rhi << 4) | (rlo >> 60);
            rlo <<= 4;
            int nibble = (int)((a >> shift) & 15);
            rlo ^= lo[nibble];
            rhi ^= hi[nibble];
        }
        return (rlo, rhi);
    }

    /// <summary>The carry-less product of two values below 2^32 (fits 63 bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Clmul32(ulong a, ulong b)
    {
        if (HasClmul)
            return Pclmulqdq.CarrylessMultiply(Vector128.CreateScalar(a), Vector128.CreateScalar(b), 0x00).ToScalar();
        return ClmulPortable(a, b).Lo;
    }

    /// <summary>a^(2^bits − 2) = a⁻¹ for a ≠ 0 (0 for 0).</summary>
    public static ulong Inv<TField>(ulong a) where TField : IBinaryField
    {
        // t_k = a^(2^k − 1): t_1 = a, t_(k+1) = t_k² · a. Then a^(2^bits − 2) = t_(bits−1)².
        ulong t = a;
        for (int k = 1; k < TField.Bits - 1; k++) t = TField.Mul(TField.Sqr(t), a);
        return TField.Sqr(t);
    }

    /// <summary>A linear map Q with Q(a)² + Q(a) = a for every a of trace 0, as the images of the bits of a.
    /// x ↦ x² + x is GF(2)-linear with kernel {0, 1} and image H, the trace-0 hyperplane. Each bit vector e_j is
    /// written as h_j (+ w, one fixed vector outside H, when e_j is outside H) and Q(e_j) is a preimage of h_j; for
    /// a ∈ H the w terms cancel, so Q(a) = Σ Q(e_j) is a preimage of a.</summary>
    public static ulong[] BuildQrtTable<TField>() where TField : IBinaryField
    {
        int bits = TField.Bits;
        // Echelon basis of H: rows (image, preimage), pivot = highest set bit of image.
        var images = new ulong[bits];
        var preimages = new ulong[bits];
        var hasPivot = new bool[bits];
        for (int i = 0; i < bits; i++)
        {
            ulong pre = 1UL << i;
            ulong img = TField.Sqr(pre) ^ pre;
            while (img != 0)
            {
                int p = 63 - BitOperations.LeadingZeroCount(img);
                if (!hasPivot[p])
                {
                    hasPivot[p] = true; images[p] = img; preimages[p] = pre;
                    break;
                }
                img ^= images[p]; pre ^= preimages[p];
            }
        }

        // Reduces v against the basis; returns (remainder, preimage of the part reduced away).
        (ulong Remainder, ulong Pre) Reduce(ulong v)
        {
            ulong pre = 0;
            while (v != 0)
            {
                int p = 63 - BitOperations.LeadingZeroCount(v);
                if (!hasPivot[p]) break;
                v ^= images[p]; pre ^= preimages[p];
            }
            return (v, pre);
        }

        ulong w = 0;
        for (int j = 0; j < bits && w == 0; j++)
            if (Reduce(1UL << j).Remainder != 0) w = 1UL << j;

        var table = new ulong[bits];
        for (int j = 0; j < bits; j++)
        {
            ulong e = 1UL << j;
            var (rest, pre) = Reduce(e);
            if (rest != 0)
            {
                (rest, pre) = Reduce(e ^ w);
                if (rest != 0) throw new InvalidOperationException("x^2+x image is not a hyperplane"); // unreachable
            }
            table[j] = pre;
        }
        return table;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ApplyLinear(ulong[] table, ulong a)
    {
        ulong r = 0;
        while (a != 0)
        {
            r ^= table[BitOperations.TrailingZeroCount(a)];
            a &= a - 1;
        }
        return r;
    }
}

/// <summary>GF(2^16) modulo x^16 + x^5 + x^3 + x + 1.</summary>
internal readonly struct Field16 : IBinaryField
{
    private static readonly ulong[] QrtTable = Gf2.BuildQrtTable<Field16>();

    public static int Bits => 16;
    public static ulong Mask => 0xFFFF;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mul(ulong a, ulong b) => Reduce(Gf2.Clmul32(a, b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Sqr(ulong a) => Reduce(Gf2.Clmul32(a, a));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mul2(ulong a) => ((a << 1) & 0xFFFF) ^ ((a >> 15) * Moduli.Low16);

    public static ulong Qrt(ulong a) => Gf2.ApplyLinear(QrtTable, a);

    /// <summary>Reduces a product of up to 31 bits: x^16 ≡ x^5 + x^3 + x + 1, folded twice.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Reduce(ulong p)
    {
        ulong t = p >> 16;                                   // ≤ 15 bits
        t = t ^ (t << 1) ^ (t << 3) ^ (t << 5);              // ≤ 20 bits
        ulong u = t >> 16;                                   // ≤ 4 bits
        u = u ^ (u << 1) ^ (u << 3) ^ (u << 5);              // ≤ 9 bits, no further overflow
        return (p ^ t ^ u) & 0xFFFF;
    }
}

/// <summary>GF(2^32) modulo x^32 + x^7 + x^3 + x^2 + 1, the field of BIP330 short ids.</summary>
internal readonly struct Field32 : IBinaryField
{
    private static readonly ulong[] QrtTable = Gf2.BuildQrtTable<Field32>();

    public static int Bits => 32;
    public static ulong Mask => 0xFFFF_FFFF;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mul(ulong a, ulong b) => Reduce(Gf2.Clmul32(a, b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Sqr(ulong a) => Reduce(Gf2.Clmul32(a, a));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mul2(ulong a) => ((a << 1) & 0xFFFF_FFFF) ^ ((a >> 31) * Moduli.Low32);

    public static ulong Qrt(ulong a) => Gf2.ApplyLinear(QrtTable, a);

    /// <summary>Reduces a product of up to 63 bits: x^32 ≡ x^7 + x^3 + x^2 + 1, folded twice.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Reduce(ulong p)
    {
        ulong t = p >> 32;                                   // ≤ 31 bits
        t = t ^ (t << 2) ^ (t << 3) ^ (t << 7);              // ≤ 38 bits
        ulong u = t >> 32;                                   // ≤ 6 bits
        u = u ^ (u << 2) ^ (u << 3) ^ (u << 7);              // ≤ 13 bits
        return (p ^ t ^ u) & 0xFFFF_FFFF;
    }
}

/// <summary>GF(2^64) modulo x^64 + x^4 + x^3 + x + 1.</summary>
internal readonly struct Field64 : IBinaryField
{
    private static readonly ulong[] QrtTable = Gf2.BuildQrtTable<Field64>();

    public static int Bits => 64;
    public static ulong Mask => ulong.MaxValue;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mul(ulong a, ulong b)
    {
        var (lo, hi) = Gf2.Clmul(a, b);
        return Reduce(lo, hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Sqr(ulong a) => Mul(a, a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mul2(ulong a) => (a << 1) ^ ((a >> 63) * Moduli.Low64);

    public static ulong Qrt(ulong a) => Gf2.ApplyLinear(QrtTable, a);

    /// <summary>Reduces hi·x^64 + lo: x^64 ≡ x^4 + x^3 + x + 1. hi·(x^4+x^3+x+1) overflows by at most 4 bits, whose
    /// product with the same polynomial fits 8 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Reduce(ulong lo, ulong hi)
    {
        ulong low = hi ^ (hi << 1) ^ (hi << 3) ^ (hi << 4);
        ulong over = (hi >> 63) ^ (hi >> 61) ^ (hi >> 60);
        ulong fold = over ^ (over << 1) ^ (over << 3) ^ (over << 4);
        return lo ^ low ^ fold;
    }
}

/// <summary><see cref="Field32"/> without PCLMULQDQ, whatever the CPU: the portable path, for benchmarks and tests
/// on machines that do have the intrinsic.</summary>
internal readonly struct Field32Portable : IBinaryField
{
    private static readonly ulong[] QrtTable = Gf2.BuildQrtTable<Field32Portable>();

    public static int Bits => 32;
    public static ulong Mask => 0xFFFF_FFFF;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mul(ulong a, ulong b) => Field32.Reduce(Gf2.ClmulPortable(a, b).Lo);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Sqr(ulong a) => Mul(a, a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mul2(ulong a) => Field32.Mul2(a);

    public static ulong Qrt(ulong a) => Gf2.ApplyLinear(QrtTable, a);
}
