using System.Buffers.Binary;
using System.Net;
using ActorNode.AddrBook.Persistence;
using ActorNode.Connections.Bans;
using ActorNode.Fuzz.Targets;
using ActorNode.Wire;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using ICSharpCode.SharpZipLib.BZip2;

namespace ActorNode.Fuzz;

/// <summary>Writes the seed corpus (corpus/&lt;target&gt;/) from the real mainnet data in ../shared/data and from
/// message streams framed with our own encoder: <c>dotnet run --project tests/ActorNode.Fuzz -- seed</c>. The
/// output is committed; rerun only when a target's input format changes.</summary>
public static class SeedCorpus
{
    private const uint Magic = WireContexts.MainNetMagic;

    public static void Write(string sharedData, string corpusRoot)
    {
        var blocks = ReadFramedBlocks(Path.Combine(sharedData, "blocks1-256.bz2")); // heights 1..255
        var big = ReadFramedBlocks(Path.Combine(sharedData, "277647.dat.bz2"))[0];
        var segwit = File.ReadAllBytes(Path.Combine(sharedData,
            "block-0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2.blk"));
        var headers = File.ReadAllLines(Path.Combine(sharedData, "blockheaders-mainnet-1-11.txt"))
            .Where(l => l.Length > 0).Select(Convert.FromHexString).ToList();

        var legacyBlocks = new[] { 1, 170, 181, 248 }.Select(h => Block.Parse(blocks[h - 1])).ToList();
        var pre = Block.Parse(big);
        var witnessBlock = Block.Parse(segwit);
        var witnessTxs = witnessBlock.Transactions.Where(t => t.HasWitness).Take(6).ToArray();
        var legacyTxs = pre.Transactions.Skip(1).Take(4).ToArray();
        // Real transactions under a real header, small enough for a fast fuzzer: the first few of each big block.
        var smallWitnessBlock = new Block(witnessBlock.Header, [witnessBlock.Transactions[0], .. witnessTxs.Take(3)]);
        var smallLegacyBlock = new Block(pre.Header, [.. pre.Transactions.Take(6)]);

        // block
        var blockSeeds = new Dictionary<string, byte[]>();
        foreach (var (block, i) in legacyBlocks.Select((b, i) => (b, i))) blockSeeds[$"mainnet-{new[] { 1, 170, 181, 248 }[i]}"] = block.ToArray();
        blockSeeds["mainnet-277647-first6tx"] = smallLegacyBlock.ToArray();
        blockSeeds["mainnet-574200-first4tx-witness"] = smallWitnessBlock.ToArray();
        Save(corpusRoot, "block", blockSeeds);

        // tx: byte 0 = encoding (0 witness, 1 base)
        var txSeeds = new Dictionary<string, byte[]>();
        for (int i = 0; i < witnessTxs.Length; i++)
        {
            txSeeds[$"witness-{i}"] = [0, .. witnessTxs[i].ToArray(WireEncoding.Witness)];
            if (i < 2) txSeeds[$"witness-{i}-stripped-base"] = [1, .. witnessTxs[i].ToArray(WireEncoding.Base)];
        }
        for (int i = 0; i < legacyTxs.Length; i++) txSeeds[$"legacy-{i}"] = [(byte)(i & 1), .. legacyTxs[i].ToArray()];
        txSeeds["coinbase-170"] = [0, .. legacyBlocks[1].Transactions[0].ToArray()];
        txSeeds["first-payment-170"] = [0, .. legacyBlocks[1].Transactions[1].ToArray()];
        Save(corpusRoot, "tx", txSeeds);

        // message: byte 0 = command index, byte 1 = context, then the payload
        var messages = SampleMessages(legacyBlocks, smallWitnessBlock, witnessTxs, headers);
        var messageSeeds = new Dictionary<string, byte[]>();
        foreach (var (message, context) in messages)
        {
            int index = Array.IndexOf(MessageTarget.Commands, message.Command);
            if (index < 0) throw new InvalidOperationException($"{message.Command} is not a registered command");
            byte[] payload = MessageEncoder.EncodePayloadToArray(message, context);
            string name = $"{message.Command}-{context.ProtocolVersion}-{context.Encoding}".ToLowerInvariant();
            for (int n = 2; messageSeeds.ContainsKey(name); n++) name = $"{message.Command}-{context.ProtocolVersion}-{context.Encoding}-{n}".ToLowerInvariant();
            messageSeeds[name] = [(byte)index, WireContexts.ToByte(context), .. payload];
        }
        messageSeeds["unknown"] = [(byte)(MessageTarget.Commands.Length - 1), 0, 1, 2, 3];
        Save(corpusRoot, "message", messageSeeds);

        // frame: byte 0 = context | table length << 4 | big-chunk flag, the chunk table, then a captured stream
        var encoder = new MessageEncoder(Magic);
        byte[] Stream(IEnumerable<(IWireMessage Message, WireContext Context)> items) =>
            items.SelectMany(m => encoder.Encode(m.Message, m.Context)).ToArray();
        var latest = WireContext.Latest;
        var handshake = Stream(messages.Where(m => m.Message is VersionMessage or VerAckMessage or SendAddrV2Message
            or WtxidRelayMessage or SendHeadersMessage or SendCompactMessage or PingMessage or PongMessage or FeeFilterMessage
            or GetAddrMessage or GetHeadersMessage) .Where(m => m.Context == latest));
        var sync = Stream(messages.Where(m => m.Message is HeadersMessage or InvMessage or GetDataMessage or BlockMessage
            or TxMessage or AddrV2Message or NotFoundMessage).Where(m => m.Context == latest));
        var everything = Stream(messages.Where(m => m.Context == latest));
        var old = Stream(messages.Where(m => m.Context.ProtocolVersion == ProtocolVersion.Bip0037));
        var frameSeeds = new Dictionary<string, byte[]>
        {
            ["handshake-whole"] = [0, .. handshake],
            ["handshake-bytewise"] = [0x10, 0, .. handshake],
            ["handshake-chunks-7-23-100"] = [0x30, 6, 22, 99, .. handshake],
            ["sync-chunks-1-24-200-big"] = [0x40, 0, 23, 199, 255, .. sync],
            ["sync-chunks-64x-big"] = [0x90 , 3, .. sync],
            ["all-commands-chunks-13-5"] = [0x20, 12, 4, .. everything],
            ["bip37-version-stream"] = [(byte)(WireContexts.ToByte(new WireContext(ProtocolVersion.Bip0037)) | 0x10), 31, .. old],
            // A corrupt stream: the second frame's checksum is wrong (a body fault, decoding goes on), then bad magic.
            ["bad-checksum-then-bad-magic"] = [0x10, 40, .. CorruptStream(encoder)],
        };
        Save(corpusRoot, "frame", frameSeeds);

        // peers.json
        Save(corpusRoot, "peers", new Dictionary<string, byte[]>
        {
            ["small-v2"] = PeersJson.Serialize(SmallPeers(2)),
            ["small-v1"] = PeersJson.Serialize(SmallPeers(1)),
            ["empty-book"] = PeersJson.Serialize(new AddressBookSnapshot(2, new byte[32], [],
                EmptyBuckets(PeersJson.NewBucketCount), EmptyBuckets(PeersJson.TriedBucketCount))),
        });

        // banlist.json
        var created = BanListTarget.Now.AddDays(-1);
        var until = BanListTarget.Now.AddDays(1);
        Save(corpusRoot, "banlist", new Dictionary<string, byte[]>
        {
            ["two-bans"] = BanListFile.Serialize([
                new BanEntry(IPAddress.Parse("203.0.113.7"), created, until, "misbehaving"),
                new BanEntry(IPAddress.Parse("2001:db8::1"), created, until),
            ]),
            ["core-style"] = System.Text.Encoding.UTF8.GetBytes(
                "{\"banned_nets\":[{\"version\":1,\"ban_created\":1767139200,\"banned_until\":1767312000,\"address\":\"198.51.100.4/32\"}," +
                "{\"version\":1,\"ban_created\":1600000000,\"banned_until\":1600086400,\"address\":\"198.51.100.5\"}," +
                "{\"version\":1,\"ban_created\":1767139200,\"banned_until\":1799999999,\"address\":\"10.0.0.0/8\"}]}\n"),
            ["empty"] = "{\"banned_nets\":[]}"u8.ToArray(),
        });
    }

