using ActorNode.Wire;
using ActorNode.Wire.Primitives;

namespace ActorNode.Chain.Blocks;

/// <summary>The checks a block body must pass before it is stored, everything that needs no UTXO set: Bitcoin Core
/// validation.cpp <c>IsBlockMutated</c>, <c>CheckBlock</c> (without the proof of work, which the header chain has
/// checked) and <c>ContextualCheckBlock</c>; btcd blockchain <c>CheckBlockSanity</c> and <c>checkBlockContext</c>.
/// <para>Order matters for what a failure means. The mutation checks run first, as in Core's net_processing: once
/// the transactions hash to the header's merkle root (without the CVE-2012-2459 duplication) and the witness data
/// matches its commitment, every byte of the block is committed to by the header, so any later failure condemns the
/// block hash itself (<see cref="BlockFault.Invalid"/>); a failure before that condemns only this copy
/// (<see cref="BlockFault.Mutated"/>).</para>
/// <para>Not checked here: scripts, amounts against spent outputs, BIP30, P2SH/witness sigops, the subsidy — all
/// need the UTXO set.</para></summary>
public static class BlockSanity
{
    /// <summary>Checks <paramref name="block"/> in <paramref name="context"/>; returns the first rule broken.</summary>
    public static BlockCheckResult Check(Block block, BlockCheckContext context)
    {
        var mutation = CheckMutation(block, context.SegwitActive);
        if (!mutation.IsValid) return mutation;

        var structure = CheckStructure(block);
        if (!structure.IsValid) return structure;

        return CheckContext(block, context);
    }

    /// <summary>Core <c>IsBlockMutated</c>: does this body match its header? The merkle root (and its
    /// CVE-2012-2459 duplication), a 64-byte transaction in a block without a coinbase, and the witness data
    /// against the coinbase's commitment (Core <c>CheckWitnessMalleation</c>; before segwit any witness data is
    /// unexpected).</summary>
    public static BlockCheckResult CheckMutation(Block block, bool segwitActive)
    {
        var txs = block.Transactions;
        var root = MerkleTree.ComputeRoot(block, out bool duplicated);
        if (root != block.Header.MerkleRoot) return new(BlockCheckError.MerkleRootMismatch);
        if (duplicated) return new(BlockCheckError.DuplicateTransactionMutation);

        if (txs.Length == 0 || !txs[0].IsCoinbase)
        {
            for (int i = 0; i < txs.Length; i++)
                if (txs[i].GetSerializedSize(WireEncoding.Base) == 64)
                    return new(BlockCheckError.SixtyFourByteTransaction, i);
            return BlockCheckResult.Valid; // CheckStructure refuses the missing coinbase
        }

        if (segwitActive)
        {
            switch (WitnessCommitment.Verify(block))
            {
                case WitnessCommitmentStatus.BadReservedValue: return new(BlockCheckError.BadWitnessReservedValue, 0);
                case WitnessCommitmentStatus.Mismatch: return new(BlockCheckError.WitnessCommitmentMismatch, 0);
                case WitnessCommitmentStatus.UnexpectedWitness: return UnexpectedWitness(txs);
            }
        }
        else if (txs.Any(tx => tx.HasWitness))
        {
            return UnexpectedWitness(txs);
        }
        return BlockCheckResult.Valid;
    }

    private static BlockCheckResult UnexpectedWitness(Transaction[] txs) =>
        new(BlockCheckError.UnexpectedWitness, Array.FindIndex(txs, tx => tx.HasWitness));

    /// <summary>Core <c>CheckBlock</c> after the merkle root: size, the coinbase, each transaction's own checks,
    /// duplicate txids (btcd) and the legacy sigop limit.</summary>
    public static BlockCheckResult CheckStructure(Block block)
    {
        var txs = block.Transactions;
        if (txs.Length == 0) return new(BlockCheckError.NoTransactions);
        if ((long)txs.Length * ConsensusLimits.WitnessScaleFactor > ConsensusLimits.MaxBlockWeight
            || block.GetSerializedSize(WireEncoding.Base) > ConsensusLimits.MaxBlockBaseSize)
            return new(BlockCheckError.BaseSizeTooLarge);

        if (!txs[0].IsCoinbase) return new(BlockCheckError.FirstNotCoinbase, 0);
        for (int i = 1; i < txs.Length; i++)
            if (txs[i].IsCoinbase) return new(BlockCheckError.MultipleCoinbases, i);

        for (int i = 0; i < txs.Length; i++)
        {
            var error = TransactionSanity.Check(txs[i]);
            if (error != TxCheckError.None) return new(BlockCheckError.BadTransaction, i, error);
        }

        var txids = new HashSet<Hash256>(txs.Length);
        for (int i = 0; i < txs.Length; i++)
            if (!txids.Add(txs[i].Txid)) return new(BlockCheckError.DuplicateTransaction, i);

        long sigOps = 0;
        for (int i = 0; i < txs.Length; i++)
        {
            sigOps += LegacySigOps.Count(txs[i]);
            if (sigOps * ConsensusLimits.WitnessScaleFactor > ConsensusLimits.MaxBlockSigOpsCost)
                return new(BlockCheckError.TooManySigOps, i);
        }
        return BlockCheckResult.Valid;
    }

    /// <summary>Core <c>ContextualCheckBlock</c> without the witness check (done in <see cref="CheckMutation"/>):
    /// every transaction final, the BIP34 height in the coinbase, the block weight.</summary>
    public static BlockCheckResult CheckContext(Block block, BlockCheckContext context)
    {
        var txs = block.Transactions;
        long cutoff = context.CsvActive && context.PreviousMedianTimePast is { } mtp ? mtp : block.Header.Timestamp;
        for (int i = 0; i < txs.Length; i++)
            if (!TransactionSanity.IsFinal(txs[i], context.Height, cutoff))
                return new(BlockCheckError.NonFinalTransaction, i);

        if (context.Bip34Active && (txs.Length == 0 || txs[0].Inputs.Length == 0
                || !CoinbaseHeight.Matches(txs[0].Inputs[0].ScriptSig.Span, context.Height)))
            return new(BlockCheckError.CoinbaseHeightMismatch, 0);

        if (block.Weight > ConsensusLimits.MaxBlockWeight) return new(BlockCheckError.WeightTooHigh);
        return BlockCheckResult.Valid;
    }
}
