using System.Collections.Immutable;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using CsCheck;

namespace ActorNode.Wire.Tests.Properties;

/// <summary>CsCheck generators for every message the registry knows, each producing only VALID messages: within the
/// limits of btcd wire/msg*.go (and Core's BIP152 rules), encodable at <see cref="WireContext.Latest"/> and decodable
/// back to the same fields. Sizes are kept modest (≤ 30 list entries, ≤ 200-byte scripts) so properties run fast,
/// with two deliberate excursions past the 253 CompactSize boundary: a few witness items of 253..520 bytes and a few
/// inventory lists of 250..260 entries (filteradd data and user agents reach it within their own limits).
/// <para>Deliberate exclusions, each a documented lossy or refused case rather than a valid message: transactions
/// with no inputs (ambiguous with the BIP144 marker under witness encoding), IPv6 addrv2 entries that are OnionCat
/// or IPv4-mapped (the decoder drops them; <see cref="DroppedAddrV2Entry"/> makes those on purpose), empty alert
/// payloads (btcd refuses to encode them), and reject hashes for commands other than block/tx (not on the wire).
/// </para></summary>
internal static class WireGen
{
    public const int MaxList = 30;
    public const int MaxScript = 200;

    // ---- primitives -------------------------------------------------------------------------------------------

    public static readonly Gen<Hash256> Hash = Gen.Byte.Array[Hash256.Size].Select(b => new Hash256(b));

    /// <summary>Hashes with a fair share of zero (hash-stop "up to the tip", reject without hash).</summary>
    public static readonly Gen<Hash256> HashOrZero = Gen.Frequency((9, Hash), (1, Gen.Const(Hash256.Zero)));

    public static readonly Gen<byte[]> Script = Gen.Byte.Array[0, MaxScript];

    public static readonly Gen<ServiceFlags> Services = Gen.Frequency(
        (3, Gen.ULong.Select(v => (ServiceFlags)v)),
        (2, Gen.OneOf(ServiceFlags.None, ServiceFlags.Network | ServiceFlags.Witness,
            ServiceFlags.Network | ServiceFlags.Witness | ServiceFlags.CompactFilters | ServiceFlags.NetworkLimited,
            (ServiceFlags)0xFC, (ServiceFlags)0xFD, (ServiceFlags)0x1_0000_0000UL)));

    /// <summary>A Unicode scalar value (no lone surrogates, so UTF-8 round-trips), mostly ASCII, control characters
    /// and NUL included.</summary>
    private static readonly Gen<string> CodePoint = Gen.Frequency(
        (12, Gen.Int[0x00, 0x7F]),
        (2, Gen.Int[0x80, 0x7FF]),
        (2, Gen.Int[0x800, 0xD7FF]),
        (1, Gen.Int[0xE000, 0xFFFF]),
        (2, Gen.Int[0x10000, 0x10FFFF])).Select(char.ConvertFromUtf32);

    /// <summary>Valid UTF-8 text of at most <paramref name="maxBytes"/> bytes, sometimes exactly that many.</summary>
    public static Gen<string> Utf8Text(int maxBytes, int maxCodePoints) => Gen.Frequency(
        (8, CodePoint.Array[0, maxCodePoints].Select(cps => TruncateUtf8(cps, maxBytes))),
        (1, Gen.Const(new string('x', maxBytes))),
        (1, Gen.Const("")));

    private static string TruncateUtf8(string[] codePoints, int maxBytes)
    {
        var text = new System.Text.StringBuilder();
        int bytes = 0;
        foreach (var cp in codePoints)
        {
            int n = System.Text.Encoding.UTF8.GetByteCount(cp);
            if (bytes + n > maxBytes) break;
            bytes += n;
            text.Append(cp);
        }
        return text.ToString();
    }

    // ---- addresses --------------------------------------------------------------------------------------------

    private static readonly Gen<byte[]> IPv4MappedBytes = Gen.Byte.Array[4].Select(v4 =>
        (byte[])[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, .. v4]);

    /// <summary>Any 16 legacy address bytes: IPv4-mapped, random IPv6, or all zeros (version's usual addr_from).</summary>
    public static readonly Gen<byte[]> LegacyIp = Gen.Frequency(
        (4, IPv4MappedBytes), (4, Gen.Byte.Array[16]), (1, Gen.Const(new byte[16])));

