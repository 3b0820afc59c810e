using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using static ActorNode.Wire.Tests.Blocks.BlockTestSupport;

namespace ActorNode.Wire.Tests.Blocks;

/// <summary>Golden vectors from btcd wire/msgblock_test.go and wire/msgtx_test.go (snapshot 2c67bc29).</summary>
public class BlockAndTxGoldenTests
{
    // btcd msgblock_test.go blockOneBytes: mainnet block 1.
    private const string BlockOneHex =
        "01000000" +
        "6fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000" +
        "982051fd1e4ba744bbbe680e1fee14677ba1a3c3540bf7b1cdb606e857233e0e" +
        "61bc6649" + "ffff001d" + "01e36299" +
        "01" +
        "01000000" + "01" +
        "0000000000000000000000000000000000000000000000000000000000000000" + "ffffffff" +
        "07" + "04ffff001d0104" + "ffffffff" +
        "01" + "00f2052a01000000" +
        "43" + "410496b538e853519c726a2c91e61ec11600ae1390813a627c66fb8be7947be63c52da7589379515d4e0a604f8141781e62294721166bf621e73a82cbf2342c858eeac" +
        "00000000";

    // btcd msgtx_test.go multiTxEncoded.
    private const string MultiTxHex =
        "01000000" + "01" +
        "0000000000000000000000000000000000000000000000000000000000000000" + "ffffffff" +
        "07" + "0431dc001b0162" + "ffffffff" +
        "02" +
        "00f2052a01000000" +
        "43" + "4104d64bdfd09eb1c5fe295abdeb1dca4281be988e2da0b6c1c6a59dc226c28624e18175e851c96b973d81b01cc31f047834bc06d6d6edf620d184241a6aed8b63a6ac" +
        "00e1f50500000000" +
        "43" + "4104d64bdfd09eb1c5fe295abdeb1dca4281be988e2da0b6c1c6a59dc226c28624e18175e851c96b973d81b01cc31f047834bc06d6d6edf620d184241a6aed8b63a6ac" +
        "00000000";

    // btcd msgtx_test.go multiWitnessTxEncoded.
    private const string MultiWitnessTxHex =
        "01000000" + "00" + "01" + "01" +
        "a53352d5135766f03076597418263da2d9c958315968fea823529467481ff9cd" + "13000000" +
        "00" + "ffffffff" +
        "01" + "0b07060000000000" + "16" + "00149ddac6f39d51e0398e532a22c41ba189406a8523" +
        "02" +
        "46" + "3043021f4d2381dc97f182abd8185f51753018523212f5ddc07cc4e63a8dc03658da190220608b5c4d92b86b6de7d78ef23a2fa735bcb59b914a48b0e187c5e7569a18197001" +
        "21" + "0307ead084807eb76346df6977000c89392f45c76425b26181f521d7f370066a8f" +
        "00000000";

    // btcd msgtx_test.go multiWitnessFlagNoWitness: marker and flag, but every witness stack empty.
    private const string MultiWitnessFlagNoWitnessHex =
        "01000000000101a53352d5135766f03076597418263da2d9c958315968fea823529467481ff9cd1300000000ffffffff01" +
        "0b070600000000001600149ddac6f39d51e0398e532a22c41ba189406a8523000000000000";

    // btcd msgtx_test.go multiWitnessTxEncodedNonZeroFlag: the flag byte is 0x00 instead of 0x01.
    private const string MultiWitnessNonZeroFlagHex =
        "01000000000001a53352d5135766f03076597418263da2d9c958315968fea823529467481ff9cd1300000000ffffffff01" +
        "0b070600000000001600149ddac6f39d51e0398e532a22c41ba189406a852302463043021f4d2381dc97f182abd8185f5175" +
        "3018523212f5ddc07cc4e63a8dc03658da190220608b5c4d92b86b6de7d78ef23a2fa735bcb59b914a48b0e187c5e7569a18" +
        "197001210307ead084807eb76346df6977000c89392f45c76425b26181f521d7f370066a8f00000000";

