namespace ActorNode.AddrBook;

/// <summary>Where a batch of addresses came from. Only <see cref="Peer"/> addresses are rate limited and kept away
/// from tried entries: a DNS seed and the user are trusted as btcd trusts every source.</summary>
public enum AddressOrigin
{
    /// <summary>A peer's <c>addr</c> or <c>addrv2</c> message; the source is that peer's address.</summary>
    Peer,
    /// <summary>A DNS seed lookup.</summary>
    DnsSeed,
    /// <summary>The user (command line, RPC).</summary>
    User,
}

/// <summary>The defences the book adds to btcd's rules, each of which can be switched off so that btcd's plain
/// behaviour can be measured against them (docs/addrbook.md).</summary>
public sealed record AddressBookOptions
{
    /// <summary>Bitcoin Core's per-source addr rate limit on <see cref="AddressOrigin.Peer"/> addresses; null for
    /// none (btcd).</summary>
    public AddrRateLimitOptions? RateLimit { get; init; } = AddrRateLimitOptions.Core;

    /// <summary>When set, an address from a peer's addr message leaves a tried entry exactly as it is (no timestamp
    /// or services change). btcd lets gossip rewrite tried entries; with its services-only update quirk that could
    /// even age them, making them the next to be evicted from the tried table.</summary>
    public bool ProtectTriedFromGossip { get; init; } = true;

    /// <summary>btcd's timestamp rule of OnAddr, applied to <see cref="AddressOrigin.Peer"/> addresses: a timestamp
    /// more than 10 minutes in the future becomes now − 5 days. On by default (btcd does it in server.go).</summary>
    public bool FixFutureTimestamps { get; init; } = true;

    /// <summary>Which addresses the book stores and how it groups them: <see cref="AddressScope.Internet"/> (btcd)
    /// unless the nodes of a lab or a test share one machine.</summary>
    public AddressScope Scope { get; init; } = AddressScope.Internet;

    /// <summary>Our rules: Core's rate limit and tried protection on.</summary>
    public static AddressBookOptions Default { get; } = new();

    /// <summary>btcd's plain rules: no rate limit, gossip may update tried entries. (btcd's plain bugs stay
    /// fixed: see docs/addrbook.md.)</summary>
    public static AddressBookOptions Btcd { get; } = new() { RateLimit = null, ProtectTriedFromGossip = false };
}

/// <summary>What one <see cref="AddressBook.AddAddresses"/> call did with its addresses.</summary>
/// <param name="Received">Addresses given.</param>
/// <param name="New">Addresses the book did not know and now holds.</param>
/// <param name="Known">Addresses the book already knew (their timestamp or services may have been updated, or a new
/// bucket reference added).</param>
/// <param name="Unroutable">Addresses refused because they are not routable (also I2P and CJDNS).</param>
/// <param name="RateLimited">Addresses dropped by the per-source rate limit.</param>
public readonly record struct AddResult(int Received, int New, int Known, int Unroutable, int RateLimited);
