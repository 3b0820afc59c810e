using ActorNode.Chain.Blocks;

namespace ActorNode.Chain.Tests.Blocks;

/// <summary>Core <c>CScript::GetSigOpCount(false)</c> on hand-made scripts.</summary>
public class LegacySigOpsTests
{
    [Theory]
    [InlineData("76a914000000000000000000000000000000000000000088ac", 1)] // P2PKH
    [InlineData("ac", 1)]
    [InlineData("ad", 1)]
    [InlineData("ae", 20)]
    [InlineData("af", 20)]
    [InlineData("5121" + "000000000000000000000000000000000000000000000000000000000000000000" + "51ae", 20)] // 1-of-1
    [InlineData("a914000000000000000000000000000000000000000087", 0)] // P2SH: inner sigops not counted
    [InlineData("02acac", 0)]          // pushed bytes are data
    [InlineData("4c02acacac", 1)]      // OP_PUSHDATA1 2, then one OP_CHECKSIG
    [InlineData("4d0200acacac", 1)]    // OP_PUSHDATA2
    [InlineData("4e02000000acacac", 1)] // OP_PUSHDATA4
    [InlineData("ac4dff", 1)]          // a truncated push ends the count
    [InlineData("ac05acac", 1)]        // a push past the end ends the count
    [InlineData("", 0)]
    public void Count_MatchesCoreLegacyCount(string hex, int expected)
    {
        Assert.Equal(expected, LegacySigOps.Count(Convert.FromHexString(hex)));
    }
}
