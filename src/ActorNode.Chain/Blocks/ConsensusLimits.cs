namespace ActorNode.Chain.Blocks;

/// <summary>Consensus limits on blocks and transactions that need no UTXO set (Bitcoin Core consensus/consensus.h,
/// consensus/amount.h, script/script.h; btcd blockchain/validate.go).</summary>
public static class ConsensusLimits
{
    /// <summary>BIP141 weight = base size × 3 + total size; each base byte counts four times.</summary>
    public const int WitnessScaleFactor = 4;

    /// <summary>Core MAX_BLOCK_WEIGHT, btcd MaxBlockWeight.</summary>
    public const int MaxBlockWeight = 4_000_000;

    /// <summary>The block without witness data (btcd MaxBlockBaseSize): Core's "bad-blk-length" test
    /// stripped size × 4 &gt; <see cref="MaxBlockWeight"/>.</summary>
    public const int MaxBlockBaseSize = MaxBlockWeight / WitnessScaleFactor;

    /// <summary>Core MAX_BLOCK_SIGOPS_COST; legacy sigops count <see cref="WitnessScaleFactor"/> each.</summary>
    public const int MaxBlockSigOpsCost = 80_000;

    /// <summary>Satoshis per bitcoin.</summary>
    public const long Coin = 100_000_000;

    /// <summary>Core MAX_MONEY: no output and no transaction's output total may exceed 21 million BTC.</summary>
    public const long MaxMoney = 21_000_000 * Coin;

    /// <summary>A coinbase signature script has 2 to 100 bytes (Core "bad-cb-length", btcd MinCoinbaseScriptLen and
    /// MaxCoinbaseScriptLen).</summary>
    public const int MinCoinbaseScriptLength = 2;
    public const int MaxCoinbaseScriptLength = 100;

    /// <summary>Lock times below this are block heights, at or above it Unix times (Core LOCKTIME_THRESHOLD).</summary>
    public const uint LockTimeThreshold = 500_000_000;

    /// <summary>Core MAX_PUBKEYS_PER_MULTISIG: what an OP_CHECKMULTISIG counts in the legacy sigop count.</summary>
    public const int MaxPubKeysPerMultisig = 20;
}