    [Fact]
    public void BlockOne_Decode_FieldsMatchBtcd()
    {
        var block = Decode<BlockMessage>("block", Hex(BlockOneHex)).Block;

        var h = block.Header;
        Assert.Equal(1, h.Version);
        Assert.Equal(MainNetGenesis, h.PreviousBlock.ToString());
        Assert.Equal("0e3e2357e806b6cdb1f70b54c3a3a17b6714ee1f0e68bebb44a74b1efd512098", h.MerkleRoot.ToString());
        Assert.Equal(0x4966bc61u, h.Timestamp);
        Assert.Equal(0x1d00ffffu, h.Bits);
        Assert.Equal(0x9962e301u, h.Nonce);

        var tx = Assert.Single(block.Transactions);
        Assert.Equal(1, tx.Version);
        var input = Assert.Single(tx.Inputs);
        Assert.True(input.PreviousOutput.IsNull);
        Assert.Equal(Hex("04ffff001d0104"), input.ScriptSig.ToArray());
        Assert.Equal(0xffffffffu, input.Sequence);
        Assert.False(input.HasWitness);
        var output = Assert.Single(tx.Outputs);
        Assert.Equal(0x12a05f200L, output.Value);
        Assert.Equal(0x43, output.PkScript.Length);
        Assert.Equal(0x41, output.PkScript.Span[0]);
        Assert.Equal(0xac, output.PkScript.Span[^1]);
        Assert.Equal(0u, tx.LockTime);
        Assert.True(tx.IsCoinbase);
    }

    [Fact]
    public void BlockOne_Encode_IsByteIdentical()
    {
        var bytes = Hex(BlockOneHex);
        var message = Decode<BlockMessage>("block", bytes);
        Assert.Equal(bytes, Encode(message));
        Assert.Equal(bytes, Encode(message, new WireContext(ProtocolVersion.Current, WireEncoding.Base)));
        Assert.Equal(bytes, Encode(message, new WireContext(ProtocolVersion.MultipleAddress)));
    }

    [Fact]
    public void BlockOne_Hashes_MatchBtcd()
    {
        var block = Block.Parse(Hex(BlockOneHex));
        // TestBlockHash and TestBlockTxHashes.
        Assert.Equal("00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048", block.GetHash().ToString());
        Assert.Equal("0e3e2357e806b6cdb1f70b54c3a3a17b6714ee1f0e68bebb44a74b1efd512098",
            block.Transactions[0].Txid.ToString());
    }

    [Fact]
    public void BlockOne_Sizes_MatchBtcd()
    {
        var block = Block.Parse(Hex(BlockOneHex));
        // TestBlockSerializeSize and blockOneTxLocs {TxStart: 81, TxLen: 134}.
        Assert.Equal(215, block.GetSerializedSize(WireEncoding.Witness));
        Assert.Equal(134, block.Transactions[0].TotalSize);
        Assert.Equal(81, new Block(block.Header, []).GetSerializedSize(WireEncoding.Witness));
    }

