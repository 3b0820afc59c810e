using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using static ActorNode.Wire.Tests.Messages.MessageTestKit;

namespace ActorNode.Wire.Tests.Messages;

/// <summary>verack, getaddr, ping, pong, mempool, sendheaders, feefilter, reject, alert, wtxidrelay.
/// Vectors: btcd wire/*_test.go (snapshot 2c67bc29; msgalert_test.go from its parent of commit bc52e090, which removed
/// alert), bitcoinrb spec/bitcoin/message/*_spec.rb, Bit-Wasp/bitcoin-p2p-php tests/Messages/AlertTest.php and
/// bitcoin-kit-android V1FrameGoldenTest.kt (bitcoincore/src/test/.../network/messages/).</summary>
public class ControlMessageTests
{
    // ---- verack / getaddr -------------------------------------------------------------------------------------

    [Fact]
    public void VerAck_EmptyPayload_DecodesToSingletonAndEncodesEmpty()
    {
        // btcd msgverack_test.go: msgVerAckEncoded := []byte{}
        var message = Decode<VerAckMessage>("verack", "");
        Assert.Same(VerAckMessage.Instance, message);
        Assert.Equal("", Encode(message));
        Assert.Equal(0, MaxPayload("verack"));
    }

    [Fact]
    public void VerAck_MainnetFrame_MatchesGolden()
    {
        // bitcoin-kit-android V1FrameGoldenTest.serialize_verack_matchesGoldenFrame (checksum 5df6e0e2 = dsha("")).
        const string frame = "f9beb4d976657261636b000000000000000000005df6e0e2";
        Assert.Equal(frame, EncodeFrame(MainNet, VerAckMessage.Instance));
        Assert.Same(VerAckMessage.Instance, DecodeFrameByteByByte<VerAckMessage>(MainNet, frame));
    }

    [Fact]
    public void VerAck_PayloadByte_FailsWithOversized()
    {
        // btcd message_test.go "exceed max allowed payload for a message of a specific type" (getaddr, length 1).
        AssertDecodeFails(WireError.Oversized, "verack", "00");
        AssertDecodeFails(WireError.Oversized, "getaddr", "00");
    }

    [Fact]
    public void GetAddr_MainnetFrame_MatchesGolden()
    {
        // btcd msggetaddr_test.go: empty payload; frame from V1FrameGoldenTest.serialize_getAddr_matchesGoldenFrame.
        const string frame = "f9beb4d9676574616464720000000000000000005df6e0e2";
        Assert.Same(GetAddrMessage.Instance, Decode<GetAddrMessage>("getaddr", ""));
        Assert.Equal(frame, EncodeFrame(MainNet, GetAddrMessage.Instance));
        Assert.Same(GetAddrMessage.Instance, DecodeFrame<GetAddrMessage>(MainNet, frame));
    }

    // ---- ping / pong ------------------------------------------------------------------------------------------

    [Theory]
    // btcd msgping_test.go TestPingWire: latest version and BIP0031Version+1 carry the nonce.
    [InlineData(ProtocolVersion.Current, 123123UL, "f3e0010000000000")]
    [InlineData(ProtocolVersion.Bip0031 + 1, 456456UL, "08f7060000000000")]
    public void Ping_AboveBip31_CarriesNonce(uint pver, ulong nonce, string payload)
    {
        var message = Decode<PingMessage>("ping", payload, pver);
        Assert.Equal(nonce, message.Nonce);
        Assert.Equal(payload, Encode(message, pver));
        Assert.Equal(8, MaxPayload("ping", pver));
    }

    [Fact]
    public void Ping_AtBip31_HasNoNonce()
    {
        // btcd TestPingWire: at BIP0031Version, MsgPing{Nonce: 789789} encodes to []byte{} and decodes to Nonce 0.
        Assert.Equal("", Encode(new PingMessage(789789), ProtocolVersion.Bip0031));
        Assert.Equal(0UL, Decode<PingMessage>("ping", "", ProtocolVersion.Bip0031).Nonce);
        Assert.Equal(0, MaxPayload("ping", ProtocolVersion.Bip0031));
        AssertDecodeFails(WireError.Oversized, "ping", "f3e0010000000000", ProtocolVersion.Bip0031);
    }

