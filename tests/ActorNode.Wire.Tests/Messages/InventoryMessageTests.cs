using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using static ActorNode.Wire.Tests.Messages.MessageTestKit;

namespace ActorNode.Wire.Tests.Messages;

/// <summary>inv, getdata, notfound, getblocks, getheaders and <see cref="InvVector"/>. Vectors: btcd wire/
/// invvect_test.go, msginv_test.go, msggetdata_test.go, msgnotfound_test.go, msggetblocks_test.go,
/// msggetheaders_test.go (snapshot 2c67bc29) and bitcoin-kit-android V1FrameGoldenTest.kt.</summary>
public class InventoryMessageTests
{
    /// <summary>btcd TestInvWire MultiInvEncoded: block 203707 (MSG_BLOCK) and its transaction 1 (MSG_TX).</summary>
    private const string BtcdMultiInv =
        "02" +
        "02000000" + "dce9691094da23c7e76713d075d4a10b794008a636acc24b2603000000000000" +
        "01000000" + "f0facc7a481be7cf42bd7fe54f2c2af8ef819add93ee55980af02b39c73d8ad2";

    private static readonly Hash256 Block203707 = GoHash("3264bc2ac36a60840790ba1d475d01367e7c723da941069e9dc");
    private static readonly Hash256 Block203707Tx1 =
        GoHash("d28a3dc7392bf00a9855ee93dd9a81eff82a2c4fe57fbd42cfe71b487accfaf0");

    private static void AssertBtcdMultiInv(InvVector[] inventory)
    {
        Assert.Equal(2, inventory.Length);
        Assert.Equal(new InvVector(InvType.Block, Block203707), inventory[0]);
        Assert.Equal(new InvVector(InvType.Tx, Block203707Tx1), inventory[1]);
    }

    [Fact]
    public void Inv_BtcdVectors_DecodeAndReencode()
    {
        var empty = Decode<InvMessage>("inv", "00");
        Assert.Empty(empty.Inventory);
        Assert.Equal("00", Encode(empty));

        var multi = Decode<InvMessage>("inv", BtcdMultiInv);
        AssertBtcdMultiInv(multi.Inventory);
        Assert.Equal(BtcdMultiInv, Encode(multi));
    }

    [Fact]
    public void GetData_BtcdVectors_DecodeAndReencode()
    {
        // btcd msggetdata_test.go TestGetDataWire: same bytes as inv.
        Assert.Empty(Decode<GetDataMessage>("getdata", "00").Inventory);
        var multi = Decode<GetDataMessage>("getdata", BtcdMultiInv);
        AssertBtcdMultiInv(multi.Inventory);
        Assert.Equal(BtcdMultiInv, Encode(multi));
    }

    [Fact]
    public void NotFound_BtcdVectors_DecodeAndReencode()
    {
        // btcd msgnotfound_test.go TestNotFoundWire: same bytes as inv.
        Assert.Empty(Decode<NotFoundMessage>("notfound", "00").Inventory);
        var multi = Decode<NotFoundMessage>("notfound", BtcdMultiInv);
        AssertBtcdMultiInv(multi.Inventory);
        Assert.Equal(BtcdMultiInv, Encode(multi));
    }

    [Theory]
    // bitcoin-kit-android V1FrameGoldenTest.serialize_invSingleItem_matchesGoldenFrame / invTwoItems.
    [InlineData("f9beb4d9696e76000000000000000000250000005428098d01" +
                "01000000" + "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20", 1)]
    [InlineData("f9beb4d9696e76000000000000000000490000006efc16f402" +
                "01000000" + "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20" +
                "02000000" + "7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f", 2)]
    public void Inv_MainnetFrame_MatchesGolden(string frame, int count)
    {
        var message = DecodeFrameByteByByte<InvMessage>(MainNet, frame);
        Assert.Equal(count, message.Inventory.Length);
        byte[] first = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        Assert.Equal(new InvVector(InvType.Tx, new Hash256(first)), message.Inventory[0]);
        if (count == 2)
            Assert.Equal(new InvVector(InvType.Block, new Hash256(Enumerable.Repeat((byte)0x7f, 32).ToArray())),
                message.Inventory[1]);
        Assert.Equal(frame, EncodeFrame(MainNet, message));
    }

