using System.Buffers;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using static ActorNode.Wire.Tests.Blocks.BlockTestSupport;
using V = ActorNode.Wire.Tests.Blocks.CompactBlockVectors;

namespace ActorNode.Wire.Tests.Blocks;

/// <summary>BIP152 messages: golden bytes from rust-bitcoin's bip152.rs, index vectors from rust-bitcoin and Bitcoin
/// Core's blockencodings_tests.cpp, and the limits of Core's blockencodings.h.</summary>
public class CompactBlockTests
{
    private static readonly WireContext BeforeCompactBlocks = new(ProtocolVersion.CompactBlocks - 1);

    private static byte[] Payload(Action<WireWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(new WireWriter(buffer));
        return buffer.WrittenSpan.ToArray();
    }

    // ---- cmpctblock --------------------------------------------------------------------------------------------

    [Fact]
    public void CompactBlock_GoldenVector_DecodesFieldByField()
    {
        var message = Decode<CompactBlockMessage>("cmpctblock", Hex(V.CompactHex));
        var block = Block.Parse(Hex(V.BlockHex));

        Assert.Equal(BlockHeader.Parse(Hex(V.HeaderHex)), message.Header);
        Assert.Equal(V.Nonce, message.Nonce);
        Assert.Equal(0x4571e979690aUL, Assert.Single(message.ShortIds));
        var prefilled = Assert.Single(message.PrefilledTransactions);
        Assert.Equal(0, prefilled.Index);
        Assert.True(prefilled.Transaction.IsCoinbase);
        Assert.True(prefilled.Transaction.HasWitness);
        Assert.Equal(block.Transactions[0].Wtxid, prefilled.Transaction.Wtxid);
        Assert.Equal(Hex(V.CoinbaseHex), prefilled.Transaction.ToArray());
        Assert.Equal(2, message.TransactionCount);
    }

    [Fact]
    public void CompactBlock_GoldenVector_ReencodesByteIdentical()
    {
        var bytes = Hex(V.CompactHex);
        Assert.Equal(bytes, Encode(Decode<CompactBlockMessage>("cmpctblock", bytes)));
    }

    [Fact]
    public void CompactBlock_FromBlock_MatchesGoldenVector()
    {
        var block = Block.Parse(Hex(V.BlockHex));
        var message = CompactBlockMessage.FromBlock(block, V.Nonce);
        Assert.Equal(Hex(V.CompactHex), Encode(message));
        // Even under base encoding, a compact block carries witnesses (version 2).
        Assert.Equal(Hex(V.CompactHex), Encode(message, new WireContext(ProtocolVersion.Current, WireEncoding.Base)));
    }

    [Fact]
    public void CompactBlock_ShortId_IsSipHashOfWtxidUnderHeaderNonceKeys()
    {
        var block = Block.Parse(Hex(V.BlockHex));
        var message = Decode<CompactBlockMessage>("cmpctblock", Hex(V.CompactHex));
        var keys = message.GetShortIdKeys();

        // Keys: the first two LE words of SHA-256(header ‖ nonce LE).
        var preimage = Hex(V.HeaderHex + "a4df3c3744da89fa");
        var sha = System.Security.Cryptography.SHA256.HashData(preimage);
        Assert.Equal(BitConverter.ToUInt64(sha, 0), keys.K0);
        Assert.Equal(BitConverter.ToUInt64(sha, 8), keys.K1);

        var spend = block.Transactions[1];
        Assert.NotEqual(spend.Txid, spend.Wtxid);
        Assert.Equal(message.ShortIds[0], keys.Compute(spend.Wtxid));
        Assert.Equal(message.ShortIds[0], ShortTxId.Compute(block.Header, V.Nonce, spend.Wtxid));
        Assert.NotEqual(message.ShortIds[0], keys.Compute(spend.Txid));
        Assert.Equal(message.ShortIds[0],
            SipHash.Hash24(keys.K0, keys.K1, spend.Wtxid.ToArray()) & 0xffff_ffff_ffffUL);
    }