    [Fact]
    public void Ping_AboveBip31WithoutNonce_FailsTruncated()
    {
        // btcd TestPingWireErrors: a 4-byte nonce is a short read.
        AssertDecodeFails(WireError.Truncated, "ping", "f3e00100");
        AssertDecodeFails(WireError.Truncated, "ping", "");
    }

    [Theory]
    // parity-bitcoin p2p io/read_message tests: nonce 0x8677a96d3b304558.
    [InlineData("f9beb4d970696e6700000000000000000800000083c00c765845303b6da97786", 0x8677a96d3b304558UL)]
    // bitcoin-kit-android V1FrameGoldenTest.serialize_ping_matchesGoldenFrame: nonce 0x0123456789ABCDEF.
    [InlineData("f9beb4d970696e6700000000000000000800000033bc15e5efcdab8967452301", 0x0123456789ABCDEFUL)]
    public void Ping_MainnetFrame_MatchesGolden(string frame, ulong nonce)
    {
        Assert.Equal(nonce, DecodeFrameByteByByte<PingMessage>(MainNet, frame).Nonce);
        Assert.Equal(frame, EncodeFrame(MainNet, new PingMessage(nonce)));
    }

    [Fact]
    public void Ping_FrameWithBadChecksum_FailsBadChecksum()
    {
        // V1FrameGoldenTest.parseMessage_badChecksum_throwsBitcoinException: checksum field zeroed.
        AssertFails(WireError.BadChecksum, () =>
            DecodeFrames(MainNet, "f9beb4d970696e6700000000000000000800000000000000efcdab8967452301"));
    }

    [Theory]
    // btcd msgpong_test.go TestPongWire.
    [InlineData(ProtocolVersion.Current, 123123UL, "f3e0010000000000")]
    [InlineData(ProtocolVersion.Bip0031 + 1, 456456UL, "08f7060000000000")]
    public void Pong_AboveBip31_CarriesNonce(uint pver, ulong nonce, string payload)
    {
        var message = Decode<PongMessage>("pong", payload, pver);
        Assert.Equal(nonce, message.Nonce);
        Assert.Equal(payload, Encode(message, pver));
    }

    [Fact]
    public void Pong_AtBip31_FailsUnsupportedVersion()
    {
        // btcd MsgPong: BtcDecode and BtcEncode both fail when pver <= BIP0031Version (TestPongBIP0031).
        AssertDecodeFails(WireError.UnsupportedVersion, "pong", "f3e0010000000000", ProtocolVersion.Bip0031);
        AssertDecodeFails(WireError.UnsupportedVersion, "pong", "", ProtocolVersion.Bip0031);
        AssertEncodeFails(WireError.UnsupportedVersion, new PongMessage(123123), ProtocolVersion.Bip0031);
    }

    [Fact]
    public void Pong_MainnetFrame_MatchesGolden()
    {
        // bitcoin-kit-android V1FrameGoldenTest.serialize_pong_matchesGoldenFrame.
        const string frame = "f9beb4d9706f6e6700000000000000000800000033bc15e5efcdab8967452301";
        Assert.Equal(0x0123456789ABCDEFUL, DecodeFrame<PongMessage>(MainNet, frame).Nonce);
        Assert.Equal(frame, EncodeFrame(MainNet, new PongMessage(0x0123456789ABCDEF)));
    }

    [Fact]
    public void Pong_FrameAtBip31_FailsFromHeader()
    {
        // The gate is checked from the 24-byte header, before the body arrives.
        var decoder = new Encoding.FrameDecoder(MainNet, new WireContext(ProtocolVersion.Bip0031));
        byte[] header = Hex("f9beb4d9706f6e6700000000000000000800000033bc15e5");
        AssertFails(WireError.UnsupportedVersion, () =>
        {
            ReadOnlySpan<byte> input = header;
            decoder.TryRead(ref input, out _);
        });
    }

    // ---- mempool / sendheaders / feefilter / wtxidrelay ---------------------------------------------------------

    [Fact]
    public void MemPool_Frame_MatchesGolden()
    {
        // btcd msgmempool_test.go (empty payload, gate BIP0035Version); frames from
        // V1FrameGoldenTest.serialize_mempool_matchesGoldenFrame (mainnet) and bitcoinrb mem_pool_spec.rb (testnet3).
        const string mainnet = "f9beb4d96d656d706f6f6c0000000000000000005df6e0e2";
        const string testnet = "0b1109076d656d706f6f6c0000000000000000005df6e0e2";
        Assert.Same(MemPoolMessage.Instance, DecodeFrame<MemPoolMessage>(MainNet, mainnet));
        Assert.Equal(mainnet, EncodeFrame(MainNet, MemPoolMessage.Instance));
        Assert.Equal(testnet, EncodeFrame(TestNet3, MemPoolMessage.Instance));
        Assert.Same(MemPoolMessage.Instance, DecodeFrame<MemPoolMessage>(TestNet3, testnet));
    }

