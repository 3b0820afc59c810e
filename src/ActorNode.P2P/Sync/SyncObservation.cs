using ActorNode.Wire.Primitives;

namespace ActorNode.P2P.Sync;

// ---- Item observation (the lab: who saw which transaction and block first, from whom; docs/sync.md) ---------------

/// <summary>What an observed item is.</summary>
public enum ObservedItemKind
{
    Transaction,
    Block,
}

/// <summary>Tells the sender <see cref="ItemAccepted"/> and <see cref="ItemAnnounced"/> from now on, until it sends
/// <see cref="UnsubscribeItems"/> or stops (the SyncActor watches it). Answered at once with
/// <see cref="ItemsSubscribed"/>, so the subscriber knows from when it is told.</summary>
public sealed record SubscribeItems
{
    public static SubscribeItems Instance { get; } = new();
    private SubscribeItems() { }
}

/// <summary>The answer to <see cref="SubscribeItems"/>: observations follow from here on.</summary>
public sealed record ItemsSubscribed
{
    public static ItemsSubscribed Instance { get; } = new();
    private ItemsSubscribed() { }
}

/// <summary>Stops <see cref="ItemAccepted"/> and <see cref="ItemAnnounced"/> to the sender.</summary>
public sealed record UnsubscribeItems
{
    public static UnsubscribeItems Instance { get; } = new();
    private UnsubscribeItems() { }
}

/// <summary>This node now has the item: a transaction taken into the relay pool (from a peer's <c>tx</c>, or
/// <see cref="SubmitTransaction"/>), or a block stored with its data (a peer's <c>block</c>, a <c>cmpctblock</c>
/// rebuilt, <see cref="SubmitBlock"/> or <see cref="MineBlocks"/>). <paramref name="Hash"/>: the txid of a
/// transaction, the hash of a block. <paramref name="FromPeer"/> and <paramref name="FromUserAgent"/> (the user agent
/// of the peer's version message) name the peer that gave it, both null when it came from the user.
/// <paramref name="At"/> is the SyncActor's clock (<see cref="SyncSettings.Time"/>).</summary>
public sealed record ItemAccepted(ObservedItemKind Kind, Hash256 Hash, long? FromPeer, string? FromUserAgent, DateTimeOffset At);

/// <summary>A peer announced an item, whether we have it or not (duplicates included): each transaction and block
/// entry of an <c>inv</c> (the hash as announced: the wtxid for MSG_WTX, the txid for MSG_TX; the two are equal for a
/// transaction without witness data), each header of an unsolicited <c>headers</c> message (BIP130), and each
/// <c>cmpctblock</c> pushed to us unasked (BIP152 high-bandwidth). Answers to our own <c>getheaders</c> and
/// <c>getdata</c> are not announcements.</summary>
public sealed record ItemAnnounced(ObservedItemKind Kind, Hash256 Hash, long PeerId);
