using ActorNode.Wire;
using ActorNode.Wire.Primitives;

namespace ActorNode.Chain.Blocks;

/// <summary>The checks a transaction must pass on its own, with no UTXO set and no chain context: Bitcoin Core
/// consensus/tx_check.cpp <c>CheckTransaction</c> (btcd blockchain <c>CheckTransactionSanity</c>). Used for every
/// transaction of a block (<see cref="BlockSanity"/>) and for every transaction the relay pool takes in.</summary>
public static class TransactionSanity
{
    public static TxCheckError Check(Transaction tx)
    {
        if (tx.Inputs.Length == 0) return TxCheckError.NoInputs;
        if (tx.Outputs.Length == 0) return TxCheckError.NoOutputs;
        // Core: GetSerializeSize(TX_NO_WITNESS(tx)) * WITNESS_SCALE_FACTOR > MAX_BLOCK_WEIGHT.
        if ((long)tx.BaseSize * ConsensusLimits.WitnessScaleFactor > ConsensusLimits.MaxBlockWeight)
            return TxCheckError.Oversize;

        long total = 0;
        foreach (var output in tx.Outputs)
        {
            if (output.Value < 0) return TxCheckError.NegativeOutput;
            if (output.Value > ConsensusLimits.MaxMoney) return TxCheckError.OutputTooLarge;
            total += output.Value; // both ≤ MaxMoney, so no overflow
            if (total > ConsensusLimits.MaxMoney) return TxCheckError.OutputTotalTooLarge;
        }

        if (HasDuplicateInputs(tx)) return TxCheckError.DuplicateInputs;

        if (tx.IsCoinbase)
        {
            int length = tx.Inputs[0].ScriptSig.Length;
            if (length < ConsensusLimits.MinCoinbaseScriptLength || length > ConsensusLimits.MaxCoinbaseScriptLength)
                return TxCheckError.CoinbaseScriptLength;
        }
        else
        {
            foreach (var input in tx.Inputs)
                if (input.PreviousOutput.IsNull) return TxCheckError.NullPrevout;
        }
        return TxCheckError.None;
    }

    private static bool HasDuplicateInputs(Transaction tx)
    {
        var inputs = tx.Inputs;
        if (inputs.Length < 2) return false;
        if (inputs.Length == 2) return inputs[0].PreviousOutput == inputs[1].PreviousOutput;
        var seen = new HashSet<OutPoint>(inputs.Length);
        foreach (var input in inputs)
            if (!seen.Add(input.PreviousOutput)) return true;
        return false;
    }

    /// <summary>Core <c>IsFinalTx</c>: a transaction is final at <paramref name="height"/> and
    /// <paramref name="lockTimeCutoff"/> when its lock time is zero or already passed (a height below
    /// <see cref="ConsensusLimits.LockTimeThreshold"/>, otherwise a Unix time), or when every input has the final
    /// sequence number.</summary>
    public static bool IsFinal(Transaction tx, int height, long lockTimeCutoff)
    {
        uint lockTime = tx.LockTime;
        if (lockTime == 0) return true;
        long limit = lockTime < ConsensusLimits.LockTimeThreshold ? height : lockTimeCutoff;
        if (lockTime < limit) return true;
        foreach (var input in tx.Inputs)
            if (input.Sequence != TxIn.MaxSequence) return false;
        return true;
    }

    /// <summary>The size the transaction has without witness data (what its txid hashes).</summary>
    public static int StrippedSize(Transaction tx) => tx.GetSerializedSize(WireEncoding.Base);
}
