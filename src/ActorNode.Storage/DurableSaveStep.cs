namespace ActorNode.Storage;

/// <summary>The points of <see cref="DurableFile.Save"/> at which a test may stop it (a simulated crash) or look
/// at the directory. In order of execution.</summary>
internal enum DurableSaveStep
{
    /// <summary>The temporary file exists and is empty.</summary>
    TempCreated,
    /// <summary>About half of the new content is in the temporary file.</summary>
    PartiallyWritten,
    /// <summary>All of it has been written, not yet flushed to disk.</summary>
    Written,
    /// <summary>The temporary file has been flushed to disk (fsync) and is still open.</summary>
    Flushed,
    /// <summary>The temporary file is closed; the file is still the old one.</summary>
    BeforeRename,
    /// <summary>The temporary file has replaced the file; the directory is not yet synced.</summary>
    Renamed,
    /// <summary>The directory entry is on disk: the save is complete.</summary>
    DirectorySynced,
}
