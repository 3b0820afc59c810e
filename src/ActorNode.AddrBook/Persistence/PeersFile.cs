using ActorNode.Storage;

namespace ActorNode.AddrBook.Persistence;

/// <summary>The durable peers.json (btcd addrmgr <c>savePeers</c>/<c>loadPeers</c>): btcd's JSON format
/// (<see cref="PeersJson"/>) on a crash-safe <see cref="DurableFile"/>.
/// <para>Save writes the whole file to <c>peers.json.tmp</c> in the same directory, flushes it to disk, renames it
/// over peers.json (atomic on POSIX file systems and NTFS) and then syncs the directory, so a process killed at any
/// instant leaves either the old file or the new one. btcd instead truncates and rewrites peers.json in place, so a
/// crash mid-save leaves a torn file.</para>
/// <para>Load never throws for a bad file: a missing file is <see cref="PeersLoadResult.Missing"/>; an unreadable
/// or corrupt one is renamed to <c>peers.json.corrupt-&lt;UTC yyyyMMddTHHmmssZ&gt;</c> and reported as
/// <see cref="PeersLoadResult.Corrupt"/> (btcd deletes it). A temporary file left by a crash is deleted.</para>
/// <para>Saves and loads on one instance are serialised; use one instance per file.</para></summary>
public sealed class PeersFile
{
    /// <summary>btcd's file name in the data directory.</summary>
    public const string DefaultFileName = "peers.json";

    /// <summary>A file larger than this is treated as corrupt without being read. A full btcd book (65,536 new
    /// and 16,384 tried entries) is about 30 MB.</summary>
    public const long MaxFileBytes = 128L * 1024 * 1024;

    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>A store for the file at <paramref name="path"/>. <paramref name="timeProvider"/> (default: the
    /// system clock) dates the name a corrupt file is moved to.</summary>
    public PeersFile(string path, TimeProvider? timeProvider = null) =>
        Durable = new DurableFile(path, MaxFileBytes, "a peers.json", timeProvider);

    /// <summary>The store for <see cref="DefaultFileName"/> in <paramref name="dataDirectory"/>.</summary>
    public static PeersFile InDirectory(string dataDirectory, TimeProvider? timeProvider = null) =>
        new(Path.Combine(dataDirectory, DefaultFileName), timeProvider);

    /// <summary>The full path of peers.json.</summary>
    public string FilePath => Durable.FilePath;

    /// <summary>Where a save writes before it renames (<see cref="FilePath"/> + ".tmp").</summary>
    public string TempPath => Durable.TempPath;

    /// <summary>The file underneath (tests reach its step hook through it).</summary>
    internal DurableFile Durable { get; }

    /// <summary>Replaces peers.json with <paramref name="snapshot"/>, crash-safely. Cancelling is honoured up
    /// to the rename; after it the save completes. On failure the old file is untouched.</summary>
    /// <exception cref="ArgumentException">The snapshot cannot be written (see <see cref="PeersJson.Serialize"/>).</exception>
    /// <exception cref="IOException">The disk refused (the old file, if any, is still in place).</exception>
    public void Save(AddressBookSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        byte[] bytes = PeersJson.Serialize(snapshot);
        gate.Wait(cancellationToken);
        try
        {
            Durable.Save(bytes, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary><see cref="Save"/> on a thread-pool thread, so that an actor can save without blocking.</summary>
    public async Task SaveAsync(AddressBookSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        byte[] bytes = await Task.Run(() => PeersJson.Serialize(snapshot), cancellationToken).ConfigureAwait(false);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Durable.SaveAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Reads peers.json. Never throws for a missing, unreadable or corrupt file (see
    /// <see cref="PeersLoadResult"/>); a corrupt one is moved aside first.</summary>
    public PeersLoadResult Load()
    {
        gate.Wait();
        try
        {
            return LoadCore();
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary><see cref="Load"/> on a thread-pool thread.</summary>
    public async Task<PeersLoadResult> LoadAsync(CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(LoadCore, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Moves peers.json aside as corrupt (as <see cref="Load"/> does for a file it cannot parse), for a
    /// caller that finds the loaded content unusable, e.g. an address the book cannot parse (btcd
    /// <c>DeserializeNetAddress</c> failing). Never throws.</summary>
    public PeersLoadResult.Corrupt MoveAside(string reason)
    {
        gate.Wait();
        try
        {
            return MoveAsideCore(reason);
        }
        finally
        {
            gate.Release();
        }
    }

    private PeersLoadResult LoadCore()
    {
        switch (Durable.Load())
        {
            case DurableLoadResult.Loaded loaded:
                try
                {
                    return new PeersLoadResult.Loaded(PeersJson.Parse(loaded.Bytes));
                }
                catch (PeersFileFormatException ex)
                {
                    return MoveAsideCore($"{FilePath} is corrupt: {ex.Message}");
                }
            case DurableLoadResult.Unreadable unreadable:
                return MoveAsideCore(unreadable.Reason);
            default:
                return new PeersLoadResult.Missing();
        }
    }

    private PeersLoadResult.Corrupt MoveAsideCore(string reason)
    {
        MovedAside moved = Durable.MoveAside(reason);
        return new PeersLoadResult.Corrupt(moved.Reason, moved.MovedTo);
    }
}