    [Fact]
    public void CompactBlock_RealBlock_RoundTripsAndShortIdsMatchWtxids()
    {
        var block = Block.Parse(TestData.ReadAllBytes(TestData.Block574200));
        const ulong nonce = 0x0123456789abcdefUL;
        var message = CompactBlockMessage.FromBlock(block, nonce);
        Assert.Equal(3314, message.ShortIds.Length);

        var bytes = Encode(message);
        Assert.Equal(80 + 8 + 3 + 3314 * 6 + 1 + 1 + block.Transactions[0].TotalSize, bytes.Length);
        var back = Decode<CompactBlockMessage>("cmpctblock", bytes);
        Assert.Equal(message.ShortIds, back.ShortIds);
        Assert.Equal(bytes, Encode(back));

        var keys = ShortTxId.ComputeKeys(block.Header, nonce);
        for (int i = 1; i < block.Transactions.Length; i++)
            Assert.Equal(keys.Compute(block.Transactions[i].Wtxid), back.ShortIds[i - 1]);
    }

    [Fact]
    public void CompactBlock_PrefilledIndexes_AreDifferentiallyEncoded()
    {
        // BIP152: absolute indexes 0, 1, 2 encode as 0, 0, 0; indexes 0 and 2 as 0, 1 (rust-bitcoin
        // test_header_and_short_ids_from_block).
        var block = Block.Parse(Hex(V.BlockHex));
        var coinbase = block.Transactions[0];
        var header = block.Header;

        var twoOfThree = new CompactBlockMessage(header, 7, [0x1234],
            [new PrefilledTransaction(0, coinbase), new PrefilledTransaction(2, coinbase)]);
        var bytes = Encode(twoOfThree);
        int prefilledAt = 80 + 8 + 1 + 6;
        Assert.Equal(2, bytes[prefilledAt]);
        Assert.Equal(0, bytes[prefilledAt + 1]);
        Assert.Equal(1, bytes[prefilledAt + 2 + coinbase.TotalSize]);
        var back = Decode<CompactBlockMessage>("cmpctblock", bytes);
        Assert.Equal(new ushort[] { 0, 2 }, back.PrefilledTransactions.Select(p => p.Index));

        var all = new CompactBlockMessage(header, 7, [],
            [new(0, coinbase), new(1, coinbase), new(2, coinbase)]);
        bytes = Encode(all);
        Assert.Equal(0, bytes[81 + 8 + 1]);
        Assert.Equal(0, bytes[81 + 8 + 1 + 1 + coinbase.TotalSize]);
        Assert.Equal(0, bytes[81 + 8 + 1 + 2 * (1 + coinbase.TotalSize)]);
        Assert.Equal(new ushort[] { 0, 1, 2 },
            Decode<CompactBlockMessage>("cmpctblock", bytes).PrefilledTransactions.Select(p => p.Index));
    }

    [Fact]
    public void CompactBlock_PrefilledDeltaAbove16Bits_ThrowsMalformed()
    {
        // Core: "index overflowed 16-bits" for a delta of 0x10000 (fe 00000100).
        var bytes = Hex(V.HeaderHex + "a4df3c3744da89fa" + "00" + "01" + "fe00000100" + V.CoinbaseHex);
        Assert.Equal(WireError.Malformed, DecodeError("cmpctblock", bytes));
    }

    [Fact]
    public void CompactBlock_PrefilledIndexBeyondBlock_ThrowsMalformed()
    {
        // One short id and one prefilled transaction make two positions; index 2 (delta 2) is outside them,
        // the case Core's PartiallyDownloadedBlock::InitData rejects as READ_STATUS_INVALID.
        var bytes = Hex(V.HeaderHex + "a4df3c3744da89fa" + "01" + "0a6979e97145" + "01" + "02" + V.CoinbaseHex);
        Assert.Equal(WireError.Malformed, DecodeError("cmpctblock", bytes));
        // Index 1 is the last position and is fine.
        bytes = Hex(V.HeaderHex + "a4df3c3744da89fa" + "01" + "0a6979e97145" + "01" + "01" + V.CoinbaseHex);
        Assert.Equal(1, Decode<CompactBlockMessage>("cmpctblock", bytes).PrefilledTransactions[0].Index);
    }

