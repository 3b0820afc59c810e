using ActorNode.AddrBook;
using ActorNode.Wire;
using ActorNode.Wire.Primitives;

namespace ActorNode.P2P.AddrBook;

/// <summary>Add or refresh addresses that <paramref name="Source"/> told us about (a peer's addr/addrv2, a DNS
/// seed, the user). Fire and forget.</summary>
public sealed record AddAddresses(IReadOnlyList<NetAddressV2> Addresses, NetAddressV2 Source, AddressOrigin Origin);

/// <summary>Asks for an address to dial under btcd's newAddressFunc rules: none in a group we already have an
/// outbound peer in, skip recently tried ones, prefer the default port. The answer is <see cref="AddressToDial"/>;
/// the address is marked as attempted.</summary>
public sealed record PickAddressToDial(IReadOnlySet<string> OutboundGroups, ushort DefaultPort);

/// <summary>The answer to <see cref="PickAddressToDial"/>: null when no address qualifies.</summary>
public sealed record AddressToDial(NetAddressV2? Address, string? GroupKey);

/// <summary>A dial to the address was attempted (btcd Attempt).</summary>
public sealed record Attempted(NetAddressV2 Address);

/// <summary>A peer at the address completed its handshake (btcd Connected: refreshes an old timestamp).</summary>
public sealed record ConnectedTo(NetAddressV2 Address);

/// <summary>An outbound peer at the address proved good (btcd Good: moves it to the tried table).</summary>
public sealed record MarkGood(NetAddressV2 Address);

/// <summary>An outbound peer's version message told us its services (btcd SetServices).</summary>
public sealed record ServicesLearned(NetAddressV2 Address, ServiceFlags Services);

/// <summary>We are about to send getaddr to the peer at <paramref name="Peer"/>: its answer may be large (Core's rate
/// limit grants it 1,000 tokens).</summary>
public sealed record ExpectAddresses(NetAddressV2 Peer);

/// <summary>The peer at <paramref name="Peer"/> disconnected: forget its rate-limit bucket.</summary>
public sealed record SourceGone(NetAddressV2 Peer);

/// <summary>Asks for the answer to a peer's getaddr: a random 23 % of known addresses, at most 2,500.</summary>
public sealed record GetAddresses
{
    public static readonly GetAddresses Instance = new();
}

/// <summary>The answer to <see cref="GetAddresses"/>.</summary>
public sealed record AddressesForPeer(IReadOnlyList<NetAddressV2> Addresses);

/// <summary>Asks whether the book wants more addresses (fewer than 1,000 known).</summary>
public sealed record NeedMoreAddresses
{
    public static readonly NeedMoreAddresses Instance = new();
}

/// <summary>The answer to <see cref="NeedMoreAddresses"/>.</summary>
public sealed record NeedMoreAddressesAnswer(bool Needed);

/// <summary>Asks for the book's counts.</summary>
public sealed record GetAddrBookStats
{
    public static readonly GetAddrBookStats Instance = new();
}

/// <summary>The answer to <see cref="GetAddrBookStats"/>.</summary>
public sealed record AddrBookStats(int Total, int New, int Tried, long RateLimited);

/// <summary>Asks for peers.json to be written now; answered with <see cref="Saved"/> or <see cref="SaveFailed"/>.</summary>
public sealed record SaveNow
{
    public static readonly SaveNow Instance = new();
}

/// <summary>Asks for a last save, then the actor stops; answered like <see cref="SaveNow"/> before it stops.</summary>
public sealed record SaveAndStop
{
    public static readonly SaveAndStop Instance = new();
}

/// <summary>peers.json now holds the book as it was when the save began.</summary>
public sealed record Saved(int Addresses);

/// <summary>peers.json could not be written; the previous file is untouched.</summary>
public sealed record SaveFailed(string Reason);