    [Fact]
    public void MemPool_BelowBip35_FailsUnsupportedVersion()
    {
        // btcd TestMemPool: "encode of MsgMemPool succeeded when it shouldn't" at BIP0035Version - 1.
        Assert.Same(MemPoolMessage.Instance, Decode<MemPoolMessage>("mempool", "", ProtocolVersion.Bip0035));
        AssertDecodeFails(WireError.UnsupportedVersion, "mempool", "", ProtocolVersion.Bip0035 - 1);
        AssertEncodeFails(WireError.UnsupportedVersion, MemPoolMessage.Instance, ProtocolVersion.Bip0035 - 1);
    }

    [Fact]
    public void SendHeaders_TestnetFrame_MatchesGolden()
    {
        // btcd msgsendheaders_test.go: empty; bitcoinrb send_headers_spec.rb frame (testnet3).
        const string frame = "0b11090773656e646865616465727300000000005df6e0e2";
        Assert.Same(SendHeadersMessage.Instance, Decode<SendHeadersMessage>("sendheaders", ""));
        Assert.Equal(frame, EncodeFrame(TestNet3, SendHeadersMessage.Instance));
        Assert.Same(SendHeadersMessage.Instance, DecodeFrame<SendHeadersMessage>(TestNet3, frame));
    }

    [Fact]
    public void SendHeaders_BelowVersion70012_FailsUnsupportedVersion()
    {
        // btcd TestSendHeaders: fails at SendHeadersVersion - 1.
        Assert.Same(SendHeadersMessage.Instance,
            Decode<SendHeadersMessage>("sendheaders", "", ProtocolVersion.SendHeaders));
        AssertDecodeFails(WireError.UnsupportedVersion, "sendheaders", "", ProtocolVersion.SendHeaders - 1);
        AssertEncodeFails(WireError.UnsupportedVersion, SendHeadersMessage.Instance, ProtocolVersion.SendHeaders - 1);
    }

    [Theory]
    // btcd msgfeefilter_test.go TestFeeFilterWire.
    [InlineData(ProtocolVersion.Current, 123123L, "f3e0010000000000")]
    [InlineData(ProtocolVersion.FeeFilter, 456456L, "08f7060000000000")]
    public void FeeFilter_Payload_RoundTrips(uint pver, long minFee, string payload)
    {
        var message = Decode<FeeFilterMessage>("feefilter", payload, pver);
        Assert.Equal(minFee, message.MinFee);
        Assert.Equal(payload, Encode(message, pver));
        Assert.Equal(8, MaxPayload("feefilter"));
    }

    [Fact]
    public void FeeFilter_TestnetFrame_MatchesGolden()
    {
        // bitcoinrb fee_filter_spec.rb: FeeFilter.new(1_000).to_pkt on testnet3.
        const string frame = "0b11090766656566696c74657200000008000000e80fd19fe803000000000000";
        Assert.Equal(1000L, DecodeFrameByteByByte<FeeFilterMessage>(TestNet3, frame).MinFee);
        Assert.Equal(frame, EncodeFrame(TestNet3, new FeeFilterMessage(1000)));
    }

    [Fact]
    public void FeeFilter_BelowVersion70013_FailsUnsupportedVersion()
    {
        // btcd TestFeeFilterWireErrors: "Force error due to unsupported protocol version" (FeeFilterVersion - 1).
        AssertDecodeFails(WireError.UnsupportedVersion, "feefilter", "f3e0010000000000", ProtocolVersion.FeeFilter - 1);
        AssertEncodeFails(WireError.UnsupportedVersion, new FeeFilterMessage(123123), ProtocolVersion.FeeFilter - 1);
    }

