using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using static ActorNode.Wire.Tests.Blocks.BlockTestSupport;

namespace ActorNode.Wire.Tests.Blocks;

/// <summary>headers (btcd wire/msgheaders_test.go) and merkleblock (btcd wire/msgmerkleblock_test.go), plus the
/// eleven real mainnet headers of shared/data.</summary>
public class HeadersAndMerkleBlockTests
{
    private const string BlockOneHeaderHex =
        "01000000" +
        "6fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000" +
        "982051fd1e4ba744bbbe680e1fee14677ba1a3c3540bf7b1cdb606e857233e0e" +
        "61bc6649" + "ffff001d" + "01e36299";

    // msgheaders_test.go oneHeaderEncoded: count 1, block 1's header, tx count 0.
    private const string OneHeaderHex = "01" + BlockOneHeaderHex + "00";

    // msgheaders_test.go transHeaderEncoded: the same with a tx count of 1.
    private const string TransHeaderHex = "01" + BlockOneHeaderHex + "01";

    // msgmerkleblock_test.go merkleBlockOneBytes.
    private const string MerkleBlockOneHex =
        BlockOneHeaderHex +
        "01000000" +
        "01" + "982051fd1e4ba744bbbe680e1fee14677ba1a3c3540bf7b1cdb606e857233e0e" +
        "01" + "80";

    [Fact]
    public void Headers_Empty_RoundTrips()
    {
        var message = Decode<HeadersMessage>("headers", Hex("00"));
        Assert.Empty(message.Headers);
        Assert.Equal(Hex("00"), Encode(new HeadersMessage([])));
    }

    [Fact]
    public void Headers_OneHeader_DecodesFieldsAndReencodes()
    {
        var bytes = Hex(OneHeaderHex);
        var header = Assert.Single(Decode<HeadersMessage>("headers", bytes).Headers);
        Assert.Equal(1, header.Version);
        Assert.Equal(MainNetGenesis, header.PreviousBlock.ToString());
        Assert.Equal("0e3e2357e806b6cdb1f70b54c3a3a17b6714ee1f0e68bebb44a74b1efd512098", header.MerkleRoot.ToString());
        Assert.Equal(0x4966bc61u, header.Timestamp);
        Assert.Equal(0x1d00ffffu, header.Bits);
        Assert.Equal(0x9962e301u, header.Nonce);
        Assert.Equal("00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048", header.GetHash().ToString());

        Assert.Equal(bytes, Encode(new HeadersMessage([header])));
        Assert.Equal(bytes, Encode(new HeadersMessage([header]), new WireContext(ProtocolVersion.MultipleAddress)));
    }

    [Fact]
    public void Headers_NonZeroTxCount_ThrowsMalformed()
    {
        Assert.Equal(WireError.Malformed, DecodeError("headers", Hex(TransHeaderHex)));
    }

    [Fact]
    public void Headers_NonCanonicalTxCount_Throws()
    {
        // fd 00 00: zero, but not in its shortest form.
        var bytes = Hex("01" + BlockOneHeaderHex + "fd0000");
        Assert.Equal(WireError.NonCanonical, DecodeError("headers", bytes));
    }

    [Fact]
    public void Headers_MoreThan2000_ThrowsTooMany()
    {
        // TestHeadersWireErrors maxHeadersEncoded: fd d1 07 = 2001.
        Assert.Equal(WireError.TooMany, DecodeError("headers", Hex("fdd107")));
    }

    [Fact]
    public void Headers_CountBeyondPayload_ThrowsTooMany()
    {
        // Claims two headers but carries one.
        var bytes = Hex("02" + BlockOneHeaderHex + "00");
        Assert.Equal(WireError.TooMany, DecodeError("headers", bytes));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(81)]
    public void Headers_Truncated_Throws(int length)
    {
        var error = DecodeError("headers", Hex(OneHeaderHex)[..length]);
        Assert.True(error is WireError.Truncated or WireError.TooMany, error.ToString());
    }

    [Fact]
    public void Headers_TrailingByte_Throws()
    {
        Assert.Equal(WireError.TrailingBytes, DecodeError("headers", Hex(OneHeaderHex + "00")));
    }

    [Fact]
    public void Headers_Encode2001_ThrowsTooMany()
    {
        var header = BlockHeader.Parse(Hex(BlockOneHeaderHex));
        var message = new HeadersMessage(Enumerable.Repeat(header, 2001).ToArray());
        Assert.Equal(WireError.TooMany, Assert.Throws<WireException>(() => Encode(message)).Reason);
    }

    [Fact]
    public void Headers_2000_RoundTripsAtMaxPayload()
    {
        var header = BlockHeader.Parse(Hex(BlockOneHeaderHex));
        var message = new HeadersMessage(Enumerable.Repeat(header, 2000).ToArray());
        var bytes = Encode(message);
        Assert.Equal(3 + 81 * 2000, bytes.Length);
        Assert.Equal(message.Headers, Decode<HeadersMessage>("headers", bytes).Headers);
    }

    [Fact]
    public void Headers_MaxPayload_Is162009()
    {
        // TestHeaders: wantPayload 162009.
        Assert.True(MessageRegistry.TryGet("headers", out var descriptor));
        Assert.Equal(162_009, descriptor.MaxPayload(ProtocolVersion.Current));
        Assert.False(descriptor.RetainsPayload);
    }

