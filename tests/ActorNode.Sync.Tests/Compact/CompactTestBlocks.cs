using System.Buffers;
using ActorNode.Wire;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using ActorNode.Wire.Tests;

namespace ActorNode.Sync.Tests.Compact;

/// <summary>Blocks for the compact-block tests: Core's <c>BuildBlockTestCase</c> (blockencodings_tests.cpp) rebuilt
/// with a seeded random source, and mainnet block 574,200.</summary>
internal static class CompactTestBlocks
{
    private static readonly Lazy<Block> Mainnet574200 = new(() => Block.Parse(TestData.ReadAllBytes(TestData.Block574200)));

    /// <summary>Mainnet block 574,200: 3,315 transactions, 1,341 with witness data.</summary>
    public static Block Block574200 => Mainnet574200.Value;

    private static Hash256 RandomHash(Random random)
    {
        Span<byte> bytes = stackalloc byte[32];
        random.NextBytes(bytes);
        return new Hash256(bytes);
    }

    /// <summary>Core BuildBlockTestCase: a coinbase (10-byte script, one output of 42), a one-input payment, and a
    /// ten-input payment, version 42, bits 0x207fffff, the merkle root computed (the proof of work is not needed here).</summary>
    public static Block CoreTestBlock(int seed = 1)
    {
        var random = new Random(seed);
        TxOut[] outputs = [new TxOut(42, new byte[] { 0x51 })];
        var coinbase = new Transaction(1, [new TxIn(OutPoint.Null, new byte[10])], outputs, 0);
        var one = new Transaction(1, [new TxIn(new OutPoint(RandomHash(random), 0), new byte[10])], outputs, 0);
        var ten = new Transaction(1,
            [.. Enumerable.Range(0, 10).Select(_ => new TxIn(new OutPoint(RandomHash(random), 0), new byte[10]))], outputs, 0);
        Transaction[] txs = [coinbase, one, ten];
        var root = MerkleTree.ComputeRoot(txs.Select(t => t.Txid).ToArray());
        var header = new BlockHeader(42, RandomHash(random), root, 1_600_000_000, 0x207fffff, 0);
        return new Block(header, txs);
    }

    public static byte[] Payload(IWireMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        message.WritePayload(new WireWriter(buffer), new WireContext(ProtocolVersion.Current));
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The message as a peer would receive it: encoded and decoded again.</summary>
    public static T RoundTrip<T>(T message, Func<byte[], T> decode) where T : IWireMessage => decode(Payload(message));

    public static CompactBlockMessage RoundTrip(CompactBlockMessage message) => RoundTrip(message, bytes =>
    {
        var reader = new WireReader(bytes);
        return CompactBlockMessage.Decode(ref reader, new WireContext(ProtocolVersion.Current));
    });
}
