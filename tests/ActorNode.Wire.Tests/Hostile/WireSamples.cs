using System.Collections.Immutable;
using System.Net;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;

namespace ActorNode.Wire.Tests.Hostile;

/// <summary>One valid message of every registered command, small enough to mutate exhaustively.</summary>
internal static class WireSamples
{
    private static Hash256 H(byte seed)
    {
        var bytes = new byte[32];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)(seed + i);
        return new Hash256(bytes);
    }

    private static readonly Transaction Coinbase = new(1,
        [new TxIn(OutPoint.Null, new byte[] { 0x03, 0x01, 0x02, 0x03 })],
        [new TxOut(50_0000_0000, new byte[] { 0x51 }), new TxOut(0, new byte[] { 0x6a, 0x01, 0x00 })], 0);

    private static readonly Transaction SegwitTx = new(2,
        [new TxIn(new OutPoint(H(7), 1), ReadOnlyMemory<byte>.Empty, 0xfffffffd,
            [new byte[] { 0x30, 0x44, 0x02 }, new byte[] { 0x02, 0x03 }])],
        [new TxOut(12_345, new byte[] { 0x00, 0x14, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 })],
        500_000);

    private static readonly BlockHeader Header = new(0x20000000, H(1), H(2), 1_700_000_000, 0x1d00ffff, 42);

    private static readonly Block SmallBlock = new(Header, [Coinbase, SegwitTx]);

    private static readonly NetAddress Ipv4 = new(ServiceFlags.Network | ServiceFlags.Witness,
        IPAddress.Parse("203.0.113.7"), 8333, 1_700_000_000);

    public static readonly IReadOnlyList<IWireMessage> All =
    [
        new VersionMessage(70016, ServiceFlags.Network | ServiceFlags.Witness, 1_700_000_000,
            Ipv4 with { Timestamp = 0 }, new NetAddress(ServiceFlags.None, IPAddress.Parse("2001:db8::1"), 18444),
            0x0123456789abcdef, "/ActorNode:0.1.0/", 800_000, Relay: false),
        VerAckMessage.Instance,
        GetAddrMessage.Instance,
        new AddrMessage([Ipv4, Ipv4 with { Port = 18333 }]),
        new AddrV2Message([
            NetAddressV2.FromLegacy(Ipv4),
            new NetAddressV2(1_700_000_000, ServiceFlags.Network, AddressNetwork.TorV3, new byte[32], 8333),
            new NetAddressV2(1_700_000_000, ServiceFlags.None, AddressNetwork.I2P, Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(), 0),
        ]),
        SendAddrV2Message.Instance,
        new GetBlocksMessage(70016, [H(3), H(4)], Hash256.Zero),
        new GetHeadersMessage(70016, [H(5)], H(6)),
        new InvMessage([new InvVector(InvType.WitnessTx, H(8)), new InvVector(InvType.Block, H(9))]),
        new GetDataMessage([new InvVector(InvType.WitnessBlock, H(10))]),
        new NotFoundMessage([new InvVector(InvType.Tx, H(11))]),
        new BlockMessage(SmallBlock),
        new TxMessage(SegwitTx),
        new HeadersMessage([Header, Header with { Nonce = 43 }]),
        new PingMessage(0xfeedface),
        new PongMessage(0xfeedface),
        new AlertMessage(new byte[] { 1, 0, 0, 0, 2, 3 }, new byte[] { 0x30, 0x45 }),
        MemPoolMessage.Instance,
        new FilterLoadMessage(new byte[] { 0xb5, 0x0f }, 11, 0, BloomUpdate.All),
        new FilterAddMessage(new byte[] { 0xde, 0xad, 0xbe, 0xef }),
        FilterClearMessage.Instance,
        new MerkleBlockMessage(Header, 7, [H(12), H(13)], new byte[] { 0x1d }),
        new RejectMessage("tx", RejectCode.Duplicate, "txn-already-known", H(14)),
        SendHeadersMessage.Instance,
        new FeeFilterMessage(1000),
        new GetCFiltersMessage(FilterType.Regular, 100, H(15)),
        new GetCFHeadersMessage(FilterType.Regular, 100, H(16)),
        new GetCFCheckptMessage(FilterType.Regular, H(17)),
        new CFilterMessage(FilterType.Regular, H(18), new byte[] { 1, 2, 3, 4, 5 }),
        new CFHeadersMessage(FilterType.Regular, H(19), H(20), [H(21), H(22)]),
        new CFCheckptMessage(FilterType.Regular, H(23), [H(24)]),
        WtxidRelayMessage.Instance,
        new SendCompactMessage(true, 2),
        CompactBlockMessage.FromBlock(SmallBlock, 99),
        new GetBlockTransactionsMessage(H(25), [1, 3, 4]),
        new BlockTransactionsMessage(H(26), [SegwitTx]),
        new SendTxReconciliationMessage(1, 0x0123456789abcdef),
        new RequestReconciliationMessage(42, 8191),
        new SketchMessage(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }),
        new ReconciliationDifferenceMessage(true, [7, 0xFFFFFFFF]),
    ];
}
