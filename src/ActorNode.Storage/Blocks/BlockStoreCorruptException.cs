namespace ActorNode.Storage.Blocks;

/// <summary>The store's files on disk contradict each other or their checksums: a flat file shorter than the index
/// says, a record whose magic, length, checksum or header hash is wrong, an index entry that fails its checksum,
/// or an index database that the engine reports damaged. <see cref="Path"/> names the file (or the index
/// directory). The store never returns bytes it could not verify; the node refuses to start on this error rather
/// than silently starting over (docs/storage.md says what to do).</summary>
public sealed class BlockStoreCorruptException : Exception
{
    public BlockStoreCorruptException(string path, string message, Exception? inner = null)
        : base($"{path}: {message}", inner)
    {
        Path = path;
    }

    /// <summary>The damaged file, or the index directory when the engine does not say which file.</summary>
    public string Path { get; }
}
