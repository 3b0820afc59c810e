using ActorNode.Wire.Primitives;

namespace ActorNode.Wire.Tests.Core;

public class Hash256Tests
{
    private const string GenesisHex = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";

    [Fact]
    public void Parse_ReversedHex_StoresInternalByteOrder()
    {
        var hash = Hash256.Parse(GenesisHex);
        var bytes = hash.ToArray();
        Assert.Equal(0x6f, bytes[0]); // the displayed form is reversed
        Assert.Equal(0x00, bytes[31]);
        Assert.Equal(GenesisHex, hash.ToString());
    }

    [Fact]
    public void DoubleSha256_OfEmptyInput_IsTheKnownValue()
    {
        // Bitcoin's empty-payload checksum 5df6e0e2 is the first four bytes of dsha("").
        var bytes = Hash256.DoubleSha256([]).ToArray();
        Assert.Equal("5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456", Convert.ToHexStringLower(bytes));
    }

    [Fact]
    public void CompareTo_OrdersAsLittleEndianNumbers()
    {
        var small = Hash256.Parse("00000000000000000000000000000000000000000000000000000000000000ff");
        var large = Hash256.Parse("0100000000000000000000000000000000000000000000000000000000000000");
        Assert.True(small.CompareTo(large) < 0);
        Assert.True(small.ToBigInteger() < large.ToBigInteger());
    }

    [Theory]
    [InlineData("")]
    [InlineData("zz0000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f")]
    [InlineData("00")]
    public void TryParse_BadText_ReturnsFalse(string text) => Assert.False(Hash256.TryParse(text, out _));
}