    [Fact]
    public void Headers_Mainnet1To11_RoundTripAndLink()
    {
        var lines = TestData.ReadHexLines(TestData.HeadersMainnet1To11);
        Assert.Equal(11, lines.Count);
        var headers = lines.Select(line => BlockHeader.Parse(line)).ToArray();

        var payload = Encode(new HeadersMessage(headers));
        var expected = new List<byte> { 11 };
        foreach (var line in lines)
        {
            expected.AddRange(line);
            expected.Add(0);
        }
        Assert.Equal(expected.ToArray(), payload);

        var decoded = Decode<HeadersMessage>("headers", payload).Headers;
        Assert.Equal(headers, decoded);
        Assert.Equal(MainNetGenesis, decoded[0].PreviousBlock.ToString());
        for (int i = 1; i < decoded.Length; i++)
            Assert.Equal(decoded[i - 1].GetHash(), decoded[i].PreviousBlock);
        Assert.Equal("00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048", decoded[0].GetHash().ToString());
        Assert.Equal("0000000097be56d606cdd9c54b04d4747e957d3608abe69198c661f2add73073", decoded[10].GetHash().ToString());
    }

    [Fact]
    public void MerkleBlockOne_Decode_FieldsMatchBtcd()
    {
        var bytes = Hex(MerkleBlockOneHex);
        var message = Decode<MerkleBlockMessage>("merkleblock", bytes);
        Assert.Equal(BlockHeader.Parse(Hex(BlockOneHeaderHex)), message.Header);
        Assert.Equal(1u, message.TotalTransactions);
        var hash = Assert.Single(message.Hashes);
        Assert.Equal("0e3e2357e806b6cdb1f70b54c3a3a17b6714ee1f0e68bebb44a74b1efd512098", hash.ToString());
        Assert.Equal(new byte[] { 0x80 }, message.Flags.ToArray());

        Assert.Equal(bytes, Encode(message));
        Assert.Equal(bytes, Encode(message, new WireContext(ProtocolVersion.Bip0037)));
    }

    [Fact]
    public void MerkleBlock_BelowBip37_IsUnsupported()
    {
        var old = new WireContext(ProtocolVersion.Bip0037 - 1);
        Assert.Equal(WireError.UnsupportedVersion, DecodeError("merkleblock", Hex(MerkleBlockOneHex), old));
        var message = Decode<MerkleBlockMessage>("merkleblock", Hex(MerkleBlockOneHex));
        Assert.Equal(WireError.UnsupportedVersion,
            Assert.Throws<WireException>(() => Encode(message, old)).Reason);
    }

    [Fact]
    public void MerkleBlock_TooManyHashes_ThrowsTooMany()
    {
        // TestMerkleBlockOverflowErrors: maxTxPerBlock + 1 = 400,002 hashes at offset 84.
        var bytes = Hex(MerkleBlockOneHex[..(84 * 2)] + "fe821a0600");
        Assert.Equal(WireError.TooMany, DecodeError("merkleblock", bytes));
    }

    [Fact]
    public void MerkleBlock_TooManyFlagBytes_ThrowsTooMany()
    {
        // TestMerkleBlockOverflowErrors: maxFlagsPerMerkleBlock + 1 = 50,001 flag bytes at offset 117.
        var bytes = Hex(MerkleBlockOneHex[..(117 * 2)] + "fd51c3");
        Assert.Equal(WireError.TooMany, DecodeError("merkleblock", bytes));
    }

    [Fact]
    public void MerkleBlock_HashCountBeyondPayload_ThrowsTooMany()
    {
        var bytes = Hex(MerkleBlockOneHex);
        bytes[84] = 2;
        Assert.Equal(WireError.TooMany, DecodeError("merkleblock", bytes));
    }

    [Theory] // TestMerkleBlockWireErrors offsets.
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(36)]
    [InlineData(68)]
    [InlineData(72)]
    [InlineData(76)]
    [InlineData(80)]
    [InlineData(84)]
    [InlineData(85)]
    [InlineData(117)]
    [InlineData(118)]
    public void MerkleBlock_Truncated_Throws(int length)
    {
        var error = DecodeError("merkleblock", Hex(MerkleBlockOneHex)[..length]);
        Assert.True(error is WireError.Truncated or WireError.TooMany, error.ToString());
    }

    [Fact]
    public void MerkleBlock_EncodeTooManyFlags_ThrowsTooMany()
    {
        var message = Decode<MerkleBlockMessage>("merkleblock", Hex(MerkleBlockOneHex)) with
        {
            Flags = new byte[MerkleBlockMessage.MaxFlagBytes + 1],
        };
        Assert.Equal(WireError.TooMany, Assert.Throws<WireException>(() => Encode(message)).Reason);
    }

    [Fact]
    public void MerkleBlock_EncodeTooManyHashes_ThrowsTooMany()
    {
        var message = Decode<MerkleBlockMessage>("merkleblock", Hex(MerkleBlockOneHex)) with
        {
            Hashes = new Hash256[WireLimits.MaxTxPerBlock + 1],
        };
        Assert.Equal(WireError.TooMany, Assert.Throws<WireException>(() => Encode(message)).Reason);
    }

    [Fact]
    public void MerkleBlock_MaxPayloadAndGate_MatchReference()
    {
        Assert.True(MessageRegistry.TryGet("merkleblock", out var descriptor));
        Assert.Equal(4_000_000, descriptor.MaxPayload(ProtocolVersion.Current));
        Assert.Equal(70001u, descriptor.MinProtocolVersion);
        Assert.Equal(50_000, MerkleBlockMessage.MaxFlagBytes);
    }
}
