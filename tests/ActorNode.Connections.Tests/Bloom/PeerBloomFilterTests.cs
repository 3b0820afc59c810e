using ActorNode.Connections.Bloom;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;

namespace ActorNode.Connections.Tests.Bloom;

/// <summary>The filter message rules of Bitcoin Core net_processing.cpp (FILTERLOAD, FILTERADD, FILTERCLEAR) and the
/// script reading the filter needs.</summary>
public class PeerBloomFilterTests
{
    [Fact]
    public void Load_WithinLimits_LoadsAndTurnsRelayOn()
    {
        var slot = new PeerBloomFilter();
        Assert.False(slot.IsLoaded);
        Assert.Null(slot.Load(new FilterLoadMessage(new byte[36_000], 50, 7, BloomUpdate.All)));
        Assert.True(slot.IsLoaded);
        Assert.True(slot.RelayTurnedOn);
        Assert.Equal(7u, slot.Filter!.Tweak);
    }

    [Theory]
    [InlineData(36_001, 10u)]
    [InlineData(10, 51u)]
    public void Load_OverTheLimits_IsAFault_AndLoadsNothing(int bytes, uint hashFuncs)
    {
        var slot = new PeerBloomFilter();
        Assert.Equal("too-large bloom filter", slot.Load(new FilterLoadMessage(new byte[bytes], hashFuncs, 0, BloomUpdate.None)));
        Assert.False(slot.IsLoaded);
    }

    [Fact]
    public void Add_WithoutAFilter_IsAFault()
    {
        var slot = new PeerBloomFilter();
        Assert.NotNull(slot.Add(new FilterAddMessage(new byte[20])));
    }

    [Fact]
    public void Add_OverFiveHundredTwentyBytes_IsAFault()
    {
        var slot = new PeerBloomFilter();
        slot.Load(new FilterLoadMessage(new byte[100], 5, 0, BloomUpdate.None));
        Assert.NotNull(slot.Add(new FilterAddMessage(new byte[521])));
        Assert.Null(slot.Add(new FilterAddMessage(new byte[520])));
    }

    [Fact]
    public void Add_ThenMatches_TheAddedElement()
    {
        var slot = new PeerBloomFilter();
        slot.Load(new FilterLoadMessage(new byte[100], 5, 0, BloomUpdate.None));
        var tx = Transaction.Parse(Convert.FromHexString(CoreBloomVectors.MatchTx));
        Assert.False(slot.Matches(tx));
        Assert.Null(slot.Add(new FilterAddMessage(Convert.FromHexString("04943fdd508053c75000106d3bc6e2754dbcff19"))));
        Assert.True(slot.Matches(tx));
    }

    [Fact]
    public void Clear_WithOrWithoutAFilter_IsAccepted_AndMatchesAllAfter()
    {
        var slot = new PeerBloomFilter();
        slot.Clear(); // Core accepts it (btcd would disconnect)
        slot.Load(new FilterLoadMessage(new byte[100], 5, 0, BloomUpdate.None));
        var tx = Transaction.Parse(Convert.FromHexString(CoreBloomVectors.MatchTx));
        Assert.False(slot.Matches(tx));
        slot.Clear();
        Assert.False(slot.IsLoaded);
        Assert.True(slot.Matches(tx));
    }

    [Theory]
    [InlineData("4c02abcd", new[] { "abcd" })] // OP_PUSHDATA1
    [InlineData("4d0200abcd", new[] { "abcd" })] // OP_PUSHDATA2
    [InlineData("4e02000000abcd", new[] { "abcd" })] // OP_PUSHDATA4
    [InlineData("0001ff76a9", new[] { "", "ff", "", "" })] // OP_0, a push, two opcodes
    [InlineData("02ab", new string[0])] // a push past the end stops the walk
    [InlineData("01aa4d01", new[] { "aa" })] // a truncated OP_PUSHDATA2 length stops it too
    public void ScriptPushes_ReadAsCoreGetOp(string script, string[] pushes)
    {
        var bytes = Convert.FromHexString(script);
        var read = new List<string>();
        int position = 0;
        while (ScriptPushes.TryReadOp(bytes, ref position, out _, out var data)) read.Add(Convert.ToHexStringLower(data));
        Assert.Equal(pushes, read);
    }

    [Fact]
    public void ScriptPushes_RecogniseP2PkAndMultisig()
    {
        var key33 = "21" + "02" + new string('1', 64);
        var key65 = "41" + "04" + new string('2', 128);
        Assert.True(ScriptPushes.IsPayToPubKey(Convert.FromHexString(key33 + "ac")));
        Assert.True(ScriptPushes.IsPayToPubKey(Convert.FromHexString(key65 + "ac")));
        Assert.False(ScriptPushes.IsPayToPubKey(Convert.FromHexString("21" + "05" + new string('1', 64) + "ac")));
        Assert.False(ScriptPushes.IsPayToPubKey(Convert.FromHexString("76a914" + new string('0', 40) + "88ac")));
        Assert.True(ScriptPushes.IsMultisig(Convert.FromHexString("51" + key33 + key65 + "52" + "ae"))); // 1 of 2
        Assert.False(ScriptPushes.IsMultisig(Convert.FromHexString("53" + key33 + key65 + "52" + "ae"))); // 3 of 2
        Assert.False(ScriptPushes.IsMultisig(Convert.FromHexString("51" + key33 + "52" + "ae"))); // n = 2, one key
    }
}