    [Fact]
    public void WtxidRelay_MainnetFrame_MatchesGolden()
    {
        // btcd msgwtxidrelay_test.go: empty payload at AddrV2Version; bitcoinrb wtixd_relay_spec.rb frame (mainnet).
        const string frame = "f9beb4d9777478696472656c61790000000000005df6e0e2";
        Assert.Same(WtxidRelayMessage.Instance, Decode<WtxidRelayMessage>("wtxidrelay", ""));
        Assert.Equal(frame, EncodeFrame(MainNet, WtxidRelayMessage.Instance));
        Assert.Same(WtxidRelayMessage.Instance, DecodeFrame<WtxidRelayMessage>(MainNet, frame));
        Assert.Equal(0, MaxPayload("wtxidrelay"));
    }

    [Fact]
    public void WtxidRelay_BelowVersion70016_FailsUnsupportedVersion()
    {
        // btcd TestWTxIdRelay: encode and decode fail at AddrV2Version - 1.
        AssertDecodeFails(WireError.UnsupportedVersion, "wtxidrelay", "", ProtocolVersion.AddrV2 - 1);
        AssertEncodeFails(WireError.UnsupportedVersion, WtxidRelayMessage.Instance, ProtocolVersion.AddrV2 - 1);
    }

    // ---- reject -----------------------------------------------------------------------------------------------

    [Fact]
    public void Reject_VersionCommand_HasNoHash()
    {
        // btcd msgreject_test.go TestRejectWire: rejected "version", RejectDuplicate, "duplicate version".
        const string payload = "0776657273696f6e" + "12" + "116475706c69636174652076657273696f6e";
        var message = Decode<RejectMessage>("reject", payload);
        Assert.Equal("version", message.RejectedCommand);
        Assert.Equal(RejectCode.Duplicate, message.Code);
        Assert.Equal("duplicate version", message.Reason);
        Assert.False(message.HasHash);
        Assert.Equal(Hash256.Zero, message.Hash);
        Assert.Equal(payload, Encode(message));
    }

    [Fact]
    public void Reject_BlockCommand_CarriesHash()
    {
        // btcd TestRejectWire: rejected "block", RejectDuplicate, "duplicate block", mainNetGenesisHash.
        const string payload = "05626c6f636b" + "12" + "0f6475706c696361746520626c6f636b" +
                               "6fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000";
        var message = Decode<RejectMessage>("reject", payload);
        Assert.Equal("block", message.RejectedCommand);
        Assert.Equal(RejectCode.Duplicate, message.Code);
        Assert.Equal("duplicate block", message.Reason);
        Assert.Equal(Hash256.Parse("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"), message.Hash);
        Assert.Equal(payload, Encode(message));
    }

    [Fact]
    public void Reject_TxCommand_TestnetFrame_MatchesGolden()
    {
        // bitcoinrb reject_spec.rb: Reject.new('tx', CODE_INVALID, 'coinbase', <hash>).to_pkt on testnet3.
        const string payload = "0274781008636f696e62617365b593848d99f41a45e9d29054993139f0582025bb45191986bc0d81327fc4ed4e";
        const string frame = "0b11090772656a6563740000000000002d0000005b2e22a7" + payload;
        var message = DecodeFrame<RejectMessage>(TestNet3, frame);
        Assert.Equal("tx", message.RejectedCommand);
        Assert.Equal(RejectCode.Invalid, message.Code);
        Assert.Equal("coinbase", message.Reason);
        Assert.Equal(WireHash("b593848d99f41a45e9d29054993139f0582025bb45191986bc0d81327fc4ed4e"), message.Hash);
        Assert.Equal(frame, EncodeFrame(TestNet3, message));
    }

    [Fact]
    public void Reject_TxCommandWithoutHash_FailsTruncated()
    {
        AssertDecodeFails(WireError.Truncated, "reject", "0274781008636f696e62617365");
    }

    [Fact]
    public void Reject_UnknownCode_IsKept()
    {
        var message = Decode<RejectMessage>("reject", "0774657374636d64" + "99" + "00");
        Assert.Equal((RejectCode)0x99, message.Code);
        Assert.Equal("0774657374636d649900", Encode(message));
    }

    [Fact]
    public void Reject_BelowVersion70002_FailsUnsupportedVersion()
    {
        // btcd TestRejectWireErrors / MsgReject: invalid below RejectVersion; max payload 0 there.
        const string payload = "0776657273696f6e" + "12" + "116475706c69636174652076657273696f6e";
        AssertDecodeFails(WireError.UnsupportedVersion, "reject", payload, ProtocolVersion.Reject - 1);
        AssertEncodeFails(WireError.UnsupportedVersion, new RejectMessage("version", RejectCode.Duplicate, "x"),
            ProtocolVersion.Reject - 1);
        Assert.Equal(0, MaxPayload("reject", ProtocolVersion.Reject - 1));
        Assert.Equal(4_000_000, MaxPayload("reject", ProtocolVersion.Reject));
    }

