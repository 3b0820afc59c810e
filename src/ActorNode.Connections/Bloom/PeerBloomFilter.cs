using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;

namespace ActorNode.Connections.Bloom;

/// <summary>One peer's BIP37 filter slot and the rules of filterload, filteradd and filterclear when we offer
/// NODE_BLOOM (Bitcoin Core net_processing.cpp, btcd server.go OnFilterLoad/OnFilterAdd/OnFilterClear). Each
/// operation returns null when accepted, or the fault that Core punishes with Misbehaving 100:
/// <list type="bullet">
/// <item>filterload of more than 36,000 bytes or 50 hash functions: "too-large bloom filter", nothing loaded;</item>
/// <item>filteradd of more than 520 bytes, or with no filter loaded: "bad filteradd message" (btcd only disconnects
/// for the second);</item>
/// <item>filterclear is always accepted, with or without a filter (Core; btcd disconnects without one).</item>
/// </list>
/// A load or a clear turns transaction relay on for the peer, whatever its version message said (Core
/// m_relay_txs = true, btcd setDisableRelayTx(false)); <see cref="RelayTurnedOn"/> reports it.</summary>
public sealed class PeerBloomFilter
{
    public BloomFilter? Filter { get; private set; }
    public bool IsLoaded => Filter is not null;

    /// <summary>Set by a load or a clear (BIP37: the peer now wants transaction announcements).</summary>
    public bool RelayTurnedOn { get; private set; }

    public string? Load(FilterLoadMessage message)
    {
        var filter = BloomFilter.FromMessage(message);
        if (!filter.IsWithinSizeConstraints) return "too-large bloom filter";
        Filter = filter;
        RelayTurnedOn = true;
        return null;
    }

    public string? Add(FilterAddMessage message)
    {
        if (message.Data.Length > BloomFilter.MaxElementSize) return "bad filteradd message: element too large";
        if (Filter is null) return "bad filteradd message: no filter loaded";
        Filter.Insert(message.Data.Span);
        return null;
    }

    public void Clear()
    {
        Filter = null;
        RelayTurnedOn = true;
    }

    /// <summary>Whether a transaction may be announced to the peer: always without a filter, else when it matches
    /// (the filter learns the matched outputs, as Core's does when it relays).</summary>
    public bool Matches(Transaction tx) => Filter is null || Filter.IsRelevantAndUpdate(tx);
}
