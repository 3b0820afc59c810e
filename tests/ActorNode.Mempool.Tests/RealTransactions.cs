using ActorNode.Wire.Primitives;
using ActorNode.Wire.Tests;

namespace ActorNode.Mempool.Tests;

/// <summary>Real mainnet transactions from the blocks in shared/data (README.md there), and transactions made from
/// them.</summary>
internal static class RealTransactions
{
    private static readonly Lazy<Block> Lazy574200 = new(() => Block.Parse(TestData.ReadAllBytes(TestData.Block574200)));
    private static readonly Lazy<Block> Lazy540107 = new(() => Block.Parse(TestData.ReadAllBytes(TestData.Block540107)));

    /// <summary>Mainnet block 574,200: 3,315 transactions, 1,341 with witness data.</summary>
    public static Block Block574200 => Lazy574200.Value;

    /// <summary>Mainnet block 540,107: 230 transactions, 104 with witness data.</summary>
    public static Block Block540107 => Lazy540107.Value;

    /// <summary>The non-coinbase transactions of block 574,200 that carry witness data.</summary>
    public static IEnumerable<Transaction> WitnessTxs => Block574200.Transactions.Skip(1).Where(tx => tx.HasWitness);

    /// <summary>The non-coinbase transactions of block 574,200 without witness data.</summary>
    public static IEnumerable<Transaction> LegacyTxs => Block574200.Transactions.Skip(1).Where(tx => !tx.HasWitness);

    public static Transaction WithOutput(Transaction tx, int index, TxOut output)
    {
        var outputs = tx.Outputs.ToArray();
        outputs[index] = output;
        return new Transaction(tx.Version, tx.Inputs, outputs, tx.LockTime);
    }

    public static Transaction WithInput(Transaction tx, int index, TxIn input)
    {
        var inputs = tx.Inputs.ToArray();
        inputs[index] = input;
        return new Transaction(tx.Version, inputs, tx.Outputs, tx.LockTime);
    }

    /// <summary>The same transaction with one satoshi less in its first output: a double-spend of the same inputs.
    /// </summary>
    public static Transaction DoubleSpend(Transaction tx) =>
        WithOutput(tx, 0, tx.Outputs[0] with { Value = tx.Outputs[0].Value - 1 });

    /// <summary>A transaction spending output <paramref name="index"/> of <paramref name="parent"/>.</summary>
    public static Transaction Child(Transaction parent, uint index = 0, byte tag = 0) =>
        new(2, [new TxIn(new OutPoint(parent.Txid, index), new byte[] { 0x51, tag })],
            [new TxOut(1000, new byte[25])], 0);

    /// <summary>A standard-sized transaction spending a made-up outpoint.</summary>
    public static Transaction Made(int tag, int scriptSize = 25) =>
        new(2, [new TxIn(new OutPoint(Hash256.DoubleSha256(BitConverter.GetBytes(tag)), 0), new byte[] { 0x51 })],
            [new TxOut(1000, new byte[scriptSize])], 0);
}
