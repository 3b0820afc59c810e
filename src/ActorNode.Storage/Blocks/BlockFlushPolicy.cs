namespace ActorNode.Storage.Blocks;

/// <summary>When a <see cref="BlockWriteBuffer"/> writes its blocks to disk: as soon as one of the three limits is
/// reached (Core flushes its block files and chain state by size and by time, validation.cpp
/// <c>FlushStateToDisk</c>). Pure: it decides from the numbers it is given. Defaults: 1,000 blocks, 64 MiB, 2 s;
/// HOCON <c>actornode.store.flush</c>.
/// <list type="bullet">
/// <item><see cref="MaxBlocks"/>: a flush once this many blocks wait. It is also the most a crash can lose.</item>
/// <item><see cref="MaxBytes"/>: a flush once the waiting blocks hold this many bytes (the buffer then holds at
///   most this plus one block).</item>
/// <item><see cref="MaxInterval"/>: a flush once this long has passed since the last one, as soon as a block waits.
///   So a block that arrives after a quiet spell (one block every ten minutes once synced) is written at once, and
///   during a download no block waits longer than this.</item>
/// </list></summary>
public sealed record BlockFlushPolicy
{
    public static BlockFlushPolicy Default { get; } = new();

    /// <summary>Flush every block at once (the store's behaviour before batching; for tests and tools).</summary>
    public static BlockFlushPolicy EveryBlock { get; } = new() { MaxBlocks = 1 };

    public int MaxBlocks { get; init; } = 1000;

    public long MaxBytes { get; init; } = 64L * 1024 * 1024;

    public TimeSpan MaxInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Refuses limits that make no sense (a zero or negative count, size or interval).</summary>
    public void Validate()
    {
        if (MaxBlocks < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxBlocks), MaxBlocks, "at least 1");
        if (MaxBytes < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxBytes), MaxBytes, "at least 1");
        if (MaxInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(MaxInterval), MaxInterval, "more than zero");
    }

    /// <summary>True when blocks wait and one of the limits is reached.</summary>
    /// <param name="blocks">Blocks waiting.</param>
    /// <param name="bytes">Their bytes.</param>
    /// <param name="sinceLastFlush">Time since the last flush (or since the buffer was made).</param>
    public bool IsDue(int blocks, long bytes, TimeSpan sinceLastFlush) =>
        blocks > 0 && (blocks >= MaxBlocks || bytes >= MaxBytes || sinceLastFlush >= MaxInterval);

    /// <summary>How long until a flush is due if nothing more arrives: null when nothing waits, zero when due now.
    /// An actor sets its flush timer from it.</summary>
    public TimeSpan? DueIn(int blocks, long bytes, TimeSpan sinceLastFlush)
    {
        if (blocks <= 0)
            return null;
        if (IsDue(blocks, bytes, sinceLastFlush))
            return TimeSpan.Zero;
        return MaxInterval - sinceLastFlush;
    }
}
