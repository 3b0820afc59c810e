using System.Globalization;

namespace ActorNode.Storage;

/// <summary>One file on disk that is always either the last complete save or absent, never torn: the crash-safe
/// protocol behind peers.json and banlist.json. The formats on top only turn their content into bytes and back.
/// <para>Save writes the bytes to <c>&lt;name&gt;.tmp</c> in the same directory, flushes it to disk, renames it
/// over the file (atomic on POSIX file systems and NTFS) and then syncs the directory, so a process killed at any
/// instant leaves either the old file or the new one. btcd instead truncates and rewrites peers.json in place
/// (addrmgr <c>savePeers</c>), so a crash mid-save leaves a torn file.</para>
/// <para>Load deletes a temporary file left by a save that died before its rename (the file is then still the
/// previous good one) and reads the whole file, up to a size cap. It never throws for a bad file. A file that cannot
/// be read, or whose content its format rejects, is moved aside by <see cref="MoveAside"/> as
/// <c>&lt;name&gt;.corrupt-&lt;UTC yyyyMMddTHHmmssZ&gt;</c> and kept for inspection (btcd deletes it).</para>
/// <para>Not synchronised: its owner makes one call at a time (two saves would share the temporary file, and a
/// move aside must not overtake a save). The formats on top serialise their calls.</para></summary>
public sealed class DurableFile
{
    private readonly string contentName;
    private readonly TimeProvider time;

    /// <summary>The file at <paramref name="path"/>. A file larger than <paramref name="maxBytes"/> is
    /// <see cref="DurableLoadResult.Unreadable"/> without being read; <paramref name="contentName"/> names what
    /// it should hold in that message (e.g. "a peers.json": "… is 9 bytes, more than a peers.json can be (8)").
    /// <paramref name="timeProvider"/> (default: the system clock) dates the name a corrupt file is moved to.</summary>
    public DurableFile(string path, long maxBytes, string contentName, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        ArgumentException.ThrowIfNullOrEmpty(contentName);
        FilePath = Path.GetFullPath(path);
        TempPath = FilePath + ".tmp";
        DirectoryPath = Path.GetDirectoryName(FilePath)!;
        MaxBytes = maxBytes;
        this.contentName = contentName;
        time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The full path of the file.</summary>
    public string FilePath { get; }

    /// <summary>Where a save writes before it renames (<see cref="FilePath"/> + ".tmp").</summary>
    public string TempPath { get; }

    /// <summary>The directory that holds the file; a save creates it if needed.</summary>
    public string DirectoryPath { get; }

    /// <summary>The largest file <see cref="Load"/> reads.</summary>
    public long MaxBytes { get; }

    /// <summary>Test hook: called at each step of a save (a test throws to simulate a crash there, or copies
    /// the directory to see what a crash would leave).</summary>
    internal Action<DurableSaveStep>? StepHook { get; set; }

    // ---------------------------------------------------------------- saving

    /// <summary>Replaces the file with <paramref name="bytes"/>, crash-safely. Cancelling is honoured up to the
    /// rename; after it the save completes. On failure the old file is untouched and the temporary file removed.</summary>
    /// <exception cref="IOException">The disk refused (the old file, if any, is still in place).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the
    /// rename (the old file is still in place).</exception>
    public void Save(ReadOnlySpan<byte> bytes, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Directory.CreateDirectory(DirectoryPath);
        try
        {
            // bufferSize 0: every Write goes straight to the OS, so what is on disk is what the steps say.
            using (var stream = new FileStream(TempPath, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0))
            {
                Step(DurableSaveStep.TempCreated);
                int half = bytes.Length / 2;
                stream.Write(bytes[..half]);
                Step(DurableSaveStep.PartiallyWritten);
                stream.Write(bytes[half..]);
                Step(DurableSaveStep.Written);
                stream.Flush(flushToDisk: true);
                Step(DurableSaveStep.Flushed);
            }

            // The last point at which giving up leaves the old file as it was.
            cancellationToken.ThrowIfCancellationRequested();
            Step(DurableSaveStep.BeforeRename);
            File.Move(TempPath, FilePath, overwrite: true);
        }
        catch
        {
            TryDelete(TempPath);
            throw;
        }

        Step(DurableSaveStep.Renamed);
        DirectorySync.Flush(DirectoryPath);
        Step(DurableSaveStep.DirectorySynced);
    }

    /// <summary><see cref="Save"/> on a thread-pool thread, so that an actor can save without blocking.</summary>
    public Task SaveAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default) =>
        Task.Run(() => Save(bytes.Span, cancellationToken), cancellationToken);

    private void Step(DurableSaveStep step) => StepHook?.Invoke(step);

    // ---------------------------------------------------------------- loading

    /// <summary>Reads the whole file, after deleting a leftover temporary file. Never throws for a missing,
    /// unreadable or oversized file (see <see cref="DurableLoadResult"/>); it does not move anything aside.</summary>
    public DurableLoadResult Load()
    {
        // A temporary file means a save died before its rename: the file is still the previous good one.
        TryDelete(TempPath);

        try
        {
            using var stream = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            long length = stream.Length;
            if (length > MaxBytes)
                return new DurableLoadResult.Unreadable($"{FilePath} is {length} bytes, more than {contentName} can be ({MaxBytes})");
            byte[] bytes = new byte[length];
            stream.ReadExactly(bytes);
            if (stream.ReadByte() != -1)
                return new DurableLoadResult.Unreadable($"{FilePath} grew while it was being read");
            return new DurableLoadResult.Loaded(bytes);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return new DurableLoadResult.Missing();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new DurableLoadResult.Unreadable($"{FilePath} cannot be read: {ex.Message}");
        }
    }

    // ---------------------------------------------------------------- corrupt files

    /// <summary>Renames the file to <c>&lt;name&gt;.corrupt-&lt;UTC yyyyMMddTHHmmssZ&gt;</c> (<c>-1</c>, <c>-2</c>, …
    /// if that name is taken), for a file that is <see cref="DurableLoadResult.Unreadable"/> or whose content its
    /// format rejects; the next start then finds no file. <paramref name="reason"/> is returned as is, or with
    /// why the move failed appended. Never throws.</summary>
    public MovedAside MoveAside(string reason)
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
                return new MovedAside(reason, target);
            }
            catch (IOException) when (File.Exists(target) && n < 1000)
            {
                // Someone took the name between our check and the move: try the next one.
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return new MovedAside($"{reason}; it could not be moved aside: {ex.Message}", null);
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
