namespace ActorNode.Storage.Blocks;

/// <summary>The points of a <see cref="BlockStore"/> block write (<see cref="BlockStore.StoreBlock"/>,
/// <see cref="BlockStore.StoreBlocks(IEnumerable{ValueTuple{ActorNode.Wire.Primitives.Hash256, ReadOnlyMemory{byte}}}, ActorNode.Wire.Primitives.Hash256?)"/>)
/// at which a test may look at the directory as a process killed there would leave it, or fail the write. In
/// order of execution; the first two occur once per block, <see cref="FileSyncedBeforeRoll"/> once per new file.</summary>
internal enum BlockStoreWriteStep
{
    /// <summary>A record's 8-byte prefix (magic, length) is in the flat file, its block not yet.</summary>
    RecordPrefixWritten,
    /// <summary>A whole record is in the flat file (in the OS's cache: not yet synced, not indexed).</summary>
    RecordWritten,
    /// <summary>The flat file being left is synced; the next record goes to a new file.</summary>
    FileSyncedBeforeRoll,
    /// <summary>Every record of the write is synced to disk; the index does not name them yet.</summary>
    DataSynced,
    /// <summary>The index entries, the files' committed ends and the tip are committed (one synced write batch).</summary>
    IndexCommitted,
}