    [Fact]
    public void CompactBlock_ShortIdCountBeyondPayload_ThrowsTooMany()
    {
        var bytes = Hex(V.HeaderHex + "a4df3c3744da89fa" + "fd0001" + "0a6979e97145" + "00");
        Assert.Equal(WireError.TooMany, DecodeError("cmpctblock", bytes));
    }

    [Fact]
    public void CompactBlock_MoreThan65535Transactions_ThrowsTooMany()
    {
        // 65,535 short ids leave no room for the prefilled coinbase (Core: "indexes overflowed 16 bits").
        var payload = Payload(w =>
        {
            BlockHeader.Parse(Hex(V.HeaderHex)).Write(w);
            w.WriteUInt64(1);
            w.WriteCompactSize(65_535);
            w.WriteBytes(new byte[65_535 * 6]);
            w.WriteCompactSize(1);
            w.WriteCompactSize(0);
            w.WriteBytes(Hex(V.CoinbaseHex));
        });
        Assert.Equal(WireError.TooMany, DecodeError("cmpctblock", payload));
        Assert.Equal(WireError.TooMany, DecodeError("cmpctblock", Hex(V.HeaderHex + "0000000000000000" + "fe00000100")));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(80)]
    [InlineData(88)]
    [InlineData(89)]
    [InlineData(95)]
    [InlineData(96)]
    [InlineData(97)]
    [InlineData(120)]
    [InlineData(244)]
    public void CompactBlock_Truncated_Throws(int length)
    {
        var error = DecodeError("cmpctblock", Hex(V.CompactHex)[..length]);
        Assert.True(error is WireError.Truncated or WireError.TooMany, error.ToString());
    }

    [Fact]
    public void CompactBlock_EncodeRejectsBadMessages()
    {
        var block = Block.Parse(Hex(V.BlockHex));
        var coinbase = block.Transactions[0];
        var wide = new CompactBlockMessage(block.Header, 1, [1UL << 48], []);
        Assert.Equal(WireError.Malformed, Assert.Throws<WireException>(() => Encode(wide)).Reason);
        var unordered = new CompactBlockMessage(block.Header, 1, [1, 2], [new(2, coinbase), new(1, coinbase)]);
        Assert.Equal(WireError.Malformed, Assert.Throws<WireException>(() => Encode(unordered)).Reason);
        var beyond = new CompactBlockMessage(block.Header, 1, [], [new(1, coinbase)]);
        Assert.Equal(WireError.Malformed, Assert.Throws<WireException>(() => Encode(beyond)).Reason);
    }

    // ---- sendcmpct ---------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("000200000000000000", false, 2UL)]
    [InlineData("010200000000000000", true, 2UL)]
    [InlineData("010100000000000000", true, 1UL)]
    public void SendCompact_RoundTrips(string hex, bool announce, ulong version)
    {
        var message = Decode<SendCompactMessage>("sendcmpct", Hex(hex));
        Assert.Equal(new SendCompactMessage(announce, version), message);
        Assert.Equal(Hex(hex), Encode(message));
    }

    [Fact]
    public void SendCompact_NonZeroByte_ReadsAsTrue()
    {
        Assert.True(Decode<SendCompactMessage>("sendcmpct", Hex("020200000000000000")).Announce);
    }

    [Fact]
    public void SendCompact_WrongLength_Throws()
    {
        Assert.Equal(WireError.Truncated, DecodeError("sendcmpct", Hex("0102000000000000")));
        Assert.Equal(WireError.Oversized, DecodeError("sendcmpct", Hex("01020000000000000000")));
    }

    // ---- getblocktxn -------------------------------------------------------------------------------------------

    public static TheoryData<string, ushort[]> DifferentialVectors => new()
    {
        // rust-bitcoin test_getblocktx_differential_encoding_de_and_serialization: (wire bytes after the hash, indexes).
        { "040005010a", [0, 6, 8, 19] },
        { "0100", [0] },
        { "050000000000", [0, 1, 2, 3, 4] },
        { "03010101", [1, 3, 5] },
        { "030000fd0001", [0, 1, 258] },
        // Core TransactionsRequestSerializationTest: 0, 1, 3, 4.
        { "0400000100", [0, 1, 3, 4] },
        // Core TransactionsRequestDeserializationMaxTest: the highest legal index.
        { "01fdffff", [0xffff] },
        { "00", [] },
    };

