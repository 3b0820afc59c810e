namespace ActorNode.Wire.Primitives;

/// <summary>What checking a block's BIP141 witness commitment found (Bitcoin Core
/// <c>CheckWitnessMalleation</c>, validation.cpp).</summary>
public enum WitnessCommitmentStatus
{
    /// <summary>No commitment in the coinbase and no transaction carries witness data: a block without segwit
    /// content, acceptable as it is.</summary>
    NotPresent,
    /// <summary>The commitment equals dsha(witness merkle root ‖ reserved value).</summary>
    Valid,
    /// <summary>A commitment is present but does not match the transactions' wtxids (Core
    /// "bad-witness-merkle-match").</summary>
    Mismatch,
    /// <summary>A commitment is present but the coinbase witness is not exactly one 32-byte item (Core
    /// "bad-witness-nonce-size").</summary>
    BadReservedValue,
    /// <summary>No commitment, yet some transaction has witness data (Core "unexpected-witness").</summary>
    UnexpectedWitness,
}

/// <summary>The BIP141 witness commitment: the last coinbase output whose script starts
/// <c>OP_RETURN 0x24 aa21a9ed</c> (at least 38 bytes) carries dsha(witness root ‖ reserved value), where the
/// reserved value is the coinbase input's single 32-byte witness item (Core <c>GetWitnessCommitmentIndex</c>).
/// btcd blockchain/merkle.go <c>ValidateWitnessCommitment</c> does the same.</summary>
public static class WitnessCommitment
{
    /// <summary>OP_RETURN, push 36, and the 4-byte tag 0xaa21a9ed.</summary>
    public static ReadOnlySpan<byte> ScriptPrefix => [0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed];

    /// <summary>Core's MINIMUM_WITNESS_COMMITMENT: the prefix and the 32-byte commitment.</summary>
    public const int MinScriptSize = 38;

    /// <summary>Size of the coinbase witness reserved value.</summary>
    public const int ReservedValueSize = 32;

    /// <summary>Finds the commitment in a coinbase: the last matching output wins, as in Core and btcd.</summary>
    public static bool TryFind(Transaction coinbase, out Hash256 commitment)
    {
        int index = FindOutputIndex(coinbase);
        if (index < 0)
        {
            commitment = default;
            return false;
        }
        commitment = new Hash256(coinbase.Outputs[index].PkScript.Span.Slice(ScriptPrefix.Length, Hash256.Size));
        return true;
    }

    /// <summary>The index of the commitment output in the coinbase, or -1.</summary>
    public static int FindOutputIndex(Transaction coinbase)
    {
        var outputs = coinbase.Outputs;
        for (int i = outputs.Length - 1; i >= 0; i--)
        {
            var script = outputs[i].PkScript.Span;
            if (script.Length >= MinScriptSize && script.StartsWith(ScriptPrefix)) return i;
        }
        return -1;
    }

    /// <summary>The coinbase witness reserved value: the only witness item of the coinbase's only input, when
    /// that stack is exactly one 32-byte item.</summary>
    public static bool TryGetReservedValue(Transaction coinbase, out ReadOnlyMemory<byte> reservedValue)
    {
        reservedValue = default;
        if (coinbase.Inputs.Length == 0) return false;
        var witness = coinbase.Inputs[0].Witness;
        if (witness is not { Length: 1 } || witness[0].Length != ReservedValueSize) return false;
        reservedValue = witness[0];
        return true;
    }

    /// <summary>dsha(witnessRoot ‖ reservedValue), the value the commitment must hold.</summary>
    public static Hash256 Compute(in Hash256 witnessRoot, ReadOnlySpan<byte> reservedValue)
    {
        Span<byte> preimage = stackalloc byte[Hash256.Size + ReservedValueSize];
        if (reservedValue.Length != ReservedValueSize)
            throw new ArgumentException("the witness reserved value has 32 bytes", nameof(reservedValue));
        witnessRoot.CopyTo(preimage);
        reservedValue.CopyTo(preimage[Hash256.Size..]);
        return Hash256.DoubleSha256(preimage);
    }

    /// <summary>Checks the block's witness commitment against its transactions.</summary>
    public static WitnessCommitmentStatus Verify(Block block)
    {
        var txs = block.Transactions;
        if (txs.Length == 0 || !TryFind(txs[0], out var commitment))
            return txs.Any(tx => tx.HasWitness)
                ? WitnessCommitmentStatus.UnexpectedWitness
                : WitnessCommitmentStatus.NotPresent;
        if (!TryGetReservedValue(txs[0], out var reserved)) return WitnessCommitmentStatus.BadReservedValue;
        var expected = Compute(MerkleTree.ComputeWitnessRoot(block), reserved.Span);
        return expected == commitment ? WitnessCommitmentStatus.Valid : WitnessCommitmentStatus.Mismatch;
    }
}