    private static List<(IWireMessage Message, WireContext Context)> SampleMessages(
        List<Block> legacyBlocks, Block witnessBlock, Transaction[] witnessTxs, List<byte[]> headers)
    {
        var headerObjects = headers.Select(h => Block.Parse(h.Append((byte)0).ToArray()).Header).ToArray();
        var hashes = headerObjects.Select(h => h.GetHash()).ToArray();
        var ipv4 = new NetAddress(ServiceFlags.Network | ServiceFlags.Witness, IPAddress.Parse("203.0.113.7"), 8333, 1_700_000_000);
        var ipv6 = new NetAddress(ServiceFlags.Network, IPAddress.Parse("2001:db8::1"), 18333, 1_700_000_100);
        var version = new VersionMessage(70016, ServiceFlags.Network | ServiceFlags.Witness, 1_700_000_000,
            ipv4 with { Timestamp = 0 }, ipv6 with { Timestamp = 0 }, 0x0123456789abcdef, "/Satoshi:27.0.0/", 800_000, Relay: true);
        var block170 = legacyBlocks[1];
        var merkleFlags = new byte[] { 0x1d };
        var list = new List<IWireMessage>
        {
            version,
            VerAckMessage.Instance,
            SendAddrV2Message.Instance,
            WtxidRelayMessage.Instance,
            SendHeadersMessage.Instance,
            new SendCompactMessage(false, 2),
            new PingMessage(0x1122334455667788),
            new PongMessage(0x1122334455667788),
            new FeeFilterMessage(1000),
            GetAddrMessage.Instance,
            new GetHeadersMessage(70016, [hashes[10], hashes[5], hashes[0]], Hash256.Zero),
            new GetBlocksMessage(70016, [hashes[10]], hashes[0]),
            new HeadersMessage(headerObjects),
            new InvMessage([.. witnessTxs.Select(t => new InvVector(InvType.WitnessTx, t.Wtxid)), new InvVector(InvType.Block, hashes[3])]),
            new GetDataMessage([new InvVector(InvType.WitnessBlock, hashes[4]), new InvVector(InvType.WitnessTx, witnessTxs[0].Wtxid)]),
            new NotFoundMessage([new InvVector(InvType.Tx, block170.Transactions[1].Txid)]),
            new BlockMessage(block170),
            new BlockMessage(witnessBlock),
            new TxMessage(witnessTxs[0]),
            new TxMessage(block170.Transactions[1]),
            new AddrMessage([ipv4, ipv6]),
            new AddrV2Message([NetAddressV2.FromLegacy(ipv4), NetAddressV2.FromLegacy(ipv6),
                new NetAddressV2(1_700_000_000, ServiceFlags.Network, AddressNetwork.TorV3, new byte[32], 8333)]),
            MemPoolMessage.Instance,
            new FilterLoadMessage(new byte[] { 0xb5, 0x0f, 0x01 }, 11, 5, BloomUpdate.All),
            new FilterAddMessage(block170.Transactions[1].Txid.ToArray()),
            FilterClearMessage.Instance,
            new MerkleBlockMessage(block170.Header, 2, [.. block170.Transactions.Select(t => t.Txid)], merkleFlags),
            new RejectMessage("tx", RejectCode.Duplicate, "txn-already-known", block170.Transactions[1].Txid),
            new GetCFiltersMessage(FilterType.Regular, 1, hashes[10]),
            new GetCFHeadersMessage(FilterType.Regular, 1, hashes[10]),
            new GetCFCheckptMessage(FilterType.Regular, hashes[10]),
            new CFilterMessage(FilterType.Regular, hashes[1], new byte[] { 1, 0x6a, 0x33, 0x40 }),
            new CFHeadersMessage(FilterType.Regular, hashes[10], hashes[0], [hashes[1], hashes[2]]),
            new CFCheckptMessage(FilterType.Regular, hashes[10], [hashes[9]]),
            CompactBlockMessage.FromBlock(witnessBlock, 99),
            new GetBlockTransactionsMessage(witnessBlock.GetHash(), [1, 2]),
            new BlockTransactionsMessage(witnessBlock.GetHash(), [.. witnessTxs.Take(2)]),
            new AlertMessage(new byte[] { 1, 0, 0, 0, 2, 3 }, new byte[] { 0x30, 0x45 }),
        };
        var result = list.Select(m => (m, WireContext.Latest)).ToList();
        // The same at BIP37 (no addrv2, compact blocks, wtxid relay) and without witness encoding, where they exist.
        foreach (var m in list)
        {
            foreach (var context in new[] { new WireContext(ProtocolVersion.Bip0037), new WireContext(ProtocolVersion.Current, WireEncoding.Base) })
            {
                if (context.Encoding == WireEncoding.Base && m is not (BlockMessage or TxMessage or BlockTransactionsMessage)) continue;
                try
                {
                    MessageEncoder.EncodePayloadToArray(m, context);
                    result.Add((m, context));
                }
                catch (WireException)
                {
                    // not at that version
                }
            }
        }
        return result;
    }

