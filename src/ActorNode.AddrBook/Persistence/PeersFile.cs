using System.Globalization;

namespace ActorNode.AddrBook.Persistence;

/// <summary>The durable peers.json (btcd addrmgr <c>savePeers</c>/<c>loadPeers</c>), made crash-safe.
/// <para>Save writes the whole file to <c>peers.json.tmp</c> in the same directory, flushes it to disk, renames
/// it over peers.json (atomic on POSIX file systems and NTFS) and then syncs the directory, so a process killed
/// at any instant leaves either the old file or the new one. btcd instead truncates and rewrites peers.json in
/// place, so a crash mid-save leaves a torn file.</para>
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

    private readonly TimeProvider time;
    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>A store for the file at <paramref name="path"/>. <paramref name="timeProvider"/> (default: the
    /// system clock) dates the name a corrupt file is moved to.</summary>
    public PeersFile(string path, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FilePath = Path.GetFullPath(path);
        TempPath = FilePath + ".tmp";
        DirectoryPath = Path.GetDirectoryName(FilePath)!;
        time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The store for <see cref="DefaultFileName"/> in <paramref name="dataDirectory"/>.</summary>
    public static PeersFile InDirectory(string dataDirectory, TimeProvider? timeProvider = null) =>
        new(Path.Combine(dataDirectory, DefaultFileName), timeProvider);

    /// <summary>The full path of peers.json.</summary>
    public string FilePath { get; }

    /// <summary>Where a save writes before it renames (<see cref="FilePath"/> + ".tmp").</summary>
    public string TempPath { get; }

    private string DirectoryPath { get; }

    /// <summary>Test hook: called at each step of a save (a test throws to simulate a crash there, or copies
    /// the directory to see what a crash would leave).</summary>
    internal Action<SaveStep>? StepHook { get; set; }

    // ---------------------------------------------------------------- saving

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
            WriteReplace(bytes, cancellationToken);
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
            await Task.Run(() => WriteReplace(bytes, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private void WriteReplace(byte[] bytes, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Directory.CreateDirectory(DirectoryPath);
        try
        {
            // bufferSize 0: every Write goes straight to the OS, so what is on disk is what the steps say.
            using (var stream = new FileStream(TempPath, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0))
            {
                Step(SaveStep.TempCreated);
                int half = bytes.Length / 2;
                stream.Write(bytes, 0, half);
                Step(SaveStep.PartiallyWritten);
                stream.Write(bytes, half, bytes.Length - half);
                Step(SaveStep.Written);
                stream.Flush(flushToDisk: true);
                Step(SaveStep.Flushed);
            }

            // The last point at which giving up leaves the old file as it was.
            cancellationToken.ThrowIfCancellationRequested();
            Step(SaveStep.BeforeRename);
            File.Move(TempPath, FilePath, overwrite: true);
        }
        catch
        {
            TryDelete(TempPath);
            throw;
        }

        Step(SaveStep.Renamed);
        DirectorySync.Flush(DirectoryPath);
        Step(SaveStep.DirectorySynced);
    }

    private void Step(SaveStep step) => StepHook?.Invoke(step);

    // ---------------------------------------------------------------- loading

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
        // A temporary file means a save died before its rename: peers.json is still the previous good file.
        TryDelete(TempPath);

        byte[] bytes;
        try
        {
            using var stream = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            long length = stream.Length;
            if (length > MaxFileBytes)
            {
                stream.Dispose();
                return MoveAsideCore($"{FilePath} is {length} bytes, more than a peers.json can be ({MaxFileBytes})");
            }
            bytes = new byte[length];
            stream.ReadExactly(bytes);
            if (stream.ReadByte() != -1)
            {
                stream.Dispose();
                return MoveAsideCore($"{FilePath} grew while it was being read");
            }
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return new PeersLoadResult.Missing();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return MoveAsideCore($"{FilePath} cannot be read: {ex.Message}");
        }

        try
        {
            return new PeersLoadResult.Loaded(PeersJson.Parse(bytes));
        }
        catch (PeersFileFormatException ex)
        {
            return MoveAsideCore($"{FilePath} is corrupt: {ex.Message}");
        }
    }

    private PeersLoadResult.Corrupt MoveAsideCore(string reason)
    {
        string stamp = time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string stem = $"{FilePath}.corrupt-{stamp}";
        for (int n = 0; ; n++)
        {
            string target = n == 0 ? stem : $"{stem}-{n}";
            if (File.Exists(target))
                continue;
            try
            {
                File.Move(FilePath, target, overwrite: false);
                TrySyncDirectory();
                return new PeersLoadResult.Corrupt(reason, target);
            }
            catch (IOException) when (File.Exists(target) && n < 1000)
            {
                // Someone took the name between our check and the move: try the next one.
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return new PeersLoadResult.Corrupt($"{reason}; it could not be moved aside: {ex.Message}", null);
            }
        }
    }

    private void TrySyncDirectory()
    {
        try
        {
            DirectorySync.Flush(DirectoryPath);
        }
        catch (IOException)
        {
            // The move happened; only its durability is in doubt, and the file is not needed to start.
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover temporary file is harmless (the next save truncates it).
        }
    }
}
