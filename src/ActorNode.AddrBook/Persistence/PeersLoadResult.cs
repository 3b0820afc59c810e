namespace ActorNode.AddrBook.Persistence;

/// <summary>What <see cref="PeersFile.Load"/> found. Loading never fails the node: a missing or corrupt file
/// both mean "start with an empty book" (btcd <c>loadPeers</c>), but a corrupt one is kept for inspection.</summary>
public abstract record PeersLoadResult
{
    private PeersLoadResult()
    {
    }

    /// <summary>No peers.json: a first start. Begin with an empty book and a fresh key.</summary>
    public sealed record Missing : PeersLoadResult;

    /// <summary>The file was read and is consistent; the book restores <paramref name="Snapshot"/>.</summary>
    public sealed record Loaded(AddressBookSnapshot Snapshot) : PeersLoadResult;

    /// <summary>The file could not be used. <paramref name="Reason"/> says why (for the log).
    /// <paramref name="MovedTo"/> is where the bad file now is (<c>peers.json.corrupt-&lt;UTC time&gt;</c>),
    /// or <c>null</c> if it could not be moved (then <paramref name="Reason"/> also says why, and the next save
    /// replaces it). Begin with an empty book and a fresh key.</summary>
    public sealed record Corrupt(string Reason, string? MovedTo) : PeersLoadResult;
}