    [Theory]
    // btcd invvect_test.go TestInvVectWire: error (zero hash), tx and block of block 203707's hash.
    [InlineData("00000000" + "0000000000000000000000000000000000000000000000000000000000000000", InvType.Error)]
    [InlineData("01000000" + "dce9691094da23c7e76713d075d4a10b794008a636acc24b2603000000000000", InvType.Tx)]
    [InlineData("02000000" + "dce9691094da23c7e76713d075d4a10b794008a636acc24b2603000000000000", InvType.Block)]
    public void InvVector_BtcdVectors_ReadAndWrite(string hex, InvType type)
    {
        var message = Decode<GetDataMessage>("getdata", "01" + hex);
        var entry = Assert.Single(message.Inventory);
        Assert.Equal(type, entry.Type);
        Assert.Equal(type == InvType.Error ? Hash256.Zero : Block203707, entry.Hash);
        Assert.Equal("01" + hex, Encode(message));
    }

    [Theory]
    // btcd wire/msg*.go (btcd invvect.go) and Bitcoin Core protocol.h (MSG_CMPCT_BLOCK 4, MSG_WTX 5).
    [InlineData(InvType.Error, 0u)]
    [InlineData(InvType.Tx, 1u)]
    [InlineData(InvType.Block, 2u)]
    [InlineData(InvType.FilteredBlock, 3u)]
    [InlineData(InvType.CompactBlock, 4u)]
    [InlineData(InvType.Wtx, 5u)]
    [InlineData(InvType.WitnessTx, 0x40000001u)]
    [InlineData(InvType.WitnessBlock, 0x40000002u)]
    [InlineData(InvType.FilteredWitnessBlock, 0x40000003u)]
    public void InvType_Values_MatchProtocol(InvType type, uint value)
    {
        Assert.Equal(value, (uint)type);
    }

    [Fact]
    public void InvVector_WitnessAndUnknownTypes_KeepTheirNumber()
    {
        // MSG_WITNESS_BLOCK (40000002 LE = 02 00 00 40), MSG_WTX (5) and a type nobody defined (0x12345678).
        const string payload = "03" +
            "02000040" + "dce9691094da23c7e76713d075d4a10b794008a636acc24b2603000000000000" +
            "05000000" + "f0facc7a481be7cf42bd7fe54f2c2af8ef819add93ee55980af02b39c73d8ad2" +
            "78563412" + "0000000000000000000000000000000000000000000000000000000000000000";
        var message = Decode<InvMessage>("inv", payload);
        Assert.Equal(InvType.WitnessBlock, message.Inventory[0].Type);
        Assert.Equal(InvType.Wtx, message.Inventory[1].Type);
        Assert.Equal(0x12345678u, (uint)message.Inventory[2].Type);
        Assert.Equal(payload, Encode(message));
    }

    [Theory]
    [InlineData("inv")]
    [InlineData("getdata")]
    [InlineData("notfound")]
    public void InventoryList_50001Entries_FailsTooManyBeforeAllocating(string command)
    {
        // btcd TestInvWireErrors: maxInvEncoded = fd 51 c3 (50,001) must be refused.
        long before = GC.GetAllocatedBytesForCurrentThread();
        AssertDecodeFails(WireError.TooMany, command, "fd51c3");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes"); // the list alone would be 1.8 MB
    }

    [Fact]
    public void InventoryList_CountBeyondPayload_FailsTooManyBeforeAllocating()
    {
        // 50,000 entries is within the limit but the payload holds only one entry.
        long before = GC.GetAllocatedBytesForCurrentThread();
        AssertDecodeFails(WireError.TooMany, "inv",
            "fd50c3" + "01000000" + "f0facc7a481be7cf42bd7fe54f2c2af8ef819add93ee55980af02b39c73d8ad2");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes");

        // btcd's two-entry vector with its count raised to 3.
        AssertDecodeFails(WireError.TooMany, "inv", "03" + BtcdMultiInv[2..]);
    }

