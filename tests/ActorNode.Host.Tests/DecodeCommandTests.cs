using System.Text.Json;
using ActorNode.Wire;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;

namespace ActorNode.Host.Tests;

public class DecodeCommandTests
{
    private const string BlockHash = "00000000000000000021868c2cefc52a480d173c849412fe81c4e5ab806f94ab";
    private const uint MainnetMagic = 0xD9B4BEF9;

    private static string BlockFile => ActorNode.Wire.Tests.TestData.PathOf($"block-{BlockHash}.blk");

    // btcd wire/msgtx_test.go TestWTxSha ("from block 23157 in a past version of segnet"), serialised with witness.
    private const string SegnetTxHex =
        "01000000" + "0001" + "01"
        + "a53352d5135766f03076597418263da2d9c958315968fea823529467481ff9cd" + "13000000" + "00" + "ffffffff"
        + "01" + "0b07060000000000" + "16" + "00149ddac6f39d51e0398e532a22c41ba189406a8523"
        + "02"
        + "46" + "3043021f4d2381dc97f182abd8185f51753018523212f5ddc07cc4e63a8dc03658da190220608b5c4d92b86b6de7d78ef23a2fa735bcb59b914a48b0e187c5e7569a18197001"
        + "21" + "0307ead084807eb76346df6977000c89392f45c76425b26181f521d7f370066a8f"
        + "00000000";
    private const string SegnetTxid = "0f167d1385a84d1518cfee208b653fc9163b605ccf1b75347e2850b3e2eb19f3";
    private const string SegnetWtxid = "0858eab78e77b6b033da30f46699996396cf48fcf625a783c85a51403e175e74";

    // The mainnet genesis coinbase (btcd chaincfg/genesis.go genesisCoinbaseTx); its txid is the genesis merkle root.
    private const string GenesisScriptSig =
        "04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73";
    private const string GenesisPkScript =
        "4104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac";
    private const string GenesisCoinbaseHex =
        "01000000" + "01" + "0000000000000000000000000000000000000000000000000000000000000000" + "ffffffff"
        + "4d" + GenesisScriptSig + "ffffffff"
        + "01" + "00f2052a01000000" + "43" + GenesisPkScript
        + "00000000";
    private const string GenesisMerkleRoot = "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b";

    [Fact]
    public void Decode_RealBlockFile_PrintsHeaderCountsAndEveryTransaction()
    {
        var result = CliRunner.Run("decode", "--block", BlockFile);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr);
        var block = Assert.Single(result.Documents);
        // Header facts from shared/data/README.md (height 540,107).
        Assert.Equal(BlockHash, block.GetProperty("hash").GetString());
        Assert.Equal(0x20000000, block.GetProperty("version").GetInt32());
        Assert.Equal(1536190243u, block.GetProperty("timestamp").GetUInt32());
        Assert.Equal(0x1729d72du, block.GetProperty("bits").GetUInt32());
        Assert.Equal(230, block.GetProperty("txCount").GetInt32());
        Assert.Equal(new FileInfo(BlockFile).Length, block.GetProperty("size").GetInt64());
        Assert.InRange(block.GetProperty("weight").GetInt32(), 3_000_000, 4_000_000);

        var txs = block.GetProperty("transactions").EnumerateArray().ToArray();
        Assert.Equal(230, txs.Length);
        Assert.Equal(104, txs.Count(t => t.GetProperty("wtxid").GetString() != t.GetProperty("txid").GetString()));

        // The first transaction is the coinbase: one input spending the null outpoint.
        var coinbaseInput = Assert.Single(txs[0].GetProperty("inputs").EnumerateArray());
        Assert.Equal(new string('0', 64) + ":4294967295", coinbaseInput.GetProperty("previousOutput").GetString());

        // The printed txids rebuild the header's merkle root.
        var txids = txs.Select(t => Hash256.Parse(t.GetProperty("txid").GetString()!)).ToArray();
        Assert.Equal(block.GetProperty("merkleRoot").GetString(), MerkleTree.ComputeRoot(txids).ToString());

