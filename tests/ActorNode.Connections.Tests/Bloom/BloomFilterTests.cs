using ActorNode.Connections.Bloom;
using ActorNode.Wire;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;

namespace ActorNode.Connections.Tests.Bloom;

/// <summary>MurmurHash3 and CBloomFilter against Bitcoin Core's vectors (src/test/hash_tests.cpp murmurhash3,
/// src/test/bloom_tests.cpp bloom_create_insert_serialize[_with_tweak] and bloom_match).</summary>
public class BloomFilterTests
{
    [Theory]
    [InlineData(0x00000000u, 0x00000000u, "")]
    [InlineData(0x6a396f08u, 0xFBA4C795u, "")]
    [InlineData(0x81f16f39u, 0xffffffffu, "")]
    [InlineData(0x514e28b7u, 0x00000000u, "00")]
    [InlineData(0xea3f0b17u, 0xFBA4C795u, "00")]
    [InlineData(0xfd6cf10du, 0x00000000u, "ff")]
    [InlineData(0x16c6b7abu, 0x00000000u, "0011")]
    [InlineData(0x8eb51c3du, 0x00000000u, "001122")]
    [InlineData(0xb4471bf8u, 0x00000000u, "00112233")]
    [InlineData(0xe2301fa8u, 0x00000000u, "0011223344")]
    [InlineData(0xfc2e4a15u, 0x00000000u, "001122334455")]
    [InlineData(0xb074502cu, 0x00000000u, "00112233445566")]
    [InlineData(0x8034d2a0u, 0x00000000u, "0011223344556677")]
    [InlineData(0xb4698defu, 0x00000000u, "001122334455667788")]
    public void Murmur3_CoreVectors_Match(uint expected, uint seed, string data) =>
        Assert.Equal(expected, Murmur3.Hash(seed, Convert.FromHexString(data)));

    [Theory]
    [InlineData(0u, "03614e9b050000000000000001")]
    [InlineData(2147483649u, "03ce4299050000000100008001")]
    public void CreateInsertSerialize_CoreVector_SerialisesAsCore(uint tweak, string expected)
    {
        var filter = new BloomFilter(3, 0.01, tweak, BloomUpdate.All);
        filter.Insert(Hex("99108ad8ed9bb6274d3980bab5a85c048f0950c8"));
        Assert.True(filter.Contains(Hex("99108ad8ed9bb6274d3980bab5a85c048f0950c8")));
        Assert.False(filter.Contains(Hex("19108ad8ed9bb6274d3980bab5a85c048f0950c8"))); // one bit different
        filter.Insert(Hex("b5a2c786d9ef4658287ced5914b37a1b4aa32eee"));
        Assert.True(filter.Contains(Hex("b5a2c786d9ef4658287ced5914b37a1b4aa32eee")));
        filter.Insert(Hex("b9300670b4c5366e95b2699e8b18bc75e5f729c5"));
        Assert.True(filter.Contains(Hex("b9300670b4c5366e95b2699e8b18bc75e5f729c5")));

        Assert.Equal(expected, Convert.ToHexStringLower(MessageEncoder.EncodePayloadToArray(filter.ToMessage(),
            new WireContext(ProtocolVersion.Current))));

        filter.Clear();
        Assert.False(filter.Contains(Hex("99108ad8ed9bb6274d3980bab5a85c048f0950c8")));
    }

    [Fact]
    public void LoadedFromTheWire_ContainsWhatCoreInserted()
    {
        var message = new FilterLoadMessage(Hex("614e9b"), 5, 0, BloomUpdate.All);
        var filter = BloomFilter.FromMessage(message);
        Assert.True(filter.Contains(Hex("99108ad8ed9bb6274d3980bab5a85c048f0950c8")));
        Assert.True(filter.Contains(Hex("b9300670b4c5366e95b2699e8b18bc75e5f729c5")));
        Assert.True(filter.IsWithinSizeConstraints);
    }

    [Fact]
    public void EmptyFilter_MatchesEverything_AndIgnoresInserts()
    {
        // Core: a zero-size filter is match-all; insert must not divide by zero (CVE-2013-5700).
        var filter = new BloomFilter([], 10, 0, BloomUpdate.All);
        filter.Insert(Hex("00"));
        Assert.True(filter.Contains(Hex("01")));
        Assert.True(filter.IsRelevantAndUpdate(MatchTx));
    }

    [Theory]
    [InlineData(36_000, 50u, true)]
    [InlineData(36_001, 50u, false)]
    [InlineData(1, 51u, false)]
    public void SizeConstraints_AreCores(int bytes, uint hashFuncs, bool within) =>
        Assert.Equal(within, new BloomFilter(new byte[bytes], hashFuncs, 0, BloomUpdate.None).IsWithinSizeConstraints);