    [Theory]
    [MemberData(nameof(DifferentialVectors))]
    public void GetBlockTxn_DifferentialVector_RoundTrips(string encodedIndexes, ushort[] indexes)
    {
        var hash = Hash256.Parse("00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048");
        var bytes = Hex(Convert.ToHexString(hash.ToArray()) + encodedIndexes);
        var message = Decode<GetBlockTransactionsMessage>("getblocktxn", bytes);
        Assert.Equal(hash, message.BlockHash);
        Assert.Equal(indexes, message.Indexes);
        Assert.Equal(bytes, Encode(new GetBlockTransactionsMessage(hash, indexes)));
    }

    [Theory]
    // rust-bitcoin deser_errorcases: deltas of u64::MAX - 1 and u64::MAX.
    [InlineData("02fffeffffffffffffff00")]
    [InlineData("01ffffffffffffffffff")]
    // Core TransactionsRequestDeserializationOverflowTest: 0x7000, 0x10000 - 0x7000 - 2, 0 reaches 0x10000.
    [InlineData("03fd0070fdfe8f00")]
    // 0xffff then one more index.
    [InlineData("02fdffff00")]
    // A single delta of 0x10000.
    [InlineData("01fe00000100")]
    public void GetBlockTxn_IndexOverflow_ThrowsMalformed(string encodedIndexes)
    {
        var bytes = Hex(new string('0', 64) + encodedIndexes);
        Assert.Equal(WireError.Malformed, DecodeError("getblocktxn", bytes));
    }

    [Fact]
    public void GetBlockTxn_CountBeyondPayloadOrLimit_ThrowsTooMany()
    {
        Assert.Equal(WireError.TooMany, DecodeError("getblocktxn", Hex(new string('0', 64) + "0300")));
        Assert.Equal(WireError.TooMany, DecodeError("getblocktxn", Hex(new string('0', 64) + "fe01000100")));
    }

    [Fact]
    public void GetBlockTxn_AllIndexes_FitMaxPayload()
    {
        var indexes = Enumerable.Range(0, 65_536).Select(i => (ushort)i).ToArray();
        var message = new GetBlockTransactionsMessage(Hash256.Zero, indexes);
        var bytes = Encode(message);
        Assert.Equal(32 + 5 + 65_536, bytes.Length);
        Assert.Equal(indexes, Decode<GetBlockTransactionsMessage>("getblocktxn", bytes).Indexes);
        Assert.True(GetBlockTransactionsMessage.MaxPayload >= 32 + 5 + 65_536 * 3);
    }

    [Fact]
    public void GetBlockTxn_EncodeUnorderedIndexes_ThrowsMalformed()
    {
        var message = new GetBlockTransactionsMessage(Hash256.Zero, [3, 3]);
        Assert.Equal(WireError.Malformed, Assert.Throws<WireException>(() => Encode(message)).Reason);
    }

    // ---- blocktxn ----------------------------------------------------------------------------------------------

    [Fact]
    public void BlockTxn_RealTransactions_RoundTripWithWitness()
    {
        var block = Block.Parse(TestData.ReadAllBytes(TestData.Block540107));
        var txs = block.Transactions.Where(tx => tx.HasWitness).Take(5)
            .Concat(block.Transactions.Where(tx => !tx.HasWitness).Take(2)).ToArray();
        var message = new BlockTransactionsMessage(block.GetHash(), txs);

        var bytes = Encode(message, new WireContext(ProtocolVersion.Current, WireEncoding.Base));
        var expected = new List<byte>(block.GetHash().ToArray()) { (byte)txs.Length };
        foreach (var tx in txs) expected.AddRange(tx.ToArray(WireEncoding.Witness));
        Assert.Equal(expected.ToArray(), bytes);

        var back = Decode<BlockTransactionsMessage>("blocktxn", bytes);
        Assert.Equal(block.GetHash(), back.BlockHash);
        Assert.Equal(txs.Select(tx => tx.Wtxid), back.Transactions.Select(tx => tx.Wtxid));
        Assert.Equal(bytes, Encode(back));
    }

