using System.Numerics;
using ActorNode.Wire.Primitives;

namespace ActorNode.Chain;

/// <summary>Difficulty targets in their compact ("bits") form, the proof-of-work check and chain work.
/// <para>Mirrors btcd blockchain/internal/workmath (CompactToBig, BigToCompact, CalcWork) and the context-free
/// proof-of-work rule of btcd's checkProofOfWork / Bitcoin Core's CheckProofOfWork (btcd blockchain/validate.go, btcd blockchain/difficulty.go).</para>
/// <para>Compact form: the top byte is a base-256 exponent, bit 23 is a sign bit, the low 23 bits are the mantissa;
/// N = (−1)^sign · mantissa · 256^(exponent − 3).</para></summary>
public static class ProofOfWork
{
    private const uint MantissaMask = 0x007f_ffff;
    private const uint SignBit = 0x0080_0000;

    /// <summary>2^256: the numerator of <see cref="CalcWork"/>.</summary>
    private static readonly BigInteger TwoTo256 = BigInteger.One << 256;

    /// <summary>Decodes compact bits to the (signed) number they stand for, as btcd CompactToBig does: the sign bit
    /// makes the result negative, and an exponent too large for 256 bits gives a number of 2^256 or more (never
    /// truncated). Both are invalid as targets, which <see cref="CheckProofOfWork(Hash256, uint, BigInteger)"/> rejects.</summary>
    public static BigInteger CompactToBig(uint compact)
    {
        uint mantissa = compact & MantissaMask;
        int exponent = (int)(compact >> 24);
        BigInteger n = exponent <= 3
            ? new BigInteger(mantissa >> (8 * (3 - exponent)))
            : new BigInteger(mantissa) << (8 * (exponent - 3));
        return (compact & SignBit) != 0 ? -n : n;
    }

    /// <summary>Decodes compact bits and also reports Bitcoin Core's flags (arith_uint256::SetCompact):
    /// <paramref name="isNegative"/> when the sign bit is set and the mantissa left after shifting is non-zero;
    /// <paramref name="isOverflow"/> when the value would not fit in 256 bits. The returned number is the same as
    /// <see cref="CompactToBig(uint)"/>'s.</summary>
    public static BigInteger CompactToBig(uint compact, out bool isNegative, out bool isOverflow)
    {
        uint exponent = compact >> 24;
        uint word = compact & MantissaMask;
        word = exponent <= 3 ? word >> (int)(8 * (3 - exponent)) : word;
        isNegative = word != 0 && (compact & SignBit) != 0;
        isOverflow = word != 0 && (exponent > 34 || (word > 0xff && exponent > 33) || (word > 0xffff && exponent > 32));
        return CompactToBig(compact);
    }

    /// <summary>Encodes a number in compact form with 23 bits of precision (btcd BigToCompact, Core GetCompact):
    /// when the mantissa would have bit 23 set it is shifted right a byte and the exponent raised, so the sign bit
    /// is set only for negative numbers.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The number needs more than 255 bytes (never the case for a
    /// 256-bit target).</exception>
    public static uint BigToCompact(BigInteger n)
    {
        if (n.IsZero) return 0;
        var magnitude = BigInteger.Abs(n);
        int exponent = magnitude.GetByteCount(isUnsigned: true);
        uint mantissa = exponent <= 3
            ? (uint)magnitude << (8 * (3 - exponent))
            : (uint)(magnitude >> (8 * (exponent - 3)));
        if ((mantissa & SignBit) != 0)
        {
            mantissa >>= 8;
            exponent++;
        }
        if (exponent > byte.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(n), "the number is too large for the compact form");
        uint compact = ((uint)exponent << 24) | mantissa;
        return n.Sign < 0 ? compact | SignBit : compact;
    }

    /// <summary>The proof-of-work rule: the target that <paramref name="bits"/> encode must be above zero and at
    /// most <paramref name="powLimit"/>, and the hash, read as a 256-bit little-endian number, must not exceed it
    /// (btcd checkProofOfWork without BFNoPoWCheck; Core CheckProofOfWork). A negative or overflowing target fails.
    /// </summary>
    public static bool CheckProofOfWork(Hash256 hash, uint bits, BigInteger powLimit)
    {
        var target = CompactToBig(bits);
        if (target.Sign <= 0 || target > powLimit) return false;
        return hash.ToBigInteger() <= target;
    }

    /// <summary>The proof-of-work rule for a header under a network's limit.</summary>
    public static bool CheckProofOfWork(in BlockHeader header, ChainParams chain) =>
        CheckProofOfWork(header.GetHash(), header.Bits, chain.PowLimit);

    /// <summary>The expected number of hashes a block with these bits took: 2^256 / (target + 1), or zero when the
    /// target is not positive (btcd CalcWork, Core GetBlockProof). Chains are compared by the sum of this.</summary>
    public static BigInteger CalcWork(uint bits)
    {
        var target = CompactToBig(bits);
        return target.Sign <= 0 ? BigInteger.Zero : TwoTo256 / (target + 1);
    }
}
