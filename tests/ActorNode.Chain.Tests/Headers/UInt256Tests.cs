using System.Numerics;
using ActorNode.Chain.Headers;
using ActorNode.Wire.Primitives;

namespace ActorNode.Chain.Tests.Headers;

public class UInt256Tests
{
    /// <summary>Bitcoin Core src/test/arith_uint256_tests.cpp (bignum_SetCompact): compact → (value, negative,
    /// overflow).</summary>
    [Theory]
    [InlineData(0x00000000u, "0", false, false)]
    [InlineData(0x00123456u, "0", false, false)]
    [InlineData(0x01003456u, "0", false, false)]
    [InlineData(0x02000056u, "0", false, false)]
    [InlineData(0x03000000u, "0", false, false)]
    [InlineData(0x04000000u, "0", false, false)]
    [InlineData(0x00923456u, "0", false, false)]
    [InlineData(0x01803456u, "0", false, false)]
    [InlineData(0x02800056u, "0", false, false)]
    [InlineData(0x03800000u, "0", false, false)]
    [InlineData(0x04800000u, "0", false, false)]
    [InlineData(0x01123456u, "12", false, false)]
    [InlineData(0x01fedcbau, "7e", true, false)]
    [InlineData(0x02123456u, "1234", false, false)]
    [InlineData(0x03123456u, "123456", false, false)]
    [InlineData(0x04123456u, "12345600", false, false)]
    [InlineData(0x04923456u, "12345600", true, false)]
    [InlineData(0x05009234u, "92340000", false, false)]
    [InlineData(0x20123456u, "1234560000000000000000000000000000000000000000000000000000000000", false, false)]
    [InlineData(0xff123456u, null, false, true)]
    public void FromCompact_CoreVectors(uint compact, string? hex, bool negative, bool overflow)
    {
        var value = UInt256.FromCompact(compact, out bool isNegative, out bool isOverflow);

        Assert.Equal(negative, isNegative);
        Assert.Equal(overflow, isOverflow);
        if (hex is not null) Assert.Equal(BigInteger.Parse("0" + hex, System.Globalization.NumberStyles.HexNumber), value.ToBigInteger());
    }

    [Theory]
    [InlineData(0x1d00ffffu)]
    [InlineData(0x207fffffu)]
    [InlineData(0x1c05a3f4u)]
    [InlineData(0x17034219u)]
    [InlineData(0x1e0377aeu)]
    public void FromCompact_AgreesWithProofOfWorkCompactToBig(uint bits)
    {
        Assert.Equal(ProofOfWork.CompactToBig(bits), UInt256.FromCompact(bits, out _, out _).ToBigInteger());
    }

    [Fact]
    public void FromHash_SameNumberAsHash256ToBigInteger()
    {
        var hash = Hash256.Parse("00000000d0a75c861fabf9ff7b92022f60e4afeed9331fe5aa073d8e4706fe3c");

        Assert.Equal(hash.ToBigInteger(), UInt256.FromHash(hash).ToBigInteger());
    }

    [Fact]
    public void Add_CarriesAcrossLimbs_AndSaturates()
    {
        var a = new UInt256(0, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue);
        var one = new UInt256(0, 0, 0, 1);

        Assert.Equal(new UInt256(1, 0, 0, 0), a + one);
        Assert.Equal(UInt256.MaxValue, UInt256.MaxValue + one);
        Assert.Equal((BigInteger.One << 255) + (BigInteger.One << 255) - 1,
            (UInt256.FromBigInteger((BigInteger.One << 255) - 1) + UInt256.FromBigInteger(BigInteger.One << 255)).ToBigInteger());
    }

    [Fact]
    public void Compare_MostSignificantLimbFirst()
    {
        var small = new UInt256(0, ulong.MaxValue, 0, 0);
        var big = new UInt256(1, 0, 0, 0);

        Assert.True(small < big);
        Assert.True(big >= small);
        Assert.Equal(0, big.CompareTo(new UInt256(1, 0, 0, 0)));
    }

    [Fact]
    public void Shifts_MatchBigInteger()
    {
        var v = UInt256.FromBigInteger(BigInteger.Parse("0123456789abcdef0123456789abcdef", System.Globalization.NumberStyles.HexNumber));
        foreach (int s in new[] { 0, 1, 63, 64, 65, 100, 128, 130 })
        {
            var mask = (BigInteger.One << 256) - 1;
            Assert.Equal((v.ToBigInteger() << s) & mask, (v << s).ToBigInteger());
            Assert.Equal(v.ToBigInteger() >> s, (v >> s).ToBigInteger());
        }
    }
}
