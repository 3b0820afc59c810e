namespace ActorNode.Storage;

/// <summary>What <see cref="DurableFile.Load"/> found. Loading never throws for a bad file; the format on top
/// decides what the bytes mean and moves a file it cannot use aside (<see cref="DurableFile.MoveAside"/>).</summary>
public abstract record DurableLoadResult
{
    private DurableLoadResult()
    {
    }

    /// <summary>There is no file (nor, perhaps, its directory): a first start.</summary>
    public sealed record Missing : DurableLoadResult;

    /// <summary>The whole file, as the last completed save wrote it.</summary>
    public sealed record Loaded(byte[] Bytes) : DurableLoadResult;

    /// <summary>The file exists but could not be read (an I/O or permission error, larger than the cap, or it grew
    /// while being read). <paramref name="Reason"/> names the path and the fault, for the log and for
    /// <see cref="DurableFile.MoveAside"/>.</summary>
    public sealed record Unreadable(string Reason) : DurableLoadResult;
}

/// <summary>The outcome of <see cref="DurableFile.MoveAside"/>. <paramref name="MovedTo"/> is where the file now is
/// (<c>&lt;name&gt;.corrupt-&lt;UTC yyyyMMddTHHmmssZ&gt;</c>, with <c>-1</c>, <c>-2</c>, … if that name is taken), or
/// null if it could not be moved; then <paramref name="Reason"/> also says why, and the next save replaces the
/// file.</summary>
public sealed record MovedAside(string Reason, string? MovedTo);
