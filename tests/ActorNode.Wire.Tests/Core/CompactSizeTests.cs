using System.Buffers;
using ActorNode.Wire.Encoding;

namespace ActorNode.Wire.Tests.Core;

/// <summary>CompactSize vectors from btcd wire/common_test.go (TestVarIntWire, TestVarIntNonCanonical).</summary>
public class CompactSizeTests
{
    [Theory]
    [InlineData(0UL, "00")]
    [InlineData(0xfcUL, "fc")]
    [InlineData(0xfdUL, "fdfd00")]
    [InlineData(0xffffUL, "fdffff")]
    [InlineData(0x10000UL, "fe00000100")]
    [InlineData(0xffffffffUL, "feffffffff")]
    [InlineData(0x100000000UL, "ff0000000001000000")]
    [InlineData(0xffffffffffffffffUL, "ffffffffffffffffff")]
    public void CompactSize_GoldenVector_RoundTrips(ulong value, string hex)
    {
        var bytes = Convert.FromHexString(hex);
        var reader = new WireReader(bytes);
        Assert.Equal(value, reader.ReadCompactSize());
        Assert.True(reader.IsAtEnd);

        var buffer = new ArrayBufferWriter<byte>();
        new WireWriter(buffer).WriteCompactSize(value);
        Assert.Equal(hex, Convert.ToHexStringLower(buffer.WrittenSpan));
        Assert.Equal(bytes.Length, CompactSize.SizeOf(value));
    }

    [Theory]
    [InlineData("fd0000")]            // 0 in 3 bytes
    [InlineData("fdfc00")]            // 0xfc in 3 bytes
    [InlineData("fe00000000")]        // 0 in 5 bytes
    [InlineData("feffff0000")]        // 0xffff in 5 bytes
    [InlineData("ff0000000000000000")] // 0 in 9 bytes
    [InlineData("ffffffffff00000000")] // 0xffffffff in 9 bytes
    public void CompactSize_NonCanonical_IsRejected(string hex)
    {
        var e = Assert.Throws<WireException>(() => new WireReader(Convert.FromHexString(hex)).ReadCompactSize());
        Assert.Equal(WireError.NonCanonical, e.Reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("fd00")]
    [InlineData("fe000001")]
    [InlineData("ff00000000010000")]
    public void CompactSize_Truncated_IsRejected(string hex)
    {
        var e = Assert.Throws<WireException>(() => new WireReader(Convert.FromHexString(hex)).ReadCompactSize());
        Assert.Equal(WireError.Truncated, e.Reason);
    }

    [Fact]
    public void ReadCount_AboveLimit_IsRejectedBeforeAllocation()
    {
        var e = Assert.Throws<WireException>(() =>
            new WireReader(Convert.FromHexString("fd0001")).ReadCount(255, 0, "items"));
        Assert.Equal(WireError.TooMany, e.Reason);
    }

    [Fact]
    public void ReadCount_LargerThanRemainingBytesCouldHold_IsRejected()
    {
        // 3 elements of 36 bytes claimed, 100 bytes present.
        var bytes = new byte[101];
        bytes[0] = 3;
        var e = Assert.Throws<WireException>(() => new WireReader(bytes).ReadCount(50_000, 36, "inv"));
        Assert.Equal(WireError.TooMany, e.Reason);
        bytes = new byte[109];
        bytes[0] = 3;
        Assert.Equal(3, new WireReader(bytes).ReadCount(50_000, 36, "inv"));
    }

    [Fact]
    public void ReadVarBytes_LengthBeyondPayload_IsTruncated()
    {
        var e = Assert.Throws<WireException>(() =>
            new WireReader(Convert.FromHexString("0a0102")).ReadVarBytes(100, "script"));
        Assert.Equal(WireError.Truncated, e.Reason);
    }
}
