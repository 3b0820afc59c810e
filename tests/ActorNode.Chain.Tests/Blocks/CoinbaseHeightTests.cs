using ActorNode.Chain.Blocks;
using static ActorNode.Chain.Tests.Blocks.RealBlocks;

namespace ActorNode.Chain.Tests.Blocks;

/// <summary>BIP34 height encoding: Core's <c>CScript() &lt;&lt; nHeight</c>, checked against the coinbases of real
/// blocks and against CScriptNum's definition (script/script.h: little-endian, sign bit in the top byte).</summary>
public class CoinbaseHeightTests
{
    [Theory]
    [InlineData(0, "00")]     // OP_0
    [InlineData(1, "51")]     // OP_1
    [InlineData(16, "60")]    // OP_16
    [InlineData(17, "0111")]
    [InlineData(127, "017f")]
    [InlineData(128, "028000")] // top bit set: a 0x00 keeps it positive
    [InlineData(255, "02ff00")]
    [InlineData(256, "020001")]
    [InlineData(32767, "02ff7f")]
    [InlineData(32768, "03008000")]
    [InlineData(8388608, "0400008000")]
    [InlineData(int.MaxValue, "04ffffff7f")]
    public void Encode_MatchesCScriptPushOfTheHeight(int height, string hex)
    {
        Assert.Equal(hex, Convert.ToHexString(CoinbaseHeight.Encode(height)).ToLowerInvariant());
    }

    [Fact]
    public void RealCoinbases_StartWithTheirHeight()
    {
        Assert.StartsWith("038f3c04", Hex(Block277647())); // 277647 = 0x043c8f
        Assert.True(CoinbaseHeight.Matches(Block277647().Transactions[0].Inputs[0].ScriptSig.Span, Height277647));
        Assert.True(CoinbaseHeight.Matches(Block540107().Transactions[0].Inputs[0].ScriptSig.Span, Height540107));
        Assert.True(CoinbaseHeight.Matches(Block574200().Transactions[0].Inputs[0].ScriptSig.Span, Height574200));
        Assert.False(CoinbaseHeight.Matches(Block574200().Transactions[0].Inputs[0].ScriptSig.Span, Height540107));
    }

    [Fact]
    public void NonMinimalPush_DoesNotMatch()
    {
        // 17 pushed with OP_PUSHDATA1 is the same number, but not Core's encoding.
        Assert.False(CoinbaseHeight.Matches([0x4c, 0x01, 0x11, 0x00], 17));
        // 16 as a one-byte push instead of OP_16.
        Assert.False(CoinbaseHeight.Matches([0x01, 0x10, 0x00], 16));
        Assert.True(CoinbaseHeight.Matches([0x60, 0x00], 16));
    }

    private static string Hex(Wire.Primitives.Block block) =>
        Convert.ToHexString(block.Transactions[0].Inputs[0].ScriptSig.Span).ToLowerInvariant();
}