    [Fact]
    public void InventoryList_TrailingBytes_FailTrailingBytes()
    {
        // btcd message_test.go TestReadV2MessageTrailingBytes: inv "00" followed by 0xaa.
        AssertDecodeFails(WireError.TrailingBytes, "inv", "00aa");
    }

    [Fact]
    public void InventoryList_NonCanonicalCount_FailsNonCanonical()
    {
        AssertDecodeFails(WireError.NonCanonical, "inv", "fd0100" + BtcdMultiInv[2..74]);
    }

    [Fact]
    public void InventoryList_50001EntriesToEncode_FailsTooMany()
    {
        var entries = new InvVector[WireLimits.MaxInvPerMessage + 1];
        AssertEncodeFails(WireError.TooMany, new InvMessage(entries));
        AssertEncodeFails(WireError.TooMany, new GetDataMessage(entries));
        AssertEncodeFails(WireError.TooMany, new NotFoundMessage(entries));
    }

    [Fact]
    public void InventoryList_50000Entries_RoundTripAtMaxPayload()
    {
        var entries = new InvVector[WireLimits.MaxInvPerMessage];
        for (int i = 0; i < entries.Length; i++) entries[i] = new InvVector(InvType.WitnessTx, Block203707Tx1);
        byte[] payload = MessageEncoder.EncodePayloadToArray(new InvMessage(entries), WireContext.Latest);
        Assert.Equal(3 + WireLimits.MaxInvPerMessage * 36, payload.Length);
        var decoded = Assert.IsType<InvMessage>(MessageRegistry.DecodePayload("inv", payload, WireContext.Latest));
        Assert.Equal(entries, decoded.Inventory);
    }

    // ---- getblocks / getheaders -------------------------------------------------------------------------------

    /// <summary>btcd TestGetBlocksWire / TestGetHeadersWire noLocatorsEncoded (version 60002).</summary>
    private const string BtcdNoLocators = "62ea0000" + "00" + "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>btcd multiLocatorsEncoded: version 60002, locators 99500 and 99499, stop at block 100000.</summary>
    private const string BtcdMultiLocators = "62ea0000" + "02" +
        "e0de064468132c63d220cc691283cb65bcaae47994ef9e7bade7020000000000" +
        "357595b7f68cb160ccba2c9ac5425fd96f0a013dc97ec8400f71020000000000" +
        "06e533fd1ada86391f3f6c343204b0d278d4aaec1c0b20aa27ba030000000000";

    private static readonly Hash256 Block99499 = GoHash("2710f40c87ec93d010a6fd95f42c59a2cbacc60b18cf6b7957535");
    private static readonly Hash256 Block99500 = GoHash("2e7ad7b9eef9479e4aabc65cb831269cc20d2632c13684406dee0");
    private static readonly Hash256 Block100000 = GoHash("3ba27aa200b1cecaad478d2b00432346c3f1f3986da1afd33e506");

    [Fact]
    public void GetBlocks_BtcdVectors_DecodeAndReencode()
    {
        var none = Decode<GetBlocksMessage>("getblocks", BtcdNoLocators, 60002);
        Assert.Equal(60002u, none.Version);
        Assert.Empty(none.Locator);
        Assert.Equal(Hash256.Zero, none.HashStop);
        Assert.Equal(BtcdNoLocators, Encode(none, 60002));

        var multi = Decode<GetBlocksMessage>("getblocks", BtcdMultiLocators, 60002);
        Assert.Equal(60002u, multi.Version);
        Assert.Equal([Block99500, Block99499], multi.Locator);
        Assert.Equal(Block100000, multi.HashStop);
        Assert.Equal(BtcdMultiLocators, Encode(multi, 60002));
    }