    private static byte[] CorruptStream(MessageEncoder encoder)
    {
        var ping = encoder.Encode(new PingMessage(1), WireContext.Latest);
        var bad = encoder.Encode(new PingMessage(2), WireContext.Latest);
        bad[20] ^= 0xff;
        var pong = encoder.Encode(new PongMessage(1), WireContext.Latest);
        var wrongNet = new MessageEncoder(0x0709110B).Encode(VerAckMessage.Instance, WireContext.Latest);
        return [.. ping, .. bad, .. pong, .. wrongNet, .. ping];
    }

    private static AddressBookSnapshot SmallPeers(int version)
    {
        var newBuckets = EmptyBuckets(PeersJson.NewBucketCount);
        newBuckets[3] = ["1.2.3.4:8333"];
        newBuckets[700] = ["1.2.3.4:8333", "[2001:db8::5]:8333"];
        var tried = EmptyBuckets(PeersJson.TriedBucketCount);
        tried[10] = ["203.0.113.9:18333"];
        return new AddressBookSnapshot(version, Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray(),
        [
            new SerializedKnownAddress("1.2.3.4:8333", "5.6.7.8:8333", 2, 1700000000, 1700000100,
                AddressBookSnapshot.GoZeroTime, version == 1 ? 0UL : 1033, version == 1 ? 0UL : 1),
            new SerializedKnownAddress("[2001:db8::5]:8333", "1.2.3.4:8333", 0, 1690000000, AddressBookSnapshot.GoZeroTime,
                AddressBookSnapshot.GoZeroTime, version == 1 ? 0UL : 9, 0),
            new SerializedKnownAddress("203.0.113.9:18333", "203.0.113.9:18333", 1, 1690000000, 1690000500, 1690000500,
                version == 1 ? 0UL : 1037, 0),
        ], newBuckets, tried);
    }

