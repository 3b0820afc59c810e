namespace ActorNode.Storage.Blocks;

/// <summary>Settings of a <see cref="BlockStore"/>.</summary>
public sealed record BlockStoreOptions
{
    /// <summary>Core's <c>MAX_BLOCKFILE_SIZE</c> (128 MiB): a new flat file is started when the next record would
    /// pass this size. btcd's ffldb rolls at 512 MiB.</summary>
    public const long DefaultMaxFileSize = 128L * 1024 * 1024;

    /// <summary>The largest block the store accepts or reads back: Core's serialisation limit <c>MAX_SIZE</c>
    /// (32 MiB), far above the consensus weight limit, so a stored length above it is corruption.</summary>
    public const int MaxBlockLength = 32 * 1024 * 1024;

    public static BlockStoreOptions Default { get; } = new();

    /// <summary>Size at which a flat file is rolled (a block larger than it still gets a file of its own).
    /// At least 1 KiB, at most 2 GiB.</summary>
    public long MaxFileSize { get; init; } = DefaultMaxFileSize;

    /// <summary>fsync the flat file before the index commit and sync every index commit (the default). Off only
    /// for throwaway stores (tests, benchmarks of the rest): a crash of the machine, not of the process, may then
    /// lose recent writes and leave index entries that point to missing bytes (a process crash still loses nothing,
    /// the OS has the data).</summary>
    public bool SyncWrites { get; init; } = true;

    internal void Validate()
    {
        if (MaxFileSize < 1024 || MaxFileSize > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(MaxFileSize), MaxFileSize, "between 1 KiB and 2 GiB");
    }
}