    private static readonly Transaction MatchTx = Transaction.Parse(Hex(CoreBloomVectors.MatchTx));
    private static readonly Transaction SpendingTx = Transaction.Parse(Hex(CoreBloomVectors.SpendingTx.Replace(" ", "")));

    [Fact]
    public void BloomMatch_Transactions_AreCores()
    {
        Assert.Equal(Hash256.Parse("b4749f017444b051c44dfd2720e88f314ff94f3dd6d56d40ef65854fcd7fff6b"), MatchTx.Txid);
        Assert.Equal(Hash256.Parse("e2769b09e784f32f62ef849763d4f45b98e07ba658647343b915ff832b110436"), SpendingTx.Txid);
    }

    public static TheoryData<string, string> Matching => new()
    {
        { "tx hash", "hash:b4749f017444b051c44dfd2720e88f314ff94f3dd6d56d40ef65854fcd7fff6b" },
        { "byte-reversed tx hash", "6bff7fcd4f8565ef406dd5d63d4ff94f318fe82027fd4dc451b04474019f74b4" },
        { "input signature", "30450220070aca44506c5cef3a16ed519d7c3c39f8aab192c4e1c90d065f37b8a4af6141022100a8e160b856c2d43d27d8fba71e5aef6405b8643ac4cb7cb3c462aced7f14711a01" },
        { "input pub key", "046d11fee51b0e60666d5049a9101a72741df480b96ee26488a4d3466b95c9a40ac5eeef87e10a5cd336c19a84565f80fa6c547957b7700ff4dfbdefe76036c339" },
        { "output address", "04943fdd508053c75000106d3bc6e2754dbcff19" },
        { "second output address", "a266436d2965547608b9e15d9032a7b9d64fa431" },
        { "outpoint", "outpoint:90c122d70786e899529d71dbeba91ba216982fb6ba58f3bdaab65e73b7e9260b:0" },
        { "manually serialised outpoint", "0b26e9b7735eb6aabdf358bab62f9816a21ba9ebdb719d5299e88607d722c19000000000" },
    };

    [Theory]
    [MemberData(nameof(Matching))]
    public void BloomMatch_CoreMatches_Match(string what, string element)
    {
        var filter = new BloomFilter(10, 0.000001, 0, BloomUpdate.All);
        Insert(filter, element);
        Assert.True(filter.IsRelevantAndUpdate(MatchTx), what);
    }

    [Theory]
    [InlineData("random tx hash", "hash:00000009e784f32f62ef849763d4f45b98e07ba658647343b915ff832b110436")]
    [InlineData("random address", "0000006d2965547608b9e15d9032a7b9d64fa431")]
    [InlineData("outpoint of an output we did not care about", "outpoint:90c122d70786e899529d71dbeba91ba216982fb6ba58f3bdaab65e73b7e9260b:1")]
    [InlineData("another outpoint", "outpoint:000000d70786e899529d71dbeba91ba216982fb6ba58f3bdaab65e73b7e9260b:0")]
    public void BloomMatch_CoreNonMatches_DoNotMatch(string what, string element)
    {
        var filter = new BloomFilter(10, 0.000001, 0, BloomUpdate.All);
        Insert(filter, element);
        Assert.False(filter.IsRelevantAndUpdate(MatchTx), what);
    }

    [Fact]
    public void BloomMatch_OutputAddress_AddsTheOutpoint_SoTheSpendMatches()
    {
        var filter = new BloomFilter(10, 0.000001, 0, BloomUpdate.All);
        filter.Insert(Hex("04943fdd508053c75000106d3bc6e2754dbcff19"));
        Assert.False(filter.Contains(new OutPoint(MatchTx.Txid, 0)));
        Assert.True(filter.IsRelevantAndUpdate(MatchTx));
        Assert.True(filter.Contains(new OutPoint(MatchTx.Txid, 0)));
        Assert.True(filter.IsRelevantAndUpdate(SpendingTx));
    }

    [Fact]
    public void UpdateNone_OutputAddress_DoesNotAddTheOutpoint()
    {
        var filter = new BloomFilter(10, 0.000001, 0, BloomUpdate.None);
        filter.Insert(Hex("04943fdd508053c75000106d3bc6e2754dbcff19"));
        Assert.True(filter.IsRelevantAndUpdate(MatchTx));
        Assert.False(filter.IsRelevantAndUpdate(SpendingTx));
    }

    private static void Insert(BloomFilter filter, string element)
    {
        if (element.StartsWith("hash:", StringComparison.Ordinal)) filter.Insert(Hash256.Parse(element[5..]));
        else if (element.StartsWith("outpoint:", StringComparison.Ordinal))
        {
            var parts = element.Split(':');
            filter.Insert(new OutPoint(Hash256.Parse(parts[1]), uint.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture)));
        }
        else filter.Insert(Hex(element));
    }

    internal static byte[] Hex(string hex) => Convert.FromHexString(hex);
}
