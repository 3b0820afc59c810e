using ActorNode.Wire;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Primitives;

namespace ActorNode.Fuzz.Targets;

/// <summary>Block decode and re-encode: the input is a serialised block (witness encoding, as a <c>block</c>
/// message carries it).
/// <para>Checks: the block, rebuilt from its decoded fields alone (no received bytes behind it), encodes to exactly
/// the bytes that were decoded (the input's canonical part: everything the reader consumed); txids and wtxids
/// taken from the received bytes equal those of the rebuilt transactions; sizes agree with the encodings; and the
/// stripped (base) encoding decodes as a base block and re-encodes to itself.</para></summary>
public sealed class BlockTarget : FuzzTarget
{
    public override string Name => "block";

    public override string Description => "Block.Read (witness) + rebuild and re-encode round trip";

    public override bool IsExpected(Exception exception) => exception is WireException;

    public override void Run(ReadOnlySpan<byte> input)
    {
        byte[] bytes = input.ToArray();
        var reader = new WireReader(bytes);
        var block = Block.Read(ref reader, WireEncoding.Witness);
        var canonical = bytes.AsSpan(0, reader.Position);

        var rebuilt = new Block(block.Header, [.. block.Transactions.Select(RoundTrip.Rebuild)]);
        RoundTrip.Expect("block", "witness re-encoding", canonical, rebuilt.ToArray(WireEncoding.Witness));
        RoundTrip.Expect("block", "decoded block's own encoding", canonical, block.ToArray(WireEncoding.Witness));
        for (int i = 0; i < block.Transactions.Length; i++)
            RoundTrip.SameIds("block", block.Transactions[i], rebuilt.Transactions[i]);
        if (rebuilt.GetSerializedSize(WireEncoding.Witness) != canonical.Length)
            throw new FuzzContractException(
                $"block: witness size {rebuilt.GetSerializedSize(WireEncoding.Witness)} for {canonical.Length} bytes");

        byte[] stripped = block.ToArray(WireEncoding.Base);
        RoundTrip.Expect("block", "base encoding of the rebuilt block", stripped, rebuilt.ToArray(WireEncoding.Base));
        if (block.GetSerializedSize(WireEncoding.Base) != stripped.Length)
            throw new FuzzContractException($"block: base size {block.GetSerializedSize(WireEncoding.Base)} for {stripped.Length} bytes");
        var baseBlock = Block.Parse(stripped, WireEncoding.Base);
        RoundTrip.Expect("block", "base re-encoding", stripped, baseBlock.ToArray(WireEncoding.Base));
        if (baseBlock.GetHash() != block.GetHash())
            throw new FuzzContractException("block: the stripped block has another hash");
        for (int i = 0; i < block.Transactions.Length; i++)
            if (baseBlock.Transactions[i].Txid != block.Transactions[i].Txid)
                throw new FuzzContractException($"block: transaction {i} has another txid once stripped");
    }
}

/// <summary>Transaction decode and re-encode. Input: byte 0 bit 0 = the encoding (0 = witness, 1 = base), the rest
/// = a serialised transaction. Checks as <see cref="BlockTarget"/>, per transaction.</summary>
public sealed class TransactionTarget : FuzzTarget
{
    public override string Name => "tx";

    public override string Description => "Transaction.Read (witness or base) + rebuild and re-encode round trip";

    public override bool IsExpected(Exception exception) => exception is WireException;

    public override void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty) return;
        var encoding = (input[0] & 1) == 0 ? WireEncoding.Witness : WireEncoding.Base;
        byte[] bytes = input[1..].ToArray();
        var reader = new WireReader(bytes);
        var tx = Transaction.Read(ref reader, encoding);
        var canonical = bytes.AsSpan(0, reader.Position);

        var rebuilt = RoundTrip.Rebuild(tx);
        RoundTrip.Expect("tx", $"{encoding} re-encoding", canonical, rebuilt.ToArray(encoding));
        RoundTrip.Expect("tx", "decoded transaction's own encoding", canonical, tx.ToArray(encoding));
        RoundTrip.SameIds("tx", tx, rebuilt);
        if (tx.TotalSize != rebuilt.TotalSize || tx.BaseSize != rebuilt.BaseSize || tx.Weight != rebuilt.Weight)
            throw new FuzzContractException(
                $"tx: sizes {tx.BaseSize}/{tx.TotalSize} decoded but {rebuilt.BaseSize}/{rebuilt.TotalSize} rebuilt");
        if (encoding == WireEncoding.Base && tx.HasWitness)
            throw new FuzzContractException("tx: a base-encoded transaction has witness data");

        byte[] stripped = tx.ToArray(WireEncoding.Base);
        if (!tx.HasWitness || tx.Inputs.Length == 0) return; // without inputs the stripped form is not readable with witness encoding
        var again = Transaction.Parse(stripped, WireEncoding.Witness);
        if (again.Txid != tx.Txid || again.HasWitness)
            throw new FuzzContractException("tx: the stripped transaction reads back with another txid or a witness");
    }
}

internal static class RoundTrip
{
    /// <summary>The same transaction built from its fields alone, so encoding cannot copy received bytes.</summary>
    public static Transaction Rebuild(Transaction tx) => new(tx.Version, tx.Inputs, tx.Outputs, tx.LockTime);

    public static void Expect(string target, string what, ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        if (expected.SequenceEqual(actual)) return;
        int at = 0;
        while (at < Math.Min(expected.Length, actual.Length) && expected[at] == actual[at]) at++;
        throw new FuzzContractException(
            $"{target}: {what} differs from the decoded bytes at offset {at} ({actual.Length} bytes, expected {expected.Length})");
    }

    public static void SameIds(string target, Transaction decoded, Transaction rebuilt)
    {
        if (decoded.Txid != rebuilt.Txid)
            throw new FuzzContractException($"{target}: txid {decoded.Txid} from the received bytes, {rebuilt.Txid} rebuilt");
        if (decoded.Wtxid != rebuilt.Wtxid)
            throw new FuzzContractException($"{target}: wtxid {decoded.Wtxid} from the received bytes, {rebuilt.Wtxid} rebuilt");
        if (decoded.HasWitness != rebuilt.HasWitness)
            throw new FuzzContractException($"{target}: HasWitness {decoded.HasWitness} decoded, {rebuilt.HasWitness} rebuilt");
    }
}
