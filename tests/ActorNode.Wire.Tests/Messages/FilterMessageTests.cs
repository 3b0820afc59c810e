using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using static ActorNode.Wire.Tests.Messages.MessageTestKit;

namespace ActorNode.Wire.Tests.Messages;

/// <summary>BIP37 filterload/filteradd/filterclear and BIP157 getcfilters/getcfheaders/getcfcheckpt/cfilter/
/// cfheaders/cfcheckpt. Vectors: Bitcoin Core src/test/bloom_tests.cpp, btcd wire/msgfilterload_test.go,
/// msgfilteradd_test.go, msgfilterclear_test.go, message_test.go (snapshot 2c67bc29) and bitcoinrb
/// spec/bitcoin/message/*_spec.rb (real regtest frames).</summary>
public class FilterMessageTests
{
    // ---- filterload -------------------------------------------------------------------------------------------

    [Theory]
    // Bitcoin Core bloom_tests.cpp bloom_create_insert_serialize: CBloomFilter(3, 0.01, 0, BLOOM_UPDATE_ALL).
    [InlineData("03614e9b050000000000000001", "614e9b", 0u)]
    // bloom_create_insert_serialize_with_tweak: CBloomFilter(3, 0.01, 2147483649, BLOOM_UPDATE_ALL).
    [InlineData("03ce4299050000000100008001", "ce4299", 2147483649u)]
    public void FilterLoad_CoreVectors_DecodeAndReencode(string payload, string filter, uint tweak)
    {
        var message = Decode<FilterLoadMessage>("filterload", payload);
        Assert.Equal(filter, ToHex(message.Filter.Span));
        Assert.Equal(5u, message.HashFuncs);
        Assert.Equal(tweak, message.Tweak);
        Assert.Equal(BloomUpdate.All, message.Flags);
        Assert.Equal(payload, Encode(message));
    }

    [Fact]
    public void FilterLoad_61HashFuncs_FailsTooMany()
    {
        // btcd TestFilterLoadMaxHashFuncsSize: 10-byte filter, 0x3d (61) hash functions.
        AssertDecodeFails(WireError.TooMany, "filterload", "0a" + "ffffffffffffffffffff" + "3d000000" + "00000000" + "00");
        AssertEncodeFails(WireError.TooMany,
            new FilterLoadMessage(Enumerable.Repeat((byte)0xff, 10).ToArray(), 61, 0, BloomUpdate.None));
    }

    [Fact]
    public void FilterLoad_36001ByteFilter_FailsTooMany()
    {
        // btcd TestFilterLoadMaxFilterSize: a 36,001-byte filter must not encode or decode.
        AssertDecodeFails(WireError.TooMany, "filterload", "fda18c");
        AssertEncodeFails(WireError.TooMany, new FilterLoadMessage(new byte[36_001], 10, 0, BloomUpdate.None));
        var largest = new FilterLoadMessage(new byte[36_000], 50, 0, BloomUpdate.P2PubKeyOnly);
        Assert.Equal(36_000 + 3 + 9, Encode(largest).Length / 2);
    }

    [Fact]
    public void FilterLoad_BelowBip37_FailsUnsupportedVersion()
    {
        // btcd TestFilterLoadWireErrors: "Force error due to unsupported protocol version" (BIP0037Version - 1).
        AssertDecodeFails(WireError.UnsupportedVersion, "filterload", "03614e9b050000000000000001",
            ProtocolVersion.Bip0037 - 1);
        AssertEncodeFails(WireError.UnsupportedVersion,
            new FilterLoadMessage(new byte[] { 1, 2, 3, 4 }, 10, 0, BloomUpdate.None), ProtocolVersion.Bip0037 - 1);
        Assert.Equal(5u, Decode<FilterLoadMessage>("filterload", "03614e9b050000000000000001",
            ProtocolVersion.Bip0037).HashFuncs);
    }

