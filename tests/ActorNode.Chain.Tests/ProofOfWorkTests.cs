using System.Globalization;
using System.Numerics;
using ActorNode.Wire.Primitives;

namespace ActorNode.Chain.Tests;

public class ProofOfWorkTests
{
    private static BigInteger Hex(string hex) => BigInteger.Parse("0" + hex, NumberStyles.HexNumber);

    private static Hash256 HashOf(BigInteger value)
    {
        var bytes = new byte[Hash256.Size];
        Assert.True(value.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false));
        return new Hash256(bytes);
    }

    // Bitcoin Core src/test/arith_uint256_tests.cpp, bignum_SetCompact: compact in, GetHex() of the number,
    // GetCompact(fNegative) of it, fNegative, fOverflow.
    [Theory]
    [InlineData(0x00000000u, "0000000000000000000000000000000000000000000000000000000000000000", 0x00000000u, false, false)]
    [InlineData(0x00123456u, "0000000000000000000000000000000000000000000000000000000000000000", 0x00000000u, false, false)]
    [InlineData(0x01003456u, "0000000000000000000000000000000000000000000000000000000000000000", 0x00000000u, false, false)]
    [InlineData(0x02000056u, "0000000000000000000000000000000000000000000000000000000000000000", 0x00000000u, false, false)]
    [InlineData(0x03000000u, "0000000000000000000000000000000000000000000000000000000000000000", 0x00000000u, false, false)]
    [InlineData(0x04000000u, "0000000000000000000000000000000000000000000000000000000000000000", 0x00000000u, false, false)]
    [InlineData(0x00923456u, "0000000000000000000000000000000000000000000000000000000000000000", 0x00000000u, false, false)]
    [InlineData(0x01803456u, "0000000000000000000000000000000000000000000000000000000000000000", 0x00000000u, false, false)]
    [InlineData(0x02800056u, "0000000000000000000000000000000000000000000000000000000000000000", 0x00000000u, false, false)]
    [InlineData(0x03800000u, "0000000000000000000000000000000000000000000000000000000000000000", 0x00000000u, false, false)]
    [InlineData(0x04800000u, "0000000000000000000000000000000000000000000000000000000000000000", 0x00000000u, false, false)]
    [InlineData(0x01123456u, "0000000000000000000000000000000000000000000000000000000000000012", 0x01120000u, false, false)]
    [InlineData(0x01fedcbau, "000000000000000000000000000000000000000000000000000000000000007e", 0x01fe0000u, true, false)]
    [InlineData(0x02123456u, "0000000000000000000000000000000000000000000000000000000000001234", 0x02123400u, false, false)]
    [InlineData(0x03123456u, "0000000000000000000000000000000000000000000000000000000000123456", 0x03123456u, false, false)]
    [InlineData(0x04123456u, "0000000000000000000000000000000000000000000000000000000012345600", 0x04123456u, false, false)]
    [InlineData(0x04923456u, "0000000000000000000000000000000000000000000000000000000012345600", 0x04923456u, true, false)]
    [InlineData(0x05009234u, "0000000000000000000000000000000000000000000000000000000092340000", 0x05009234u, false, false)]
    [InlineData(0x20123456u, "1234560000000000000000000000000000000000000000000000000000000000", 0x20123456u, false, false)]
    public void CompactToBig_CoreSetCompactVectors_MatchValueFlagsAndReencoding(
        uint compact, string magnitudeHex, uint reencoded, bool negative, bool overflow)
    {
        var value = ProofOfWork.CompactToBig(compact, out bool isNegative, out bool isOverflow);

        Assert.Equal(Hex(magnitudeHex), BigInteger.Abs(value));
        Assert.Equal(negative, isNegative);
        Assert.Equal(overflow, isOverflow);
        Assert.Equal(negative, value.Sign < 0);
        Assert.Equal(reencoded, ProofOfWork.BigToCompact(value));
        Assert.Equal(value, ProofOfWork.CompactToBig(compact));
    }

    [Fact]
    public void CompactToBig_ExponentBeyond256Bits_ReportsOverflow()
    {
        // Core bignum_SetCompact: SetCompact(0xff123456) -> fNegative false, fOverflow true.
        var value = ProofOfWork.CompactToBig(0xff123456, out bool negative, out bool overflow);

        Assert.False(negative);
        Assert.True(overflow);
        Assert.True(value >= BigInteger.One << 256); // btcd's big.Int keeps the whole number
    }

    [Theory]
    // Each pair sits on the edge of Core's overflow rule: the first fits in 256 bits, the second does not.
    [InlineData(0x220000ffu, false)]
    [InlineData(0x230000ffu, true)]
    [InlineData(0x2100ffffu, false)]
    [InlineData(0x2200ffffu, true)]
    [InlineData(0x207fffffu, false)]
    [InlineData(0x21010000u, true)]
    public void CompactToBig_OverflowFlag_MeansAtLeast2To256(uint compact, bool overflow)
    {
        var value = ProofOfWork.CompactToBig(compact, out _, out bool isOverflow);

        Assert.Equal(overflow, isOverflow);
        Assert.Equal(overflow, value >= BigInteger.One << 256);
    }

    [Fact]
    public void BigToCompact_0x80_DoesNotSetTheSignBit()
    {
        // Core bignum_SetCompact: num = 0x80; GetCompact() == 0x02008000.
        Assert.Equal(0x02008000u, ProofOfWork.BigToCompact(0x80));
    }

    // btcd blockchain/internal/workmath/difficulty_test.go TestBigToCompact.
    [Theory]
    [InlineData(0L, 0u)]
    [InlineData(-1L, 25231360u)]
    public void BigToCompact_BtcdVectors(long value, uint expected)
    {
        Assert.Equal(expected, ProofOfWork.BigToCompact(value));
    }

    // btcd difficulty_test.go TestCompactToBig and TestCalcWork.
    [Fact]
    public void CompactToBig_BtcdVector_IsZero()
    {
        Assert.Equal(BigInteger.Zero, ProofOfWork.CompactToBig(10000000));
        Assert.Equal(BigInteger.Zero, ProofOfWork.CalcWork(10000000));
    }

    [Fact]
    public void CompactRoundTrip_NormalisedCompacts_AreStable()
    {
        var random = new Random(1234);
        for (int i = 0; i < 2000; i++)
        {
            uint exponent = (uint)random.Next(4, 33);
            uint mantissa = (uint)random.Next(0x10000, 0x800000); // top mantissa byte non-zero, bit 23 clear
            uint compact = (exponent << 24) | mantissa;

            Assert.Equal(compact, ProofOfWork.BigToCompact(ProofOfWork.CompactToBig(compact)));
            Assert.Equal(compact | 0x00800000, ProofOfWork.BigToCompact(-ProofOfWork.CompactToBig(compact)));
        }
    }

    [Fact]
    public void BigToCompact_Truncates_To23BitsOfPrecision()
    {
        var value = Hex("123456789abcdef0");
        uint compact = ProofOfWork.BigToCompact(value);

        Assert.Equal(0x08123456u, compact);
        Assert.Equal(Hex("1234560000000000"), ProofOfWork.CompactToBig(compact));
    }

    // Bitcoin Core src/test/pow_tests.cpp CheckProofOfWork_test_*: each against mainnet's powLimit.
    [Fact]
    public void CheckProofOfWork_NegativeTarget_Fails()
    {
        uint bits = ProofOfWork.BigToCompact(-ChainParams.Mainnet.PowLimit); // GetCompact(true)
        Assert.False(ProofOfWork.CheckProofOfWork(HashOf(1), bits, ChainParams.Mainnet.PowLimit));
    }

    [Fact]
    public void CheckProofOfWork_OverflowTarget_Fails()
    {
        Assert.False(ProofOfWork.CheckProofOfWork(HashOf(1), ~0x00800000u, ChainParams.Mainnet.PowLimit));
    }

    [Fact]
    public void CheckProofOfWork_TooEasyTarget_Fails()
    {
        uint bits = ProofOfWork.BigToCompact(ChainParams.Mainnet.PowLimit * 2);
        Assert.False(ProofOfWork.CheckProofOfWork(HashOf(1), bits, ChainParams.Mainnet.PowLimit));
    }

    [Fact]
    public void CheckProofOfWork_HashAboveTarget_Fails()
    {
        var limit = ChainParams.Mainnet.PowLimit;
        Assert.False(ProofOfWork.CheckProofOfWork(HashOf(limit * 2), ProofOfWork.BigToCompact(limit), limit));
    }

    [Fact]
    public void CheckProofOfWork_ZeroTarget_Fails()
    {
        Assert.False(ProofOfWork.CheckProofOfWork(HashOf(0), ProofOfWork.BigToCompact(0), ChainParams.Mainnet.PowLimit));
    }

    [Fact]
    public void CheckProofOfWork_HashEqualToTarget_PassesAndOneMoreFails()
    {
        const uint bits = 0x1c05a3f4; // a real mainnet target (Core pow_tests get_next_work_lower_limit_actual)
        var target = ProofOfWork.CompactToBig(bits);
        var limit = ChainParams.Mainnet.PowLimit;

        Assert.True(ProofOfWork.CheckProofOfWork(HashOf(target), bits, limit));
        Assert.False(ProofOfWork.CheckProofOfWork(HashOf(target + 1), bits, limit));
    }

    [Fact]
    public void CheckProofOfWork_TargetAboveAStricterLimit_Fails()
    {
        // Regtest bits are fine under regtest's limit but far too easy for mainnet's.
        var hash = ChainParams.Regtest.GenesisHash;
        Assert.True(ProofOfWork.CheckProofOfWork(hash, 0x207fffff, ChainParams.Regtest.PowLimit));
        Assert.False(ProofOfWork.CheckProofOfWork(hash, 0x207fffff, ChainParams.Mainnet.PowLimit));
    }

    // Work per block: Core's chainwork of the genesis block is 0x100010001 on mainnet (bits 0x1d00ffff) and 2 on
    // regtest (bits 0x207fffff), as getblockheader reports.
    [Theory]
    [InlineData(0x1d00ffffu, "100010001")]
    [InlineData(0x207fffffu, "2")]
    [InlineData(0x00000000u, "0")]
    [InlineData(0x04923456u, "0")] // negative target
    public void CalcWork_Bits_Is2To256OverTargetPlusOne(uint bits, string expectedHex)
    {
        Assert.Equal(Hex(expectedHex), ProofOfWork.CalcWork(bits));
    }

    [Fact]
    public void CalcWork_HarderTarget_IsMoreWork()
    {
        Assert.True(ProofOfWork.CalcWork(0x1903a30c) > ProofOfWork.CalcWork(0x1d00ffff));
        var target = ProofOfWork.CompactToBig(0x1903a30c);
        Assert.Equal((BigInteger.One << 256) / (target + 1), ProofOfWork.CalcWork(0x1903a30c));
    }
}