    [Fact]
    public void RejectCode_Values_MatchBtcd()
    {
        // btcd msgreject.go / btcd wire/msg*.go.
        Assert.Equal(0x01, (byte)RejectCode.Malformed);
        Assert.Equal(0x10, (byte)RejectCode.Invalid);
        Assert.Equal(0x11, (byte)RejectCode.Obsolete);
        Assert.Equal(0x12, (byte)RejectCode.Duplicate);
        Assert.Equal(0x40, (byte)RejectCode.Nonstandard);
        Assert.Equal(0x41, (byte)RejectCode.Dust);
        Assert.Equal(0x42, (byte)RejectCode.InsufficientFee);
        Assert.Equal(0x43, (byte)RejectCode.Checkpoint);
    }

    // ---- alert ------------------------------------------------------------------------------------------------

    /// <summary>btcd msgalert_test.go TestMsgAlertWire: "some payload" and "somesig" as varbytes.</summary>
    private const string BtcdAlertPayload = "0c736f6d65207061796c6f6164" + "07736f6d65736967";

    [Fact]
    public void Alert_BtcdVector_RoundTripsAndDoesNotParse()
    {
        var message = Decode<AlertMessage>("alert", BtcdAlertPayload);
        Assert.Equal("some payload"u8.ToArray(), message.SerializedPayload.ToArray());
        Assert.Equal("somesig"u8.ToArray(), message.Signature.ToArray());
        // 12 bytes cannot hold the 45-byte minimum of an alert: btcd leaves Payload nil and keeps the message.
        Assert.Null(message.TryParseAlert());
        Assert.Equal(BtcdAlertPayload, Encode(message));
    }

