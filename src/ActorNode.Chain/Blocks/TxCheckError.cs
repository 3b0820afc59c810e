namespace ActorNode.Chain.Blocks;

/// <summary>Why a transaction failed its context-free checks (Bitcoin Core consensus/tx_check.cpp
/// <c>CheckTransaction</c>, btcd blockchain <c>CheckTransactionSanity</c>). Every one of these makes a block that
/// holds the transaction invalid.</summary>
public enum TxCheckError
{
    None,
    /// <summary>No inputs ("bad-txns-vin-empty").</summary>
    NoInputs,
    /// <summary>No outputs ("bad-txns-vout-empty").</summary>
    NoOutputs,
    /// <summary>Stripped size × 4 above the block weight limit ("bad-txns-oversize").</summary>
    Oversize,
    /// <summary>An output value below zero ("bad-txns-vout-negative").</summary>
    NegativeOutput,
    /// <summary>An output value above 21 million BTC ("bad-txns-vout-toolarge").</summary>
    OutputTooLarge,
    /// <summary>The outputs together above 21 million BTC ("bad-txns-txouttotal-toolarge").</summary>
    OutputTotalTooLarge,
    /// <summary>The same outpoint spent twice ("bad-txns-inputs-duplicate").</summary>
    DuplicateInputs,
    /// <summary>A coinbase whose signature script is not 2–100 bytes ("bad-cb-length").</summary>
    CoinbaseScriptLength,
    /// <summary>A non-coinbase input that spends the null outpoint ("bad-txns-prevout-null").</summary>
    NullPrevout,
}

public static class TxCheckErrorExtensions
{
    /// <summary>Bitcoin Core's reject reason for the error, for logs and <c>reject</c> messages.</summary>
    public static string RejectReason(this TxCheckError error) => error switch
    {
        TxCheckError.None => "",
        TxCheckError.NoInputs => "bad-txns-vin-empty",
        TxCheckError.NoOutputs => "bad-txns-vout-empty",
        TxCheckError.Oversize => "bad-txns-oversize",
        TxCheckError.NegativeOutput => "bad-txns-vout-negative",
        TxCheckError.OutputTooLarge => "bad-txns-vout-toolarge",
        TxCheckError.OutputTotalTooLarge => "bad-txns-txouttotal-toolarge",
        TxCheckError.DuplicateInputs => "bad-txns-inputs-duplicate",
        TxCheckError.CoinbaseScriptLength => "bad-cb-length",
        TxCheckError.NullPrevout => "bad-txns-prevout-null",
        _ => error.ToString(),
    };
}
