using ActorNode.Wire.Primitives;
using ActorNode.Wire.Tests;

namespace ActorNode.Chain.Tests.Blocks;

/// <summary>The real mainnet blocks of shared/data with their heights (shared/data/README.md), and ways to build
/// altered copies of them for the rule tests.</summary>
internal static class RealBlocks
{
    public const int Height277647 = 277_647;
    public const int Height540107 = 540_107;
    public const int Height574200 = 574_200;

    private static readonly Lazy<List<Block>> Early = new(() =>
        SharedData.ReadFramedBlocks(TestData.Blocks1To255).Select(r => Block.Parse(r.Block)).ToList());

    /// <summary>Mainnet blocks 1 to 255; index i holds height i + 1.</summary>
    public static IReadOnlyList<Block> Blocks1To255 => Early.Value;

    /// <summary>A fresh parse each time, so a test may alter it.</summary>
    public static Block Block277647() =>
        Block.Parse(Assert.Single(SharedData.ReadFramedBlocks(TestData.Block277647)).Block);

    public static Block Block540107() => Block.Parse(TestData.ReadAllBytes(TestData.Block540107));

    public static Block Block574200() => Block.Parse(TestData.ReadAllBytes(TestData.Block574200));

    /// <summary>Mainnet block 170: the coinbase and the first ever payment.</summary>
    public static Block Block170() => Blocks1To255[169];

    /// <summary>The block with other transactions and a header whose merkle root commits to them, so only the
    /// rule under test can fail (the proof of work is not what these checks look at).</summary>
    public static Block WithTransactions(Block block, params Transaction[] txs)
    {
        var root = MerkleTree.ComputeRoot(txs.Select(tx => tx.Txid).ToArray());
        return new Block(block.Header with { MerkleRoot = root }, txs);
    }

    /// <summary>As <see cref="WithTransactions"/>, after rewriting the coinbase's witness commitment for the new
    /// wtxids (keeping its reserved value).</summary>
    public static Block WithCommittedTransactions(Block block, params Transaction[] txs)
    {
        txs = (Transaction[])txs.Clone();
        var coinbase = txs[0];
        Assert.True(WitnessCommitment.TryGetReservedValue(coinbase, out var reserved));
        int index = WitnessCommitment.FindOutputIndex(coinbase);
        Assert.True(index >= 0);
        var commitment = WitnessCommitment.Compute(MerkleTree.ComputeWitnessRoot(new Block(block.Header, txs)),
            reserved.Span);
        var script = coinbase.Outputs[index].PkScript.ToArray();
        commitment.CopyTo(script.AsSpan(WitnessCommitment.ScriptPrefix.Length));
        txs[0] = WithOutput(coinbase, index, coinbase.Outputs[index] with { PkScript = script });
        return WithTransactions(block, txs);
    }

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

    public static Transaction[] Append(Transaction[] txs, params Transaction[] more) => [.. txs, .. more];

    /// <summary>A non-coinbase transaction spending a made-up outpoint.</summary>
    public static Transaction Spend(byte tag, long value = 1000, byte[]? pkScript = null, uint lockTime = 0,
        uint sequence = TxIn.MaxSequence)
    {
        var prev = new OutPoint(Hash256.DoubleSha256([tag]), 0);
        return new Transaction(1, [new TxIn(prev, new byte[] { 0x51 }, sequence)],
            [new TxOut(value, pkScript ?? [0x51])], lockTime);
    }
}