    private static IReadOnlyList<string>[] EmptyBuckets(int count) =>
        Enumerable.Range(0, count).Select(_ => (IReadOnlyList<string>)Array.Empty<string>()).ToArray();

    private static void Save(string corpusRoot, string target, Dictionary<string, byte[]> seeds)
    {
        string dir = Path.Combine(corpusRoot, target);
        Directory.CreateDirectory(dir);
        foreach (var (name, bytes) in seeds.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            File.WriteAllBytes(Path.Combine(dir, name), bytes);
            Console.WriteLine($"{target}/{name}: {bytes.Length:N0} bytes");
        }
    }

    /// <summary>The framed-block file format of shared/data (README): magic ‖ length ‖ block, bzip2-compressed.</summary>
    public static List<byte[]> ReadFramedBlocks(string path)
    {
        using var file = File.OpenRead(path);
        using var bzip = new BZip2InputStream(file);
        using var output = new MemoryStream();
        bzip.CopyTo(output);
        var data = output.ToArray();
        var records = new List<byte[]>();
        for (int offset = 0; offset < data.Length;)
        {
            uint magic = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset));
            if (magic != Magic) throw new InvalidDataException($"{path}: magic 0x{magic:x8} at {offset}");
            int length = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset + 4)));
            records.Add(data.AsSpan(offset + 8, length).ToArray());
            offset += 8 + length;
        }
        return records;
    }
}
