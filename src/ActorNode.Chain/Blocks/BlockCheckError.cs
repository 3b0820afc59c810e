namespace ActorNode.Chain.Blocks;

/// <summary>What a failed block check says about the block.
/// <para>Bitcoin Core separates the two in validation.cpp <c>AcceptBlock</c>: a block that fails with
/// <c>BLOCK_MUTATED</c> does not get <c>BLOCK_FAILED_VALID</c> in the block index, because the header (and so the
/// hash) may belong to a perfectly valid block whose transactions this copy got wrong; the peer that sent it is
/// punished (net_processing <c>IsBlockMutated</c> / <c>MaybePunishNodeForBlock</c>), and the block can be fetched
/// again from another peer. Every other failure (<c>BLOCK_CONSENSUS</c>) is in data the header commits to, so the
/// block hash itself is invalid, for good, whoever sends it.</para></summary>
public enum BlockFault
{
    None,
    /// <summary>This copy of the block does not match its header: do not mark the hash invalid; drop the copy,
    /// score the peer that sent it, and ask another peer for the block.</summary>
    Mutated,
    /// <summary>The block is invalid: mark the hash (and its descendants) invalid and score the sender.</summary>
    Invalid,
}

/// <summary>Why a block failed <see cref="BlockSanity.Check"/>. The first group is <see cref="BlockFault.Mutated"/>
/// (Core <c>BLOCK_MUTATED</c>), the rest <see cref="BlockFault.Invalid"/> (Core <c>BLOCK_CONSENSUS</c>).</summary>
public enum BlockCheckError
{
    None,

    // ---- Mutated: the body does not match the header (Core IsBlockMutated) ----
    /// <summary>The transactions' merkle root is not the header's ("bad-txnmrklroot").</summary>
    MerkleRootMismatch,
    /// <summary>The root matches only because a run of transactions is repeated at the end of the list
    /// (CVE-2012-2459; "bad-txns-duplicate").</summary>
    DuplicateTransactionMutation,
    /// <summary>No coinbase first and a 64-byte stripped transaction, which can pass for an inner merkle node
    /// (Core IsBlockMutated, "Weaknesses in Bitcoin's Merkle Root Construction" §3.1).</summary>
    SixtyFourByteTransaction,
    /// <summary>A witness commitment but the coinbase witness is not one 32-byte item ("bad-witness-nonce-size").
    /// </summary>
    BadWitnessReservedValue,
    /// <summary>The witness commitment does not match the wtxids ("bad-witness-merkle-match").</summary>
    WitnessCommitmentMismatch,
    /// <summary>Witness data with no commitment, or before segwit is active ("unexpected-witness").</summary>
    UnexpectedWitness,

    // ---- Invalid: the header commits to a block that breaks a rule ----
    /// <summary>No transactions at all ("bad-blk-length").</summary>
    NoTransactions,
    /// <summary>More than 1,000,000 bytes without witness data, or too many transactions ("bad-blk-length").
    /// </summary>
    BaseSizeTooLarge,
    /// <summary>The first transaction is not a coinbase ("bad-cb-missing").</summary>
    FirstNotCoinbase,
    /// <summary>A coinbase after the first transaction ("bad-cb-multiple").</summary>
    MultipleCoinbases,
    /// <summary>A transaction fails <see cref="TransactionSanity.Check"/>; see <see cref="BlockCheckResult.TxError"/>.
    /// </summary>
    BadTransaction,
    /// <summary>Two transactions with the same txid (btcd ErrDuplicateTx; Core catches it later through BIP30 and
    /// the UTXO set).</summary>
    DuplicateTransaction,
    /// <summary>Legacy sigops × 4 above 80,000 ("bad-blk-sigops").</summary>
    TooManySigOps,
    /// <summary>A transaction whose lock time has not passed ("bad-txns-nonfinal").</summary>
    NonFinalTransaction,
    /// <summary>From the BIP34 height, a coinbase that does not start with the block height ("bad-cb-height").
    /// </summary>
    CoinbaseHeightMismatch,
    /// <summary>BIP141 weight above 4,000,000 ("bad-blk-weight").</summary>
    WeightTooHigh,
}

public static class BlockCheckErrorExtensions
{
    public static BlockFault Fault(this BlockCheckError error) => error switch
    {
        BlockCheckError.None => BlockFault.None,
        BlockCheckError.MerkleRootMismatch or BlockCheckError.DuplicateTransactionMutation
            or BlockCheckError.SixtyFourByteTransaction or BlockCheckError.BadWitnessReservedValue
            or BlockCheckError.WitnessCommitmentMismatch or BlockCheckError.UnexpectedWitness => BlockFault.Mutated,
        _ => BlockFault.Invalid,
    };

    /// <summary>Bitcoin Core's reject reason (btcd's rule name where Core has no such check).</summary>
    public static string RejectReason(this BlockCheckError error) => error switch
    {
        BlockCheckError.None => "",
        BlockCheckError.MerkleRootMismatch => "bad-txnmrklroot",
        BlockCheckError.DuplicateTransactionMutation => "bad-txns-duplicate",
        BlockCheckError.SixtyFourByteTransaction => "mutated-64-byte-tx",
        BlockCheckError.BadWitnessReservedValue => "bad-witness-nonce-size",
        BlockCheckError.WitnessCommitmentMismatch => "bad-witness-merkle-match",
        BlockCheckError.UnexpectedWitness => "unexpected-witness",
        BlockCheckError.NoTransactions or BlockCheckError.BaseSizeTooLarge => "bad-blk-length",
        BlockCheckError.FirstNotCoinbase => "bad-cb-missing",
        BlockCheckError.MultipleCoinbases => "bad-cb-multiple",
        BlockCheckError.BadTransaction => "bad-txns",
        BlockCheckError.DuplicateTransaction => "duplicate-tx",
        BlockCheckError.TooManySigOps => "bad-blk-sigops",
        BlockCheckError.NonFinalTransaction => "bad-txns-nonfinal",
        BlockCheckError.CoinbaseHeightMismatch => "bad-cb-height",
        BlockCheckError.WeightTooHigh => "bad-blk-weight",
        _ => error.ToString(),
    };
}

/// <summary>The outcome of <see cref="BlockSanity.Check"/>: valid, or the first rule broken, with the index of the
/// transaction at fault where there is one (-1 otherwise).</summary>
public readonly record struct BlockCheckResult(BlockCheckError Error, int TxIndex = -1,
    TxCheckError TxError = TxCheckError.None)
{
    public static BlockCheckResult Valid => default;

    public bool IsValid => Error == BlockCheckError.None;

    /// <summary>Mutated (try another peer, keep the hash) or invalid (the hash is bad).</summary>
    public BlockFault Fault => Error.Fault();

    /// <summary>True when the block hash must be marked invalid (Core BLOCK_FAILED_VALID).</summary>
    public bool InvalidatesBlock => Fault == BlockFault.Invalid;

    /// <summary>True when only this copy is bad: the block may still be valid from another peer.</summary>
    public bool IsMutated => Fault == BlockFault.Mutated;

    /// <summary>Core's reject reason; for a bad transaction, the transaction's.</summary>
    public string RejectReason => Error == BlockCheckError.BadTransaction ? TxError.RejectReason() : Error.RejectReason();

    public override string ToString() => IsValid ? "valid"
        : TxIndex >= 0 ? $"{RejectReason} (tx {TxIndex}, {Fault})" : $"{RejectReason} ({Fault})";
}