        // The printed wtxids rebuild the BIP141 witness commitment in the coinbase (coinbase wtxid counts as zero).
        var wtxids = txs.Select(t => Hash256.Parse(t.GetProperty("wtxid").GetString()!)).ToArray();
        wtxids[0] = Hash256.Zero;
        var reserved = Convert.FromHexString(coinbaseInput.GetProperty("witness")[0].GetString()!);
        var commitmentInput = MerkleTree.ComputeRoot(wtxids).ToArray().Concat(reserved).ToArray();
        string commitment = Convert.ToHexStringLower(Hash256.DoubleSha256(commitmentInput).ToArray());
        Assert.Contains(txs[0].GetProperty("outputs").EnumerateArray(),
            o => o.GetProperty("pkScript").GetString() == "6a24aa21a9ed" + commitment);
    }

    [Fact]
    public void Decode_SegwitTxHexOnStdin_PrintsTxidWtxidAndFields()
    {
        // Whitespace, line breaks and a 0x prefix are all accepted.
        string stdin = "0x" + string.Join("\n  ", SegnetTxHex.Chunk(50).Select(c => new string(c))) + "\n";

        var result = CliRunner.RunWithStdin(stdin, "decode", "--tx");

        Assert.Equal(0, result.ExitCode);
        var tx = Assert.Single(result.Documents);
        Assert.Equal(SegnetTxid, tx.GetProperty("txid").GetString());
        Assert.Equal(SegnetWtxid, tx.GetProperty("wtxid").GetString());
        Assert.Equal(1, tx.GetProperty("version").GetInt32());
        Assert.Equal(SegnetTxHex.Length / 2, tx.GetProperty("size").GetInt32());
        var input = Assert.Single(tx.GetProperty("inputs").EnumerateArray());
        Assert.Equal("cdf91f4867945223a8fe68593158c9d9a23d261874597630f0665713d55233a5:19",
            input.GetProperty("previousOutput").GetString());
        Assert.Equal("", input.GetProperty("scriptSig").GetString());
        Assert.Equal(0xffffffffu, input.GetProperty("sequence").GetUInt32());
        var witness = input.GetProperty("witness").EnumerateArray().Select(w => w.GetString()).ToArray();
        Assert.Equal(2, witness.Length);
        Assert.StartsWith("3043021f4d23", witness[0]);
        Assert.Equal("0307ead084807eb76346df6977000c89392f45c76425b26181f521d7f370066a8f", witness[1]);
        var output = Assert.Single(tx.GetProperty("outputs").EnumerateArray());
        Assert.Equal(395019, output.GetProperty("value").GetInt64());
        Assert.Equal("00149ddac6f39d51e0398e532a22c41ba189406a8523", output.GetProperty("pkScript").GetString());
        Assert.Equal(0u, tx.GetProperty("lockTime").GetUInt32());
    }

    [Fact]
    public void Decode_LegacyTxFromStdinDash_WtxidEqualsTxidAndWitnessIsEmpty()
    {
        var result = CliRunner.RunWithStdin(GenesisCoinbaseHex, "decode", "--tx", "-", "--pretty");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\n  \"txid\"", result.Stdout); // indented
        var tx = Assert.Single(result.Documents);
        Assert.Equal(GenesisMerkleRoot, tx.GetProperty("txid").GetString());
        Assert.Equal(GenesisMerkleRoot, tx.GetProperty("wtxid").GetString());
        var input = Assert.Single(tx.GetProperty("inputs").EnumerateArray());
        Assert.Equal(GenesisScriptSig, input.GetProperty("scriptSig").GetString());
        Assert.Empty(input.GetProperty("witness").EnumerateArray());
        var output = Assert.Single(tx.GetProperty("outputs").EnumerateArray());
        Assert.Equal(5_000_000_000, output.GetProperty("value").GetInt64());
        Assert.Equal(GenesisPkScript, output.GetProperty("pkScript").GetString());
    }

    [Fact]
    public void Decode_FramedStream_PrintsOneJsonLinePerMessageInOrder()
    {
        byte[] block = File.ReadAllBytes(BlockFile);
        var stream = Frames(MainnetMagic,
            new UnknownMessage("ping", new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }),
            new UnknownMessage("verack", ReadOnlyMemory<byte>.Empty),
            new UnknownMessage("block", block),
            new UnknownMessage("xyzzy", new byte[] { 0xde, 0xad, 0xbe, 0xef }));

        var result = CliRunner.RunWithStdin(Convert.ToHexStringLower(stream), "decode");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(MainnetDetected, result.Stderr);
        Assert.Equal(4, result.Lines.Length);
        var documents = result.Documents;
        Assert.Equal(["ping", "verack", "block", "xyzzy"], documents.Select(d => d.GetProperty("command").GetString()));
        Assert.Equal("command", documents[0].EnumerateObject().First().Name);
        // An unknown command keeps its payload as hex.
        Assert.Equal("deadbeef", documents[3].GetProperty("payload").GetString());
        // The block frame prints either its raw payload (no block decoder registered) or the decoded block.
        var blockJson = documents[2];
        if (blockJson.TryGetProperty("payload", out var payload))
            Assert.Equal(Convert.ToHexStringLower(block), payload.GetString());
        else
            Assert.Contains(BlockHash, blockJson.GetRawText());
    }

    [Fact]
    public void Decode_HexFileWithPretty_PrintsIndentedDocuments()
    {
        var stream = Frames(MainnetMagic,
            new UnknownMessage("xyzzy", new byte[] { 1 }), new UnknownMessage("plugh", new byte[] { 2, 3 }));
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, Convert.ToHexString(stream) + "\n");
            var result = CliRunner.Run("decode", "--hex", "--pretty", path);

            Assert.Equal(0, result.ExitCode);
            Assert.Contains("\n  \"payload\": \"0203\"", result.Stdout);
            Assert.Equal(["xyzzy", "plugh"], result.Documents.Select(d => d.GetProperty("command").GetString()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Decode_RawFrameFile_ReadsBytes()
    {
        var stream = Frames(MainnetMagic, new UnknownMessage("xyzzy", new byte[] { 0xab }));
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, stream);
            var result = CliRunner.Run("decode", path);

            Assert.Equal(0, result.ExitCode);
            Assert.Equal("ab", Assert.Single(result.Documents).GetProperty("payload").GetString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("mainnet", 0xD9B4BEF9u)]
    [InlineData("testnet3", 0x0709110Bu)]
    [InlineData("testnet4", 0x283F161Cu)]
    [InlineData("signet", 0x40CF030Au)]
    [InlineData("regtest", 0xDAB5BFFAu)]
    public void Decode_NetworkOption_AcceptsThatNetworksMagicOnly(string network, uint magic)
    {
        string hex = Convert.ToHexString(Frames(magic, new UnknownMessage("xyzzy", new byte[] { 7 })));

        var ok = CliRunner.RunWithStdin(hex, "decode", "--network", network);
        var wrong = CliRunner.RunWithStdin(hex, "decode", "--network", network == "mainnet" ? "regtest" : "mainnet");

        Assert.Equal(0, ok.ExitCode);
        Assert.Equal("07", Assert.Single(ok.Documents).GetProperty("payload").GetString());
        Assert.Equal("", ok.Stderr); // forced, not detected: nothing to say
        Assert.Equal(1, wrong.ExitCode);
        Assert.StartsWith("error: BadMagic: ", wrong.Stderr);
        Assert.EndsWith("(frame 0 at byte offset 0)\n", wrong.Stderr);
    }

    /// <summary>Without --network, the first frame's magic chooses the network, named on stderr.</summary>
    [Theory]
    [InlineData("mainnet", 0xD9B4BEF9u)]
    [InlineData("testnet3", 0x0709110Bu)]
    [InlineData("testnet4", 0x283F161Cu)]
    [InlineData("signet", 0x40CF030Au)]
    [InlineData("regtest", 0xDAB5BFFAu)]
    public void Decode_WithoutNetworkOption_DetectsEachNetworkFromTheFirstFramesMagic(string network, uint magic)
    {
        byte[] stream = Frames(magic, new UnknownMessage("xyzzy", new byte[] { 7 }), new UnknownMessage("plugh", new byte[] { 8 }));
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, stream);
            foreach (var result in new[] { CliRunner.Run("decode", path), CliRunner.RunWithStdin(Convert.ToHexString(stream), "decode") })
            {
                Assert.Equal(0, result.ExitCode);
                Assert.Equal(["07", "08"], result.Documents.Select(d => d.GetProperty("payload").GetString()));
                Assert.Equal($"network: {network} (from the first frame's magic 0x{magic:x8})\n", result.Stderr);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Decode_DetectedNetwork_HoldsForTheWholeStream_AFrameOfAnotherNetworkIsBadMagic()
    {
        byte[] stream = [.. Frames(0xDAB5BFFAu, new UnknownMessage("xyzzy", new byte[] { 1 })),
            .. Frames(MainnetMagic, new UnknownMessage("xyzzy", new byte[] { 2 }))];

        var result = CliRunner.RunWithStdin(Convert.ToHexString(stream), "decode");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("01", Assert.Single(result.Documents).GetProperty("payload").GetString());
        Assert.StartsWith("network: regtest (from the first frame's magic 0xdab5bffa)\nerror: BadMagic: ", result.Stderr);
        Assert.EndsWith("(frame 1 at byte offset 25)\n", result.Stderr);
    }

    [Fact]
    public void Decode_UnknownMagic_SaysNoNetworkUsesIt_AndFailsWithBadMagic()
    {
        string hex = Convert.ToHexString(Frames(0x12345678u, new UnknownMessage("xyzzy", new byte[] { 1 })));

        var result = CliRunner.RunWithStdin(hex, "decode");

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Documents);
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal("network: none known uses the first frame's magic 0x12345678; reading as mainnet (--network forces one)", lines[0]);
        Assert.StartsWith("error: BadMagic: ", lines[1]);
    }

    [Fact]
    public void Decode_NetworkOption_ForcesItsMagic_EvenWhenTheStreamIsAnotherKnownNetworks()
    {
        string hex = Convert.ToHexString(Frames(0xDAB5BFFAu, new UnknownMessage("xyzzy", new byte[] { 1 })));

        var result = CliRunner.RunWithStdin(hex, "decode", "--network", "testnet4");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: BadMagic: ", result.Stderr);
        Assert.DoesNotContain("network:", result.Stderr);
    }

    [Fact]
    public void Decode_BadChecksumInFourthFrame_PrintsEarlierFramesAndExits1()
    {
        var pings = Enumerable.Range(0, 4)
            .Select(i => (IWireMessage)new UnknownMessage("ping", BitConverter.GetBytes((ulong)i + 1))).ToArray();
        byte[] stream = Frames(MainnetMagic, pings);
        Assert.Equal(128, stream.Length); // four 32-byte frames
        stream[96 + 20] ^= 0xff;          // the fourth frame's checksum

        var result = CliRunner.RunWithStdin(Convert.ToHexString(stream), "decode");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(3, result.Documents.Count);
        Assert.Equal(MainnetDetected + "error: BadChecksum: ping: payload checksum mismatch (frame 3 at byte offset 96)\n", result.Stderr);
    }

    [Fact]
    public void Decode_StreamEndsInsideFrame_ReportsTheLeftoverBytesAndExits1()
    {
        byte[] whole = Frames(MainnetMagic,
            new UnknownMessage("xyzzy", new byte[] { 1 }), new UnknownMessage("xyzzy", new byte[] { 2 }),
            new UnknownMessage("xyzzy", new byte[] { 3 }));
        byte[] cut = whole[..(25 + 25 + 10)];

        var result = CliRunner.RunWithStdin(Convert.ToHexString(cut), "decode");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(2, result.Documents.Count);
        Assert.Equal(MainnetDetected + "error: Truncated: stream ends inside a frame (10 bytes) (frame 2 at byte offset 50)\n", result.Stderr);
    }

    [Fact]
    public void Decode_TruncatedTx_ReportsCodecErrorAndExits1()
    {
        var result = CliRunner.RunWithStdin(SegnetTxHex[..^20], "decode", "--tx");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("error: Truncated: ", result.Stderr);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("zz", "error: invalid hex: 'z' at digit 0 is not a hex digit\n")]
    [InlineData("abc", "error: invalid hex: odd number of digits (3)\n")]
    [InlineData("0x 01 0g", "error: invalid hex: 'g' at digit 3 is not a hex digit\n")]
    public void Decode_InvalidHex_Exits2WithOneLine(string stdin, string expected)
    {
        var result = CliRunner.RunWithStdin(stdin, "decode");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal(expected, result.Stderr);
    }

    [Fact]
    public void Decode_MissingFile_Exits2WithOneLine()
    {
        string path = Path.Combine(Path.GetTempPath(), "actornode-no-such-file-" + Guid.NewGuid() + ".bin");

        var result = CliRunner.Run("decode", path);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: cannot read '{path}': ", result.Stderr);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("decode", "--block", "--tx")]
    [InlineData("decode", "--network", "mainnet2")]
    [InlineData("decode", "--pver", "seventy")]
    [InlineData("decode", "--frobnicate")]
    [InlineData("frobnicate")]
    [InlineData]
    public void BadUsage_Exits2WithOneLine(params string[] args)
    {
        var result = CliRunner.Run(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("error: ", result.Stderr);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Help_Root_ListsTheDecodeCommand()
    {
        var result = CliRunner.Run("--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.Stdout);
        Assert.Contains("decode", result.Stdout);
    }

    [Fact]
    public void Help_Decode_ListsItsOptions()
    {
        var result = CliRunner.Run("decode", "--help");

        Assert.Equal(0, result.ExitCode);
        foreach (string option in new[] { "--hex", "--block", "--tx", "--network", "--pver", "--pretty", "testnet4" })
            Assert.Contains(option, result.Stdout);
    }

    [Fact]
    public void Decode_PverOption_GatesVersionedCommands()
    {
        // Any registered command with a version gate must be refused one version below it, from its header alone.
        var gated = MessageRegistry.Commands
            .Select(c => MessageRegistry.TryGet(c, out var d) ? d : null)
            .FirstOrDefault(d => d is { MinProtocolVersion: > 0 });
        string command = gated?.Command ?? "xyzzy";
        uint pver = gated is null ? 209 : gated.MinProtocolVersion - 1;
        string hex = Convert.ToHexString(Frames(MainnetMagic, new UnknownMessage(command, ReadOnlyMemory<byte>.Empty)));

        var result = CliRunner.RunWithStdin(hex, "decode", "--pver", pver.ToString());

        if (gated is null)
        {
            Assert.Equal(0, result.ExitCode); // nothing is gated on this branch: an unknown command decodes at any version
            return;
        }
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith(MainnetDetected + "error: UnsupportedVersion: ", result.Stderr);
    }

    private const string MainnetDetected = "network: mainnet (from the first frame's magic 0xd9b4bef9)\n";

    private static byte[] Frames(uint magic, params IWireMessage[] messages)
    {
        var encoder = new MessageEncoder(magic);
        return messages.SelectMany(m => encoder.Encode(m, WireContext.Latest)).ToArray();
    }
}