    [Theory] // TestBlockWireErrors: cut in the version, prev hash, merkle root, time, bits, nonce, count, tx.
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(36)]
    [InlineData(68)]
    [InlineData(72)]
    [InlineData(76)]
    [InlineData(80)]
    [InlineData(81)]
    [InlineData(214)]
    public void BlockOne_Truncated_Throws(int length)
    {
        // A count with no bytes left for its elements is refused before reading them (TooMany).
        var error = DecodeError("block", Hex(BlockOneHex)[..length]);
        Assert.True(error is WireError.Truncated or WireError.TooMany, error.ToString());
    }

    [Fact]
    public void Block_CountOfUInt64Max_ThrowsTooMany()
    {
        // TestBlockOverflowErrors: block 1's header with a tx count of 0xff ffffffffffffffff.
        var bytes = Hex(BlockOneHex[..160] + "ffffffffffffffffff");
        Assert.Equal(WireError.TooMany, DecodeError("block", bytes));
    }

    [Fact]
    public void Block_CountBeyondPayload_ThrowsTooMany()
    {
        // Two transactions announced, one present.
        var bytes = Hex(BlockOneHex);
        bytes[80] = 2;
        Assert.Equal(WireError.TooMany, DecodeError("block", bytes[..(81 + 9)]));
    }

    [Fact]
    public void BlockAndTx_MaxPayload_IsMaxBlockPayload()
    {
        Assert.True(MessageRegistry.TryGet("block", out var block));
        Assert.True(MessageRegistry.TryGet("tx", out var tx));
        Assert.Equal(4_000_000, block.MaxPayload(ProtocolVersion.Current));
        Assert.Equal(4_000_000, tx.MaxPayload(ProtocolVersion.Current));
        Assert.True(block.RetainsPayload);
        Assert.True(tx.RetainsPayload);
        Assert.Equal(0u, block.MinProtocolVersion);
    }

    [Fact]
    public void MultiTx_Decode_FieldsMatchBtcd()
    {
        var bytes = Hex(MultiTxHex);
        var tx = Decode<TxMessage>("tx", bytes).Transaction;

        Assert.Equal(1, tx.Version);
        var input = Assert.Single(tx.Inputs);
        Assert.Equal(Hash256.Zero, input.PreviousOutput.Hash);
        Assert.Equal(0xffffffffu, input.PreviousOutput.Index);
        Assert.Equal(Hex("0431dc001b0162"), input.ScriptSig.ToArray());
        Assert.Equal(0xffffffffu, input.Sequence);
        Assert.Equal(2, tx.Outputs.Length);
        Assert.Equal(0x12a05f200L, tx.Outputs[0].Value);
        Assert.Equal(0x5f5e100L, tx.Outputs[1].Value);
        Assert.Equal(67, tx.Outputs[0].PkScript.Length);
        Assert.Equal(tx.Outputs[0].PkScript.ToArray(), tx.Outputs[1].PkScript.ToArray());
        Assert.Equal(0u, tx.LockTime);
        Assert.False(tx.HasWitness);

        // TestTxID and TestTxSerializeSizeStripped.
        Assert.Equal("0100d15a522ff38de05c164ca0a56379a1b77dd1e4805a6534dc9b3d88290e9d", tx.Txid.ToString());
        Assert.Equal(tx.Txid, tx.Wtxid);
        Assert.Equal(210, tx.BaseSize);
        Assert.Equal(bytes, Encode(new TxMessage(tx)));
    }

    [Fact]
    public void MultiWitnessTx_Decode_FieldsAndHashesMatchBtcd()
    {
        var bytes = Hex(MultiWitnessTxHex);
        Assert.Equal(190, bytes.Length);
        var tx = Decode<TxMessage>("tx", bytes).Transaction;

        Assert.True(tx.HasWitness);
        var input = Assert.Single(tx.Inputs);
        Assert.Equal(Hex("a53352d5135766f03076597418263da2d9c958315968fea823529467481ff9cd"),
            input.PreviousOutput.Hash.ToArray());
        Assert.Equal(19u, input.PreviousOutput.Index);
        Assert.True(input.ScriptSig.IsEmpty);
        Assert.Equal(2, input.Witness.Length);
        Assert.Equal(70, input.Witness[0].Length);
        Assert.Equal(33, input.Witness[1].Length);
        Assert.Equal(Hex("0307ead084807eb76346df6977000c89392f45c76425b26181f521d7f370066a8f"),
            input.Witness[1].ToArray());
        var output = Assert.Single(tx.Outputs);
        Assert.Equal(395019L, output.Value);
        Assert.Equal(Hex("00149ddac6f39d51e0398e532a22c41ba189406a8523"), output.PkScript.ToArray());

        // TestWTxSha, TestTxWitnessSize, TestTxSerializeSizeStripped.
        Assert.Equal("0f167d1385a84d1518cfee208b653fc9163b605ccf1b75347e2850b3e2eb19f3", tx.Txid.ToString());
        Assert.Equal("0858eab78e77b6b033da30f46699996396cf48fcf625a783c85a51403e175e74", tx.Wtxid.ToString());
        Assert.Equal(190, tx.TotalSize);
        Assert.Equal(82, tx.BaseSize);
        Assert.Equal(bytes, Encode(new TxMessage(tx)));
    }

    [Fact]
    public void MultiWitnessTx_BaseEncoding_StripsWitnessAndDecodesBack()
    {
        var tx = Transaction.Parse(Hex(MultiWitnessTxHex));
        var baseContext = new WireContext(ProtocolVersion.Current, WireEncoding.Base);
        var stripped = Encode(new TxMessage(tx), baseContext);
        Assert.Equal(82, stripped.Length);

        var back = Decode<TxMessage>("tx", stripped, baseContext).Transaction;
        Assert.False(back.HasWitness);
        Assert.Equal(tx.Txid, back.Txid);
        Assert.Equal(stripped, Encode(new TxMessage(back), baseContext));
    }

    [Fact]
    public void MultiWitnessTx_BuiltFromFields_HashesMatchBtcd()
    {
        // TestWTxSha builds the transaction field by field; so do we, then compare with the golden bytes.
        var tx = new Transaction(1,
            [new TxIn(new OutPoint(new Hash256(Hex("a53352d5135766f03076597418263da2d9c958315968fea823529467481ff9cd")), 19),
                ReadOnlyMemory<byte>.Empty, 0xffffffff,
                [Hex("3043021f4d2381dc97f182abd8185f51753018523212f5ddc07cc4e63a8dc03658da190220608b5c4d92b86b6de7d78ef23a2fa735bcb59b914a48b0e187c5e7569a18197001"),
                 Hex("0307ead084807eb76346df6977000c89392f45c76425b26181f521d7f370066a8f")])],
            [new TxOut(395019, Hex("00149ddac6f39d51e0398e532a22c41ba189406a8523"))],
            0);
        Assert.Equal("0f167d1385a84d1518cfee208b653fc9163b605ccf1b75347e2850b3e2eb19f3", tx.Txid.ToString());
        Assert.Equal("0858eab78e77b6b033da30f46699996396cf48fcf625a783c85a51403e175e74", tx.Wtxid.ToString());
        Assert.Equal(Hex(MultiWitnessTxHex), Encode(new TxMessage(tx)));
    }

    [Fact]
    public void Tx_FirstOfBlock113875_HashMatchesBtcd()
    {
        // TestTxHash.
        var tx = new Transaction(1,
            [new TxIn(OutPoint.Null, Hex("0431dc001b0162"))],
            [new TxOut(5000000000, Hex("4104d64bdfd09eb1c5fe295abdeb1dca4281be988e2da0b6c1c6a59dc226c28624e18175e851c96b973d81b01cc31f047834bc06d6d6edf620d184241a6aed8b63a6ac"))],
            0);
        Assert.Equal("f051e59b5e2503ac626d03aaeac8ab7be2d72ba4b7e97119c5852d70d52dcb86", tx.Txid.ToString());
    }

    [Fact]
    public void Tx_Empty_TxidMatchesBtcd()
    {
        // TestTxID "no inputs or outputs"; TestTxSerializeSizeStripped gives 10 bytes.
        var tx = new Transaction(1, [], [], 0);
        Assert.Equal("d21633ba23f70118185227be58a63527675641ad37967e2aa461559f577aec43", tx.Txid.ToString());
        Assert.Equal(10, tx.BaseSize);
    }

    [Fact]
    public void Tx_WitnessFlagWithoutWitnesses_ThrowsMalformed()
    {
        // TestTxSuperfluousWitnessRecord.
        Assert.Equal(WireError.Malformed, DecodeError("tx", Hex(MultiWitnessFlagNoWitnessHex)));
    }

    [Fact]
    public void Tx_WitnessFlagZero_ThrowsMalformed()
    {
        Assert.Equal(WireError.Malformed, DecodeError("tx", Hex(MultiWitnessNonZeroFlagHex)));
    }

    [Fact]
    public void Tx_WitnessItemsBeyondScriptSlab_ThrowsTooMany()
    {
        // TestTxWitnessOverflowPanic: items of 3,000,000 and (claimed) 2,000,000 bytes.
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        var w = new WireWriter(writer);
        w.WriteInt32(2);
        w.WriteByte(0);
        w.WriteByte(1);
        w.WriteCompactSize(1);
        w.WriteHash(Hash256.Zero);
        w.WriteUInt32(0);
        w.WriteCompactSize(0);
        w.WriteUInt32(0);
        w.WriteCompactSize(0);
        w.WriteCompactSize(2);
        w.WriteVarBytes(new byte[3_000_000]);
        w.WriteVarBytes(new byte[2_000_000]);
        w.WriteUInt32(0);
        // 5 MB is above any message's maximum, so parse the bare transaction: the 4 MiB script total trips first.
        var bytes = writer.WrittenSpan.ToArray();
        Assert.Equal(WireError.TooMany, Assert.Throws<WireException>(() => Transaction.Parse(bytes)).Reason);
        Assert.Equal(WireError.Oversized, DecodeError("tx", bytes));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(41)]
    [InlineData(209)]
    public void MultiTx_Truncated_Throws(int length)
    {
        var error = DecodeError("tx", Hex(MultiTxHex)[..length]);
        Assert.True(error is WireError.Truncated or WireError.TooMany, error.ToString());
    }
}
