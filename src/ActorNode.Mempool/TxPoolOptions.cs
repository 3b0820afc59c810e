namespace ActorNode.Mempool;

/// <summary>Limits of the <see cref="TxPool"/>, with Bitcoin Core's defaults (policy/policy.h, kernel/mempool_options.h,
/// net_processing.cpp).</summary>
public sealed record TxPoolOptions
{
    /// <summary>Core DEFAULT_MAX_MEMPOOL_SIZE_MB (300): the pool's accounted bytes stay at or below this; the oldest
    /// transactions go first when a new one needs room.</summary>
    public long MaxBytes { get; init; } = 300_000_000;

    /// <summary>Core DEFAULT_MEMPOOL_EXPIRY_HOURS (336 = 14 days): a transaction this old is dropped.</summary>
    public TimeSpan Expiry { get; init; } = TimeSpan.FromDays(14);

    /// <summary>Core's m_recent_rejects holds 120,000 entries (a rolling bloom filter there, an exact set here).
    /// </summary>
    public int RecentRejectsCapacity { get; init; } = 120_000;

    /// <summary>Core's m_recent_confirmed_transactions holds 48,000 entries.</summary>
    public int RecentConfirmedCapacity { get; init; } = 48_000;

    public static TxPoolOptions Default { get; } = new();
}