    [Theory]
    // btcd TestFilterLoadWireErrors short reads: filter size, filter, hash funcs, tweak, flags (Core vector bytes).
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(12)]
    public void FilterLoad_Truncated_FailsTruncated(int length)
    {
        AssertDecodeFails(WireError.Truncated, "filterload", "03614e9b050000000000000001"[..(length * 2)]);
    }

    // ---- filteradd / filterclear ------------------------------------------------------------------------------

    [Fact]
    public void FilterAdd_BtcdVector_DecodesAndReencodes()
    {
        // btcd TestFilterAddWireErrors: baseFilterAddEncoded = 04 01020304.
        var message = Decode<FilterAddMessage>("filteradd", "0401020304");
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, message.Data.ToArray());
        Assert.Equal("0401020304", Encode(message));
    }

    [Fact]
    public void FilterAdd_TestnetFrame_MatchesGolden()
    {
        // bitcoinrb filter_add_spec.rb: FilterAdd.new(<32 bytes>).to_pkt on testnet3.
        const string element = "fdacf9b3eb077412e7a968d2e4f11b9a9dee312d666187ed77ee7d26af16cb0b";
        const string frame = "0b11090766696c7465726164640000002100000072851a0a" + "20" + element;
        var message = DecodeFrameByteByByte<FilterAddMessage>(TestNet3, frame);
        Assert.Equal(element, ToHex(message.Data.Span));
        Assert.Equal(frame, EncodeFrame(TestNet3, new FilterAddMessage(Hex(element))));
    }

    [Fact]
    public void FilterAdd_521Bytes_FailsTooMany()
    {
        // btcd TestFilterAddMaxDataSize: 521 bytes must not encode or decode.
        AssertDecodeFails(WireError.TooMany, "filteradd", "fd0902");
        AssertEncodeFails(WireError.TooMany, new FilterAddMessage(Enumerable.Repeat((byte)0xff, 521).ToArray()));
        Assert.Equal(523, Encode(new FilterAddMessage(new byte[520])).Length / 2);
    }

    [Fact]
    public void FilterAdd_BelowBip37_FailsUnsupportedVersion()
    {
        // btcd TestFilterAddCrossProtocol: decoding at BIP0031Version fails.
        AssertDecodeFails(WireError.UnsupportedVersion, "filteradd", "0401020304", ProtocolVersion.Bip0031);
        AssertEncodeFails(WireError.UnsupportedVersion, new FilterAddMessage(new byte[] { 1, 2 }),
            ProtocolVersion.Bip0037 - 1);
    }

    [Fact]
    public void FilterClear_EmptyPayload_DecodesToSingleton()
    {
        // btcd msgfilterclear_test.go: msgFilterClearEncoded := []byte{}; gate BIP0037Version.
        Assert.Same(FilterClearMessage.Instance, Decode<FilterClearMessage>("filterclear", ""));
        Assert.Equal("", Encode(FilterClearMessage.Instance));
        AssertDecodeFails(WireError.UnsupportedVersion, "filterclear", "", ProtocolVersion.Bip0037 - 1);
        AssertEncodeFails(WireError.UnsupportedVersion, FilterClearMessage.Instance, ProtocolVersion.Bip0037 - 1);
        AssertDecodeFails(WireError.Oversized, "filterclear", "00");
    }

    // ---- BIP157 requests --------------------------------------------------------------------------------------

    [Fact]
    public void GetCFilters_RegtestFrame_MatchesGolden()
    {
        // bitcoinrb get_cfilters_spec.rb: filter type 0, start height 1000.
        const string payload = "00" + "e8030000" + "4b75600dbb3ce35fa383b7439be10a66a2e7023bcb6b3a45bf83e57de020a954";
        const string frame = "fabfb5da6765746366696c7465727300250000000dc31ee1" + payload;
        var message = DecodeFrameByteByByte<GetCFiltersMessage>(RegTest, frame);
        Assert.Equal(FilterType.Regular, message.FilterType);
        Assert.Equal(1000u, message.StartHeight);
        Assert.Equal(WireHash("4b75600dbb3ce35fa383b7439be10a66a2e7023bcb6b3a45bf83e57de020a954"), message.StopHash);
        Assert.Equal(payload, Encode(message));
        Assert.Equal(frame, EncodeFrame(RegTest, message));
    }

    [Fact]
    public void GetCFHeaders_RegtestFrame_MatchesGolden()
    {
        // bitcoinrb get_cfheaders_spec.rb: filter type 0, start height 1.
        const string payload = "00" + "01000000" + "eb07535100f930e08933a82705333cfbb0d4e0387b8bba78e0d4c5d1b0f3cb14";
        const string frame = "fabfb5da67657463666865616465727325000000bb8434a5" + payload;
        var message = DecodeFrame<GetCFHeadersMessage>(RegTest, frame);
        Assert.Equal(FilterType.Regular, message.FilterType);
        Assert.Equal(1u, message.StartHeight);
        Assert.Equal(WireHash("eb07535100f930e08933a82705333cfbb0d4e0387b8bba78e0d4c5d1b0f3cb14"), message.StopHash);
        Assert.Equal(frame, EncodeFrame(RegTest, message));
    }

    [Fact]
    public void GetCFCheckpt_RegtestFrame_MatchesGolden()
    {
        // bitcoinrb get_cfcheckpt_spec.rb.
        const string payload = "00" + "24b7278b7099b25da182ad89cdc6505ec1ee5a1a7124535963b86a8e37064648";
        const string frame = "fabfb5da6765746366636865636b707421000000c4a7f260" + payload;
        var message = DecodeFrame<GetCFCheckptMessage>(RegTest, frame);
        Assert.Equal(FilterType.Regular, message.FilterType);
        Assert.Equal(WireHash("24b7278b7099b25da182ad89cdc6505ec1ee5a1a7124535963b86a8e37064648"), message.StopHash);
        Assert.Equal(frame, EncodeFrame(RegTest, message));
    }

    [Fact]
    public void GetCFilters_UnknownFilterType_IsKept()
    {
        const string payload = "07" + "01000000" + "eb07535100f930e08933a82705333cfbb0d4e0387b8bba78e0d4c5d1b0f3cb14";
        var message = Decode<GetCFiltersMessage>("getcfilters", payload);
        Assert.Equal((FilterType)7, message.FilterType);
        Assert.Equal(payload, Encode(message));
        AssertDecodeFails(WireError.Truncated, "getcfilters", payload[..72]);
    }

    // ---- cfilter / cfheaders / cfcheckpt ----------------------------------------------------------------------

    [Fact]
    public void CFilter_RegtestFrame_MatchesGolden()
    {
        // bitcoinrb cfilter_spec.rb: type 0, block 037f1d..c867 (wire order), filter 011c9340.
        const string payload = "00" + "037f1dcd4c46e1305ceaef7083a56c3824db5439e5d09e349eed59500ee6c867" + "04011c9340";
        const string frame = "fabfb5da6366696c746572000000000026000000ad8e627f" + payload;
        var message = DecodeFrameByteByByte<CFilterMessage>(RegTest, frame);
        Assert.Equal(FilterType.Regular, message.FilterType);
        Assert.Equal(WireHash("037f1dcd4c46e1305ceaef7083a56c3824db5439e5d09e349eed59500ee6c867"), message.BlockHash);
        Assert.Equal("011c9340", ToHex(message.Data.Span));
        Assert.Equal(frame, EncodeFrame(RegTest, message));
    }

    [Fact]
    public void CFilter_OverMaxData_FailsTooMany()
    {
        // btcd MaxCFilterDataSize = 256 KiB; 262,145 = fe 01000400.
        AssertDecodeFails(WireError.TooMany, "cfilter", "00" + new string('0', 64) + "fe01000400");
        AssertEncodeFails(WireError.TooMany, new CFilterMessage(FilterType.Regular, Hash256.Zero, new byte[262_145]));
        Assert.Equal(262_182,
            Encode(new CFilterMessage(FilterType.Regular, Hash256.Zero, new byte[262_144])).Length / 2);
    }

    [Fact]
    public void CFHeaders_RegtestFrameWith1000Hashes_MatchesGolden()
    {
        // bitcoinrb cfheaders_spec.rb: type 0, stop hash 498fc2..3f67, 1,000 filter hashes starting 9c43b7..69a1.
        var message = DecodeFrame<CFHeadersMessage>(RegTest, CFHeadersVector.FrameHex);
        Assert.Equal(FilterType.Regular, message.FilterType);
        Assert.Equal(WireHash("498fc25f2126fb1180345d594f91d5a432d7725dbc2c0d4ee639986cf1253f67"), message.StopHash);
        Assert.Equal(1000, message.FilterHashes.Length);
        Assert.Equal(WireHash("9c43b77346d2548664cc75d714f686ae6dc1f070bc2d8954ecfa1bc28c3d69a1"), message.FilterHashes[0]);
        Assert.Equal(CFHeadersVector.FrameHex, EncodeFrame(RegTest, message));
    }

    [Fact]
    public void CFHeaders_2001Hashes_FailsTooMany()
    {
        // btcd MsgCFHeaders: count above MaxCFHeadersPerMsg (2,000) fails on decode and encode.
        AssertDecodeFails(WireError.TooMany, "cfheaders", "00" + new string('0', 128) + "fdd107");
        AssertEncodeFails(WireError.TooMany,
            new CFHeadersMessage(FilterType.Regular, Hash256.Zero, Hash256.Zero, new Hash256[2001]));
        var largest = new CFHeadersMessage(FilterType.Regular, Hash256.Zero, Hash256.Zero, new Hash256[2000]);
        Assert.Equal(1 + 32 + 32 + 3 + 2000 * 32, Encode(largest).Length / 2);
    }

    [Fact]
    public void CFHeaders_CountBeyondPayload_FailsTooMany()
    {
        AssertDecodeFails(WireError.TooMany, "cfheaders", "00" + new string('0', 128) + "02" + new string('1', 64));
    }

    [Fact]
    public void CFCheckpt_RegtestFrame_MatchesGolden()
    {
        // bitcoinrb cfcheckpt_spec.rb: type 0, stop hash 3212f2..a810, one header b8f0c5..ca8d.
        const string payload = "00" + "3212f2fefbc11b3785b6b0747a89f645946a4fd97909f12d3f6b796ee9aea810" + "01" +
                               "b8f0c5394bd31f1810b5b815943620b8a0bd4fa6717f6da8061a3fbdc51fca8d";
        const string frame = "fabfb5da6366636865636b7074000000420000009f0ac0cb" + payload;
        var message = DecodeFrameByteByByte<CFCheckptMessage>(RegTest, frame);
        Assert.Equal(FilterType.Regular, message.FilterType);
        Assert.Equal(WireHash("3212f2fefbc11b3785b6b0747a89f645946a4fd97909f12d3f6b796ee9aea810"), message.StopHash);
        var header = Assert.Single(message.FilterHeaders);
        Assert.Equal(WireHash("b8f0c5394bd31f1810b5b815943620b8a0bd4fa6717f6da8061a3fbdc51fca8d"), header);
        Assert.Equal(frame, EncodeFrame(RegTest, message));
    }

    [Fact]
    public void CFCheckpt_100001Headers_FailsTooManyOnDecode()
    {
        // btcd MsgCFCheckpt.BtcDecode: count > maxCFHeadersLen (100,000) is ErrInsaneCFHeaderCount. 100,001 = fe a1860100.
        AssertDecodeFails(WireError.TooMany, "cfcheckpt", "00" + new string('0', 64) + "fea1860100");
        // 100,000 is allowed, but not when the payload cannot hold them (btcd would allocate 3.2 MB first).
        long before = GC.GetAllocatedBytesForCurrentThread();
        AssertDecodeFails(WireError.TooMany, "cfcheckpt", "00" + new string('0', 64) + "fea0860100");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024);
    }

    [Fact]
    public void CFCheckpt_EncodeBeyond100000_FailsOnlyOnMaxPayload()
    {
        // btcd quirk, mirrored: BtcEncode has no count check; WriteMessage refuses the payload as larger than
        // maxCFCheckptPayload (1 + 32 + 5 + 100,000 × 32).
        var largest = new CFCheckptMessage(FilterType.Regular, Hash256.Zero, new Hash256[100_000]);
        byte[] payload = MessageEncoder.EncodePayloadToArray(largest, WireContext.Latest);
        Assert.Equal(3_200_038, payload.Length);
        var decoded = Assert.IsType<CFCheckptMessage>(MessageRegistry.DecodePayload("cfcheckpt", payload, WireContext.Latest));
        Assert.Equal(100_000, decoded.FilterHeaders.Length);

        AssertEncodeFails(WireError.Oversized, new CFCheckptMessage(FilterType.Regular, Hash256.Zero, new Hash256[100_001]));
    }

    // ---- limits and frames ------------------------------------------------------------------------------------

    [Theory]
    // btcd wire/msg*.go (btcd MaxPayloadLength at 70016).
    [InlineData("filterload", 36_012)]
    [InlineData("filteradd", 523)]
    [InlineData("filterclear", 0)]
    [InlineData("getcfilters", 37)]
    [InlineData("getcfheaders", 37)]
    [InlineData("getcfcheckpt", 33)]
    [InlineData("cfilter", 262_182)]
    [InlineData("cfheaders", 64_074)]
    [InlineData("cfcheckpt", 3_200_038)]
    public void MaxPayload_MatchesReference(string command, int expected)
    {
        Assert.Equal(expected, MaxPayload(command));
    }

    public static TheoryData<IWireMessage, int> BtcdFrameLengths => new()
    {
        // btcd message_test.go TestMessage: expected bytes written for each message at ProtocolVersion, MainNet.
        { new FilterAddMessage(new byte[] { 0x01 }), 26 },
        { FilterClearMessage.Instance, 24 },
        { new FilterLoadMessage(new byte[] { 0x01 }, 10, 0, BloomUpdate.None), 35 },
        { new GetCFiltersMessage(FilterType.Regular, 0, Hash256.Zero), 61 },
        { new GetCFHeadersMessage(FilterType.Regular, 0, Hash256.Zero), 61 },
        { new GetCFCheckptMessage(FilterType.Regular, Hash256.Zero), 57 },
        { new CFilterMessage(FilterType.Regular, Hash256.Zero, "payload"u8.ToArray()), 65 },
        { new CFHeadersMessage(FilterType.Regular, Hash256.Zero, Hash256.Zero, []), 90 },
        { new CFCheckptMessage(FilterType.Regular, Hash256.Zero, []), 58 },
    };

    [Theory]
    [MemberData(nameof(BtcdFrameLengths))]
    public void Frame_BtcdMessages_HaveBtcdLengthAndRoundTrip(IWireMessage message, int frameLength)
    {
        string frame = EncodeFrame(MainNet, message);
        Assert.Equal(frameLength, frame.Length / 2);
        var decoded = DecodeFrameByteByByte<IWireMessage>(MainNet, frame);
        Assert.Equal(message.GetType(), decoded.GetType());
        Assert.Equal(frame, EncodeFrame(MainNet, decoded));
    }
}
