using CsCheck;

namespace ActorNode.Minisketch.Tests;

/// <summary>The field arithmetic against a plain shift-and-add reference (BIP330's Python mul), both with the
/// PCLMULQDQ path and the portable one.</summary>
public class FieldTests
{
    /// <summary>BIP330's reference: x·y by repeated mul2, over any of the three moduli.</summary>
    private static ulong ReferenceMul(ulong x, ulong y, int bits, ulong low)
    {
        ulong top = 1UL << (bits - 1);
        ulong mask = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        ulong r = 0;
        for (int i = 0; i < bits; i++)
        {
            if (((x >> i) & 1) != 0) r ^= y;
            y = ((y & top) != 0) ? ((y << 1) & mask) ^ low : (y << 1) & mask;
        }
        return r;
    }

    [Fact]
    public void Products_match_the_reference_in_every_field()
    {
        Gen.Select(Gen.ULong, Gen.ULong).Sample((a, b) =>
        {
            Assert.Equal(ReferenceMul(a & 0xFFFF, b & 0xFFFF, 16, Moduli.Low16), Field16.Mul(a & 0xFFFF, b & 0xFFFF));
            Assert.Equal(ReferenceMul(a & 0xFFFF_FFFF, b & 0xFFFF_FFFF, 32, Moduli.Low32), Field32.Mul(a & 0xFFFF_FFFF, b & 0xFFFF_FFFF));
            Assert.Equal(ReferenceMul(a, b, 64, Moduli.Low64), Field64.Mul(a, b));
            Assert.Equal(Field32.Mul(a & 0xFFFF_FFFF, a & 0xFFFF_FFFF), Field32.Sqr(a & 0xFFFF_FFFF));
        });
    }

    [Fact]
    public void Portable_and_intrinsic_carryless_products_match_the_bitwise_one()
    {
        // Gf2.Clmul takes PCLMULQDQ where the CPU has it (Gf2.HasClmul), so both paths are checked there.
        Gen.Select(Gen.ULong, Gen.ULong).Sample((a, b) =>
        {
            ulong lo = 0, hi = 0;
            for (int i = 0; i < 64; i++)
            {
                if (((a >> i) & 1) == 0) continue;
                lo ^= b << i;
                if (i > 0) hi ^= b >> (64 - i);
            }
            Assert.Equal((lo, hi), Gf2.ClmulPortable(a, b));
            Assert.Equal((lo, hi), Gf2.Clmul(a, b));
        });
    }

    [Fact]
    public void Mul2_is_multiplication_by_x()
    {
        Gen.ULong.Sample(a =>
        {
            Assert.Equal(Field16.Mul(a & 0xFFFF, 2), Field16.Mul2(a & 0xFFFF));
            Assert.Equal(Field32.Mul(a & 0xFFFF_FFFF, 2), Field32.Mul2(a & 0xFFFF_FFFF));
            Assert.Equal(Field64.Mul(a, 2), Field64.Mul2(a));
        });
    }

    [Fact]
    public void Inverse_times_element_is_one()
    {
        Gen.ULong.Where(a => (a & 0xFFFF) != 0).Sample(a =>
        {
            Assert.Equal(1UL, Field16.Mul(a & 0xFFFF, Gf2.Inv<Field16>(a & 0xFFFF)));
            if ((a & 0xFFFF_FFFF) != 0) Assert.Equal(1UL, Field32.Mul(a & 0xFFFF_FFFF, Gf2.Inv<Field32>(a & 0xFFFF_FFFF)));
            Assert.Equal(1UL, Field64.Mul(a, Gf2.Inv<Field64>(a)));
        });
    }

    [Fact]
    public void Qrt_solves_x2_plus_x_for_every_image_value()
    {
        // Every value y² + y is solvable; Qrt must return one of its two solutions (y or y + 1).
        Gen.ULong.Sample(y =>
        {
            ulong y32 = y & 0xFFFF_FFFF, a32 = Field32.Sqr(y32) ^ y32;
            ulong r32 = Field32.Qrt(a32);
            Assert.True(r32 == y32 || r32 == (y32 ^ 1));
            ulong a64 = Field64.Sqr(y) ^ y, r64 = Field64.Qrt(a64);
            Assert.True(r64 == y || r64 == (y ^ 1));
            ulong y16 = y & 0xFFFF, a16 = Field16.Sqr(y16) ^ y16, r16 = Field16.Qrt(a16);
            Assert.True(r16 == y16 || r16 == (y16 ^ 1));
        });
    }

    [Fact]
    public void Exactly_half_of_the_16_bit_field_is_solvable()
    {
        // x ↦ x² + x is 2-to-1 onto a hyperplane: 2^15 values have solutions, and Qrt finds all of them.
        int solvable = 0;
        for (ulong a = 0; a < 1 << 16; a++)
        {
            ulong r = Field16.Qrt(a);
            if ((Field16.Sqr(r) ^ r) == a) solvable++;
        }
        Assert.Equal(1 << 15, solvable);
    }
}

/// <summary>The portable 32-bit field decodes exactly as the intrinsic one (the benchmarks' "portable" rows).</summary>
public class PortableFieldTests
{
    [Fact]
    public void Portable_field_gives_the_same_decodes_on_the_32_bit_vectors()
    {
        foreach (var row in VectorFile.All.Where(r => r.Bits == 32 && r.Capacity <= 64))
        {
            var merged = Minisketch.Deserialize(32, row.Capacity, Convert.FromHexString(row.MergedHex));
            var portable = PinSketch<Field32Portable>.Decode(merged.Syndromes, row.Capacity, merged.Basis);
            Assert.True((portable is null) == (row.Decoded is null), $"line {row.Line}");
            if (portable is not null) Assert.Equal(row.Decoded!, portable.Order().ToArray());
        }
    }
}