    [Theory]
    // btcd TestMsgAlertWireErrors: short reads in the payload length, payload, signature length, signature.
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(13)]
    [InlineData(14)]
    public void Alert_TruncatedPayload_FailsTruncated(int length)
    {
        AssertDecodeFails(WireError.Truncated, "alert", BtcdAlertPayload[..(length * 2)]);
    }

    [Fact]
    public void Alert_EmptySerializedPayload_FailsToEncode()
    {
        // btcd TestMsgAlertWireErrors: "Test Error on empty Payload".
        AssertEncodeFails(WireError.Malformed, new AlertMessage(Array.Empty<byte>(), "somesig"u8.ToArray()));
    }

    /// <summary>btcd msgalert_test.go TestAlertErrors baseAlertEncoded (71 bytes).</summary>
    private const string BtcdAlertFields =
        "01000000506eb24f000000004c9e935100000000f7030000f503000001f603000000000000979e0000010f2f5361746f7368" +
        "693a302e372e322f881300000006555247454e5400";

    [Fact]
    public void Alert_BtcdSerializedFields_ParseAndSerializeIdentically()
    {
        // btcd NewAlert(1, 1337093712, 1368628812, 1015, 1013, []int32{1014}, 0, 40599,
        //               []string{"/Satoshi:0.7.2/"}, 5000, "", "URGENT") encodes to baseAlertEncoded.
        string hex = BtcdAlertFields;
        var alert = Alert.TryParse(Hex(hex));
        Assert.NotNull(alert);
        Assert.Equal(1, alert.Version);
        Assert.Equal(1337093712L, alert.RelayUntil);
        Assert.Equal(1368628812L, alert.Expiration);
        Assert.Equal(1015, alert.Id);
        Assert.Equal(1013, alert.Cancel);
        Assert.Equal([1014], alert.SetCancel);
        Assert.Equal(0, alert.MinVer);
        Assert.Equal(40599, alert.MaxVer);
        Assert.Equal(["/Satoshi:0.7.2/"], alert.SetSubVer);
        Assert.Equal(5000, alert.Priority);
        Assert.Equal("", alert.Comment);
        Assert.Equal("URGENT", alert.StatusBar);
        Assert.Equal("", alert.Reserved);

        var built = new Alert(1, 1337093712, 1368628812, 1015, 1013, [1014], 0, 40599, ["/Satoshi:0.7.2/"], 5000,
            "", "URGENT", "");
        Assert.Equal(hex, ToHex(built.ToArray()));
    }

    [Fact]
    public void Alert_EmptyAlert_Serializes45ZeroBytes()
    {
        // btcd TestMsgAlert: an empty Alert serialises to 45 zero bytes (0x2d + 45*0x00 as varbytes).
        var empty = new Alert(0, 0, 0, 0, 0, [], 0, 0, [], 0, "", "", "");
        Assert.Equal(new byte[45], empty.ToArray());
    }

    [Theory]
    // btcd TestAlertErrors badAlertEncoded: setCancel count 8388575 (fe dfff7f00), then setSubVer count 131072
    // (fe 00000200), each in a 71-byte alert.
    [InlineData("01000000506eb24f000000004c9e935100000000f7030000f5030000fedfff7f0000000000979e0000010f2f5361746f7368" +
                "693a302e372e322f881300000006555247454e5400")]
    [InlineData("01000000506eb24f000000004c9e935100000000f7030000f503000001f603000000000000979e0000fe00000200746f7368" +
                "693a302e372e322f881300000006555247454e5400")]
    public void Alert_HugeListCount_DoesNotParse(string serialized)
    {
        Assert.Null(Alert.TryParse(Hex(serialized)));
    }

    [Theory]
    // btcd TestAlertErrors: short reads in version, setCancel count, setCancel items, minVer, setSubVer count,
    // setSubVer strings, priority, comment, statusBar, reserved.
    [InlineData(0)]
    [InlineData(28)]
    [InlineData(29)]
    [InlineData(40)]
    [InlineData(41)]
    [InlineData(48)]
    [InlineData(60)]
    [InlineData(62)]
    [InlineData(64)]
    [InlineData(70)]
    public void Alert_TruncatedFields_DoNotParse(int length)
    {
        Assert.Null(Alert.TryParse(Hex(BtcdAlertFields)[..length]));
    }

    [Fact]
    public void Alert_FinalAlertFrameThenPing_DecodeInOrder()
    {
        // Bit-Wasp/bitcoin-p2p-php tests/Messages/AlertTest.php testSerializer: Core's final "alert key compromised"
        // alert (mainnet), followed by a ping frame in the same buffer.
        const string alertFrame =
            "f9beb4d9616c65727400000000000000a80000001bf9aaea" +
            "60010000000000000000000000ffffff7f00000000ffffff7ffeffff7f01ffffff7f00000000ffffff7f00ffffff7f002f" +
            "555247454e543a20416c657274206b657920636f6d70726f6d697365642c2075706772616465207265717569726564" +
            "00" +
            "4630440220653febd6410f470f6bae11cad19c48413becb1ac2c17f908fd0fd53bdc3abd5202206d0e9c96fe88d4a0f01ed9" +
            "dedae2b6f9e00da94cad0fecaae66ecf689bf71b50";
        const string pingFrame = "f9beb4d970696e670000000000000000080000005dc760df51fc4fbe3c9decd9";

        var messages = DecodeFrames(MainNet, alertFrame + pingFrame);
        Assert.Equal(2, messages.Count);
        var alertMessage = Assert.IsType<AlertMessage>(messages[0]);
        Assert.IsType<PingMessage>(messages[1]);
        Assert.Equal(96, alertMessage.SerializedPayload.Length);
        Assert.Equal(70, alertMessage.Signature.Length);

        // Bitcoin Core 0.13 alert.cpp accepted an alert with nID == maxInt only if nExpiration == maxInt,
        // nCancel == maxInt - 1, nMinVer == 0, nMaxVer == maxInt, setSubVer empty, nPriority == maxInt and this status bar.
        var alert = alertMessage.TryParseAlert();
        Assert.NotNull(alert);
        Assert.Equal(1, alert.Version);
        Assert.Equal(int.MaxValue, alert.Id);
        Assert.Equal(int.MaxValue, alert.Expiration);
        Assert.Equal(int.MaxValue - 1, alert.Cancel);
        Assert.Equal(0, alert.MinVer);
        Assert.Equal(int.MaxValue, alert.MaxVer);
        Assert.Empty(alert.SetSubVer);
        Assert.Equal(int.MaxValue, alert.Priority);
        Assert.Equal("URGENT: Alert key compromised, upgrade required", alert.StatusBar);

        Assert.Equal(alertFrame, EncodeFrame(MainNet, alertMessage));
    }
}