    [Fact]
    public void GetHeaders_BtcdVectors_DecodeAndReencode()
    {
        var none = Decode<GetHeadersMessage>("getheaders", BtcdNoLocators, 60002);
        Assert.Equal(60002u, none.Version);
        Assert.Empty(none.Locator);
        Assert.Equal(BtcdNoLocators, Encode(none, 60002));

        var multi = Decode<GetHeadersMessage>("getheaders", BtcdMultiLocators);
        Assert.Equal(60002u, multi.Version);
        Assert.Equal([Block99500, Block99499], multi.Locator);
        Assert.Equal(Block100000, multi.HashStop);
        Assert.Equal(BtcdMultiLocators, Encode(multi));
    }

    [Theory]
    [InlineData("getblocks")]
    [InlineData("getheaders")]
    public void Locator_501Hashes_FailsTooMany(string command)
    {
        // btcd TestGetBlocksWireErrors / TestGetHeadersWireErrors: maxGetBlocksEncoded has count fd f5 01 (501).
        AssertDecodeFails(WireError.TooMany, command, "62ea0000" + "fdf501");
        var tooMany = new Hash256[WireLimits.MaxBlockLocatorsPerMessage + 1];
        IWireMessage message = command == "getblocks"
            ? new GetBlocksMessage(60002, tooMany, Hash256.Zero)
            : new GetHeadersMessage(60002, tooMany, Hash256.Zero);
        AssertEncodeFails(WireError.TooMany, message);
    }

    [Theory]
    // btcd TestGetBlocksWireErrors: short reads in version, count, locator hashes, stop hash.
    // With 0 hash bytes left a count of 2 cannot fit, which is TooMany rather than a short read.
    [InlineData(0, WireError.Truncated)]
    [InlineData(4, WireError.Truncated)]
    [InlineData(5, WireError.TooMany)]
    [InlineData(69, WireError.Truncated)]
    public void Locator_Truncated_Fails(int length, WireError reason)
    {
        AssertDecodeFails(reason, "getheaders", BtcdMultiLocators[..(length * 2)]);
        AssertDecodeFails(reason, "getblocks", BtcdMultiLocators[..(length * 2)]);
    }

    [Fact]
    public void GetBlocks_MainnetFrame_RoundTripsWithBtcdLength()
    {
        // btcd message_test.go TestMessage: NewMsgGetBlocks(&chainhash.Hash{}) frames to 61 bytes; so does getheaders.
        var getBlocks = new GetBlocksMessage(ProtocolVersion.Current, [], Hash256.Zero);
        string frame = EncodeFrame(MainNet, getBlocks);
        Assert.Equal(61, frame.Length / 2);
        Assert.StartsWith("f9beb4d9676574626c6f636b73000000" + "25000000", frame, StringComparison.Ordinal);
        var decoded = DecodeFrameByteByByte<GetBlocksMessage>(MainNet, frame);
        Assert.Equal(ProtocolVersion.Current, decoded.Version);
        Assert.Empty(decoded.Locator);

        var getHeaders = new GetHeadersMessage(0, [Block99500, Block99499], Block100000);
        var back = DecodeFrame<GetHeadersMessage>(MainNet, EncodeFrame(MainNet, getHeaders));
        Assert.Equal(getHeaders.Locator, back.Locator);
        Assert.Equal(getHeaders.HashStop, back.HashStop);
    }

    [Theory]
    // btcd wire/msg*.go: 9 + 50,000·36 and 4 + 9 + 500·32 + 32.
    [InlineData("inv", 1_800_009)]
    [InlineData("getdata", 1_800_009)]
    [InlineData("notfound", 1_800_009)]
    [InlineData("getblocks", 16_045)]
    [InlineData("getheaders", 16_045)]
    public void MaxPayload_MatchesReference(string command, int expected)
    {
        Assert.Equal(expected, MaxPayload(command));
        Assert.Equal(expected, MaxPayload(command, 0));
    }
}
