namespace ActorNode.AddrBook.Persistence;

/// <summary>The whole address book as btcd's peers.json holds it (btcd addrmgr serializedAddrManager, version 2).
/// Times are Unix seconds; "never" is <see cref="GoZeroTime"/>, the value Go writes for its zero time.</summary>
public sealed record AddressBookSnapshot(
    int Version,
    byte[] Key,
    IReadOnlyList<SerializedKnownAddress> Addresses,
    IReadOnlyList<IReadOnlyList<string>> NewBuckets,
    IReadOnlyList<IReadOnlyList<string>> TriedBuckets)
{
    /// <summary>The version btcd writes and the newest it (and we) can read.</summary>
    public const int CurrentVersion = 2;

    /// <summary>Go's zero time (0001-01-01T00:00:00Z) as Unix seconds: btcd's "never".</summary>
    public const long GoZeroTime = -62135596800;
}

/// <summary>One entry of peers.json (btcd addrmgr serializedKnownAddress). <c>Addr</c> and <c>Src</c> are
/// "host:port" keys as Go's net.JoinHostPort writes them.</summary>
public sealed record SerializedKnownAddress(
    string Addr,
    string Src,
    int Attempts,
    long TimeStamp,
    long LastAttempt,
    long LastSuccess,
    ulong Services,
    ulong SrcServices);
