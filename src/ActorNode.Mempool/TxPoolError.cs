using ActorNode.Chain.Blocks;

namespace ActorNode.Mempool;

/// <summary>Why <see cref="TxPool.TryAdd"/> did not take a transaction.</summary>
public enum TxPoolError
{
    /// <summary>Accepted.</summary>
    None,
    /// <summary>The same transaction (same wtxid) is already in the pool.</summary>
    AlreadyInPool,
    /// <summary>Refused since the last block (Core m_recent_rejects); not checked again.</summary>
    RecentlyRejected,
    /// <summary>In one of the last blocks connected (Core m_recent_confirmed_transactions).</summary>
    RecentlyConfirmed,
    /// <summary>A coinbase can only come in a block ("coinbase").</summary>
    Coinbase,
    /// <summary>Fails the consensus checks of <see cref="TransactionSanity"/>; see
    /// <see cref="TxAcceptResult.CheckError"/>. The only error that says the sender relayed something invalid.</summary>
    Invalid,
    /// <summary>Weight above 400,000 (Core MAX_STANDARD_TX_WEIGHT, "tx-size").</summary>
    TooLarge,
    /// <summary>Stripped size below 65 bytes (Core MIN_STANDARD_TX_NONWITNESS_SIZE, "tx-size-small"): a 64-byte
    /// transaction can pass for an inner merkle node.</summary>
    TooSmall,
    /// <summary>A transaction with this txid but another witness is in the pool
    /// ("txn-same-nonwitness-data-in-mempool").</summary>
    SameNonWitnessData,
    /// <summary>Spends an outpoint a pool transaction already spends; first seen wins ("txn-mempool-conflict").
    /// </summary>
    Conflict,
    /// <summary>Larger on its own than the whole pool may be ("mempool full").</summary>
    PoolFull,
}

/// <summary>The outcome of <see cref="TxPool.TryAdd"/>.</summary>
public readonly record struct TxAcceptResult(TxPoolError Error, TxCheckError CheckError = TxCheckError.None)
{
    public static TxAcceptResult Accepted => default;

    public bool IsAccepted => Error == TxPoolError.None;

    /// <summary>The transaction breaks a consensus rule: the peer that relayed it may be scored (Core punishes
    /// TX_CONSENSUS failures). Policy refusals are not the peer's fault.</summary>
    public bool IsConsensusInvalid => Error == TxPoolError.Invalid;

    /// <summary>Bitcoin Core's reject reason.</summary>
    public string RejectReason => Error switch
    {
        TxPoolError.None => "",
        TxPoolError.AlreadyInPool => "txn-already-in-mempool",
        TxPoolError.RecentlyRejected => "txn-recently-rejected",
        TxPoolError.RecentlyConfirmed => "txn-already-known",
        TxPoolError.Coinbase => "coinbase",
        TxPoolError.Invalid => CheckError.RejectReason(),
        TxPoolError.TooLarge => "tx-size",
        TxPoolError.TooSmall => "tx-size-small",
        TxPoolError.SameNonWitnessData => "txn-same-nonwitness-data-in-mempool",
        TxPoolError.Conflict => "txn-mempool-conflict",
        TxPoolError.PoolFull => "mempool full",
        _ => Error.ToString(),
    };

    public override string ToString() => IsAccepted ? "accepted" : RejectReason;
}