    /// <summary>A legacy address; <paramref name="withTimestamp"/> false for version's two (no timestamp on the wire).</summary>
    public static Gen<NetAddress> LegacyAddress(bool withTimestamp) =>
        Gen.Select(Services, LegacyIp, Gen.UShort, withTimestamp ? Gen.UInt : Gen.Const(0u),
            (services, ip, port, time) => new NetAddress(services, ip, port, time));

    private static ReadOnlySpan<byte> OnionCat => [0xfd, 0x87, 0xd8, 0x7e, 0xeb, 0x43];

    /// <summary>An IPv6 address the addrv2 decoder keeps: neither OnionCat nor IPv4-mapped.</summary>
    public static readonly Gen<byte[]> KeptIPv6 = Gen.Byte.Array[16].Where(b =>
        !b.AsSpan().StartsWith(OnionCat) && !b.AsSpan(0, 12).SequenceEqual(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff }));

    private static Gen<byte[]> AddressBytes(AddressNetwork network) => network switch
    {
        AddressNetwork.IPv6 => KeptIPv6,
        AddressNetwork.Cjdns => Gen.Byte.Array[15].Select(rest => (byte[])[0xfc, .. rest]), // fc00::/8
        _ => Gen.Byte.Array[NetAddressV2.AddressSize(network)],
    };

    /// <summary>A kept addrv2 entry of any of the six BIP155 networks, with its network's exact address size.</summary>
    public static readonly Gen<NetAddressV2> AddressV2 =
        Gen.OneOf(AddressNetwork.IPv4, AddressNetwork.IPv6, AddressNetwork.TorV2, AddressNetwork.TorV3,
                AddressNetwork.I2P, AddressNetwork.Cjdns)
            .SelectMany(network => Gen.Select(Gen.UInt, Services, AddressBytes(network),
                network == AddressNetwork.I2P ? Gen.Const((ushort)0) : Gen.UShort,
                (time, services, address, port) => new NetAddressV2(time, services, network, address, port)));

    /// <summary>The raw bytes of one addrv2 entry the decoder reads and drops: an unknown network id (7..255) with an
    /// address of 0..512 bytes (kept short here), or an IPv6 entry that is OnionCat or IPv4-mapped.</summary>
    public static readonly Gen<byte[]> DroppedAddrV2Entry = Gen.Frequency(
        (2, Gen.Select(Gen.Byte[7, 255], Gen.Byte.Array[0, 40], Gen.UInt, Gen.UShort,
            (id, address, time, port) => RawAddrV2(time, 1, id, address, port))),
        (1, Gen.Select(Gen.Byte.Array[10], Gen.UInt, (rest, time) => RawAddrV2(time, 9, 2, [.. OnionCat, .. rest], 8333))),
        (1, Gen.Select(IPv4MappedBytes, Gen.UInt, (ip, time) => RawAddrV2(time, 9, 2, ip, 8333))));

    /// <summary>Writes one addrv2 entry by hand (BIP155 layout), for entries the record type cannot hold.</summary>
    public static byte[] RawAddrV2(uint time, ulong services, byte networkId, byte[] address, ushort port)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new WireWriter(buffer);
        writer.WriteUInt32(time);
        writer.WriteCompactSize(services);
        writer.WriteByte(networkId);
        writer.WriteVarBytes(address);
        writer.WriteUInt16BigEndian(port);
        return buffer.WrittenSpan.ToArray();
    }

    // ---- transactions and blocks ------------------------------------------------------------------------------

    public static readonly Gen<OutPoint> OutPoints = Gen.Frequency(
        (9, Gen.Select(Hash, Gen.UInt, (h, i) => new OutPoint(h, i))),
        (1, Gen.Const(OutPoint.Null)));

    /// <summary>A witness stack of 1..6 items. Items may be empty; a few are 253..520 bytes (the largest standard push)
    /// so their length takes a 3-byte CompactSize, shifting every offset the zero-copy txid slices.</summary>
    public static readonly Gen<ReadOnlyMemory<byte>[]> WitnessStack =
        Gen.Frequency((12, Gen.Byte.Array[0, 80]), (1, Gen.Byte.Array[0xFD, 520]))
            .Select(b => (ReadOnlyMemory<byte>)b).Array[1, 6];

    private static Gen<TxIn> Input(bool witness) =>
        Gen.Select(OutPoints, Script, Gen.Frequency((3, Gen.Const(TxIn.MaxSequence)), (2, Gen.UInt)),
            witness ? Gen.Frequency((3, WitnessStack), (1, Gen.Const(Array.Empty<ReadOnlyMemory<byte>>())))
                    : Gen.Const(Array.Empty<ReadOnlyMemory<byte>>()),
            (prev, script, sequence, stack) => new TxIn(prev, script, sequence, stack));

    public static readonly Gen<TxOut> Output =
        Gen.Select(Gen.Frequency((3, Gen.Long[0, 21_000_000L * 100_000_000L]), (1, Gen.Long)), Script,
            (value, script) => new TxOut(value, script));

    private static readonly Gen<Transaction> LegacyTx =
        Gen.Select(Gen.Int, Input(false).Array[1, 6], Output.Array[0, 6], Gen.UInt,
            (version, inputs, outputs, lockTime) => new Transaction(version, inputs, outputs, lockTime));

    /// <summary>A transaction in which at least one input has a witness stack (BIP144).</summary>
    private static readonly Gen<Transaction> WitnessTx =
        Gen.Select(Gen.Int, Input(true).Array[1, 6], Output.Array[0, 6], Gen.UInt, WitnessStack, Gen.Int[0, 5],
            (version, inputs, outputs, lockTime, stack, at) =>
            {
                if (!inputs.Any(i => i.HasWitness))
                {
                    int k = at % inputs.Length;
                    inputs[k] = inputs[k] with { Witness = stack };
                }
                return new Transaction(version, inputs, outputs, lockTime);
            });

    /// <summary>A constructed transaction (serialise path), with or without witnesses, always with an input.</summary>
    public static readonly Gen<Transaction> Tx = Gen.OneOf(LegacyTx, WitnessTx);

    public static readonly Gen<BlockHeader> Header =
        Gen.Select(Gen.Int, Hash, Hash, Gen.UInt, Gen.UInt, Gen.UInt,
            (version, prev, root, time, bits, nonce) => new BlockHeader(version, prev, root, time, bits, nonce));

    public static readonly Gen<Block> Blocks =
        Gen.Select(Header, Tx.Array[0, 12], (header, txs) => new Block(header, txs));

    // ---- messages ---------------------------------------------------------------------------------------------

    private static Gen<IWireMessage> Of<T>(Gen<T> gen) where T : IWireMessage => gen.Select(m => (IWireMessage)m);

    public static readonly Gen<VersionMessage> Version =
        Gen.Select(Gen.Frequency((3, Gen.Int[0, 80_000]), (1, Gen.Int)), Services, Gen.Long,
            LegacyAddress(false), LegacyAddress(false), Gen.ULong,
            Utf8Text(VersionMessage.MaxUserAgentLength, 120), Gen.Int, Gen.Bool,
            (pver, services, time, receiver, sender, nonce, agent, height, relay) =>
                new VersionMessage(pver, services, time, receiver, sender, nonce, agent, height, relay));

    public static readonly Gen<AddrMessage> Addr =
        LegacyAddress(true).Array[0, MaxList].Select(a => new AddrMessage([.. a]));

    public static readonly Gen<AddrV2Message> AddrV2 =
        AddressV2.Array[0, MaxList].Select(a => new AddrV2Message([.. a]));

    public static readonly Gen<InvVector> Inv = Gen.Select(
        Gen.Frequency(
            (4, Gen.OneOf(InvType.Error, InvType.Tx, InvType.Block, InvType.FilteredBlock, InvType.CompactBlock,
                InvType.Wtx, InvType.WitnessTx, InvType.WitnessBlock, InvType.FilteredWitnessBlock)),
            (1, Gen.UInt.Select(v => (InvType)v))),
        Hash, (type, hash) => new InvVector(type, hash));

    /// <summary>Inventory lists: usually up to 30 entries, sometimes 250..260 so the count crosses the 3-byte
    /// CompactSize boundary at 253.</summary>
    public static readonly Gen<InvVector[]> InvList = Gen.Frequency((9, Inv.Array[0, MaxList]), (1, Inv.Array[250, 260]));

    private static readonly Gen<(uint, Hash256[], Hash256)> Locator =
        Gen.Select(Gen.UInt, Hash.Array[0, MaxList], HashOrZero);

    public static readonly Gen<CompactBlockMessage> CompactBlock =
        Gen.Select(Header, Gen.ULong, Gen.ULong[0, ShortTxId.Mask].Array[0, MaxList], Gen.Int[0, 4], Gen.Int)
            .SelectMany((header, nonce, shortIds, prefilledCount, seed) =>
            {
                // k distinct absolute positions among the block's n + k transactions: the i-th smallest is then at
                // most n + i, exactly what Core's InitData demands.
                int total = shortIds.Length + prefilledCount;
                var positions = Enumerable.Range(0, total).OrderBy(i => HashCode.Combine(seed, i))
                    .Take(prefilledCount).Order().Select(i => (ushort)i).ToArray();
                return Tx.Array[prefilledCount].Select(txs => new CompactBlockMessage(header, nonce, shortIds,
                    positions.Zip(txs, (index, tx) => new PrefilledTransaction(index, tx)).ToArray()));
            });

    /// <summary>Strictly increasing ushort indexes, sometimes reaching 65,535.</summary>
    public static readonly Gen<ushort[]> BlockTxIndexes = Gen.Frequency(
        (3, Gen.UShort.Array[0, MaxList]),
        (1, Gen.UShort[0, 40].Array[0, MaxList]),
        (1, Gen.UShort[65_500, ushort.MaxValue].Array[0, MaxList]))
        .Select(a => a.Distinct().Order().ToArray());

    /// <summary>One generator per registered command. The round-trip property fails for a command missing here.</summary>
    public static readonly IReadOnlyDictionary<string, Gen<IWireMessage>> ByCommand =
        new Dictionary<string, Gen<IWireMessage>>
        {
            ["version"] = Of(Version),
            ["verack"] = Gen.Const<IWireMessage>(VerAckMessage.Instance),
            ["getaddr"] = Gen.Const<IWireMessage>(GetAddrMessage.Instance),
            ["addr"] = Of(Addr),
            ["addrv2"] = Of(AddrV2),
            ["sendaddrv2"] = Gen.Const<IWireMessage>(SendAddrV2Message.Instance),
            ["getblocks"] = Of(Locator.Select(l => new GetBlocksMessage(l.Item1, l.Item2, l.Item3))),
            ["getheaders"] = Of(Locator.Select(l => new GetHeadersMessage(l.Item1, l.Item2, l.Item3))),
            ["inv"] = Of(InvList.Select(i => new InvMessage(i))),
            ["getdata"] = Of(InvList.Select(i => new GetDataMessage(i))),
            ["notfound"] = Of(InvList.Select(i => new NotFoundMessage(i))),
            ["block"] = Of(Blocks.Select(b => new BlockMessage(b))),
            ["tx"] = Of(Tx.Select(t => new TxMessage(t))),
            ["headers"] = Of(Header.Array[0, MaxList].Select(h => new HeadersMessage(h))),
            ["ping"] = Of(Gen.ULong.Select(n => new PingMessage(n))),
            ["pong"] = Of(Gen.ULong.Select(n => new PongMessage(n))),
            ["alert"] = Of(Gen.Select(Gen.Byte.Array[1, MaxScript], Gen.Byte.Array[0, 80],
                (payload, signature) => new AlertMessage(payload, signature))),
            ["mempool"] = Gen.Const<IWireMessage>(MemPoolMessage.Instance),
            ["filterload"] = Of(Gen.Select(Gen.Byte.Array[0, MaxScript], Gen.UInt[0, WireLimits.MaxFilterLoadHashFuncs],
                Gen.UInt, Gen.Byte, (filter, funcs, tweak, flags) =>
                    new FilterLoadMessage(filter, funcs, tweak, (BloomUpdate)flags))),
            ["filteradd"] = Of(Gen.Byte.Array[0, WireLimits.MaxFilterAddDataSize].Select(d => new FilterAddMessage(d))),
            ["filterclear"] = Gen.Const<IWireMessage>(FilterClearMessage.Instance),
            ["merkleblock"] = Of(Gen.Select(Header, Gen.UInt, Hash.Array[0, MaxList], Gen.Byte.Array[0, 40],
                (header, total, hashes, flags) => new MerkleBlockMessage(header, total, hashes, flags))),
            ["reject"] = Of(Gen.Select(
                Gen.Frequency((2, Gen.OneOf("block", "tx", "version", "inv", "")), (1, Utf8Text(12, 12))),
                Gen.Byte, Utf8Text(MaxScript, 80), Hash,
                (command, code, reason, hash) => new RejectMessage(command, (RejectCode)code, reason,
                    command is "block" or "tx" ? hash : default))),
            ["sendheaders"] = Gen.Const<IWireMessage>(SendHeadersMessage.Instance),
            ["feefilter"] = Of(Gen.Long.Select(f => new FeeFilterMessage(f))),
            ["getcfilters"] = Of(Gen.Select(Gen.Byte, Gen.UInt, Hash,
                (type, start, stop) => new GetCFiltersMessage((FilterType)type, start, stop))),
            ["getcfheaders"] = Of(Gen.Select(Gen.Byte, Gen.UInt, Hash,
                (type, start, stop) => new GetCFHeadersMessage((FilterType)type, start, stop))),
            ["getcfcheckpt"] = Of(Gen.Select(Gen.Byte, Hash,
                (type, stop) => new GetCFCheckptMessage((FilterType)type, stop))),
            ["cfilter"] = Of(Gen.Select(Gen.Byte, Hash, Gen.Byte.Array[0, MaxScript],
                (type, hash, data) => new CFilterMessage((FilterType)type, hash, data))),
            ["cfheaders"] = Of(Gen.Select(Gen.Byte, Hash, Hash, Hash.Array[0, MaxList],
                (type, stop, prev, hashes) => new CFHeadersMessage((FilterType)type, stop, prev, hashes))),
            ["cfcheckpt"] = Of(Gen.Select(Gen.Byte, Hash, Hash.Array[0, MaxList],
                (type, stop, headers) => new CFCheckptMessage((FilterType)type, stop, headers))),
            ["wtxidrelay"] = Gen.Const<IWireMessage>(WtxidRelayMessage.Instance),
            ["sendcmpct"] = Of(Gen.Select(Gen.Bool, Gen.Frequency((3, Gen.ULong[1, 2]), (1, Gen.ULong)),
                (announce, version) => new SendCompactMessage(announce, version))),
            ["cmpctblock"] = Of(CompactBlock),
            ["getblocktxn"] = Of(Gen.Select(Hash, BlockTxIndexes, (hash, i) => new GetBlockTransactionsMessage(hash, i))),
            ["blocktxn"] = Of(Gen.Select(Hash, Tx.Array[0, 8], (hash, txs) => new BlockTransactionsMessage(hash, txs))),
        };

    /// <summary>Any registered message, each command equally likely.</summary>
    public static readonly Gen<IWireMessage> AnyMessage = Gen.OneOf(ByCommand.Values.ToArray());

    /// <summary>The protocol versions at which the codec changes behaviour (btcd wire/protocol.go), plus a few between.</summary>
    public static readonly Gen<uint> InterestingProtocolVersion = Gen.OneOf(
        0u, 106u, ProtocolVersion.MultipleAddress - 1, ProtocolVersion.MultipleAddress,
        ProtocolVersion.NetAddressTime - 1, ProtocolVersion.NetAddressTime, ProtocolVersion.Bip0031,
        ProtocolVersion.Bip0031 + 1, ProtocolVersion.Bip0035, ProtocolVersion.Bip0037 - 1, ProtocolVersion.Bip0037,
        ProtocolVersion.Reject, ProtocolVersion.Bip0111, ProtocolVersion.SendHeaders, ProtocolVersion.FeeFilter,
        ProtocolVersion.CompactBlocks, 70015u, ProtocolVersion.AddrV2, 70017u, uint.MaxValue);
}