    [Fact]
    public void BlockTxn_Empty_RoundTrips()
    {
        var bytes = Hex(new string('0', 64) + "00");
        var message = Decode<BlockTransactionsMessage>("blocktxn", bytes);
        Assert.Empty(message.Transactions);
        Assert.Equal(bytes, Encode(message));
    }

    [Fact]
    public void BlockTxn_CountBeyondPayload_ThrowsTooMany()
    {
        // 100 transactions cannot fit in the 161 bytes left (10 bytes at least each).
        var bytes = Hex(new string('0', 64) + "64" + V.CoinbaseHex);
        Assert.Equal(WireError.TooMany, DecodeError("blocktxn", bytes));
    }

    [Fact]
    public void BlockTxn_TruncatedTransaction_Throws()
    {
        var bytes = Hex(new string('0', 64) + "01" + V.CoinbaseHex)[..^1];
        Assert.Equal(WireError.Truncated, DecodeError("blocktxn", bytes));
    }

    // ---- gates and registry ------------------------------------------------------------------------------------

    public static TheoryData<string> Commands => new() { "sendcmpct", "cmpctblock", "getblocktxn", "blocktxn" };

    [Theory]
    [MemberData(nameof(Commands))]
    public void CompactBlockMessages_BelowVersion70014_AreUnsupported(string command)
    {
        Assert.True(MessageRegistry.TryGet(command, out var descriptor));
        Assert.Equal(70014u, descriptor.MinProtocolVersion);
        Assert.Equal(WireError.UnsupportedVersion, DecodeError(command, [], BeforeCompactBlocks));
    }

    [Fact]
    public void CompactBlockMessages_EncodeBelowVersion70014_AreUnsupported()
    {
        var block = Block.Parse(Hex(V.BlockHex));
        IWireMessage[] messages =
        [
            new SendCompactMessage(false, 2),
            CompactBlockMessage.FromBlock(block, 1),
            new GetBlockTransactionsMessage(Hash256.Zero, [1]),
            new BlockTransactionsMessage(Hash256.Zero, [block.Transactions[1]]),
        ];
        foreach (var message in messages)
            Assert.Equal(WireError.UnsupportedVersion,
                Assert.Throws<WireException>(() => Encode(message, BeforeCompactBlocks)).Reason);
    }

    [Fact]
    public void CompactBlockMessages_Descriptors_MatchDesign()
    {
        Assert.True(MessageRegistry.TryGet("sendcmpct", out var send));
        Assert.True(MessageRegistry.TryGet("cmpctblock", out var cmpct));
        Assert.True(MessageRegistry.TryGet("getblocktxn", out var get));
        Assert.True(MessageRegistry.TryGet("blocktxn", out var txn));
        Assert.Equal(9, send.MaxPayload(ProtocolVersion.Current));
        Assert.Equal(4_000_000, cmpct.MaxPayload(ProtocolVersion.Current));
        Assert.Equal(4_000_000, txn.MaxPayload(ProtocolVersion.Current));
        Assert.Equal(32 + 5 + 65_536 * 3, get.MaxPayload(ProtocolVersion.Current));
        Assert.True(cmpct.RetainsPayload);
        Assert.True(txn.RetainsPayload);
        Assert.False(send.RetainsPayload);
        Assert.False(get.RetainsPayload);
    }

    [Fact]
    public void CompactBlock_ThroughFrameDecoder_RoundTrips()
    {
        var encoder = new MessageEncoder(TestData.MainNetMagic);
        var frame = encoder.Encode(Decode<CompactBlockMessage>("cmpctblock", Hex(V.CompactHex)), Latest);
        var decoder = new FrameDecoder(TestData.MainNetMagic, Latest);
        var received = new List<IWireMessage>();
        foreach (byte b in frame) decoder.ReadAll([b], received);
        var message = Assert.IsType<CompactBlockMessage>(Assert.Single(received));
        Assert.Equal(Hex(V.CompactHex), Encode(message));
    }
}
