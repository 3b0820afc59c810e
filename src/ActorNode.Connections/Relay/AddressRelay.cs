using System.Globalization;
using ActorNode.AddrBook;
using ActorNode.Wire;
using ActorNode.Wire.Primitives;

namespace ActorNode.Connections.Relay;

/// <summary>Which gossiped addresses go on to other peers, and to which (beyond btcd: Bitcoin Core's address relay,
/// net_processing.cpp ProcessAddrs and RelayAddress). A small unsolicited addr message (at most 10 entries) of fresh
/// (timestamp within 10 minutes), routable addresses goes on to two random other peers, so a new node's address
/// spreads. Every address costs its sender a token of its rate limit (one to start, 0.1 a second) and only those that
/// got one are relayed, so a flood of small messages is not amplified; nor is the answer to our getaddr, whose
/// sender is credited beforehand (the answer may be large).</summary>
public sealed class AddressRelay
{
    /// <summary>Core: a message with more entries than this is an answer or a dump, not a new address.</summary>
    public const int MaxRelayedMessage = 10;

    /// <summary>Core: an address is fresh when its timestamp is at most 10 minutes away from now.</summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromMinutes(10);

    private readonly AddrRateLimiter _limit;
    private readonly AddressScope _scope;
    private readonly Random _random;

    public AddressRelay(AddressScope scope, AddrRateLimitOptions? limit = null, Random? random = null)
    {
        _scope = scope;
        _limit = new AddrRateLimiter(limit ?? AddrRateLimitOptions.Core);
        _random = random ?? Random.Shared;
    }

    /// <summary>The addresses of an addr message from <paramref name="peer"/> to relay: each takes a token of the
    /// peer's rate limit (all of them, relayed or not); those that got one and are fresh and routable are relayed when
    /// the message is small and is not the answer to our getaddr.</summary>
    public IReadOnlyList<NetAddressV2> ToRelay(long peer, IReadOnlyList<NetAddressV2> addresses, bool answersGetAddr, DateTimeOffset now)
    {
        var key = Key(peer);
        _limit.Refill(key, now);
        var relay = new List<NetAddressV2>();
        bool small = addresses.Count <= MaxRelayedMessage && !answersGetAddr;
        long nowSeconds = now.ToUnixTimeSeconds();
        foreach (var address in addresses)
        {
            if (!_limit.TryTake(key, now)) continue;
            if (small && Math.Abs(nowSeconds - address.Timestamp) <= (long)Freshness.TotalSeconds && _scope.IsRoutable(address))
                relay.Add(address);
        }
        return relay;
    }

    /// <summary>We sent the peer getaddr: its answer may take more tokens than it has (Core).</summary>
    public void ExpectAnswer(long peer, DateTimeOffset now) => _limit.Credit(Key(peer), now);

    /// <summary>The peer has gone.</summary>
    public void Forget(long peer) => _limit.Forget(Key(peer));

    /// <summary>The tokens the peer has left (tests).</summary>
    public double TokensOf(long peer) => _limit.TokensOf(Key(peer));

    /// <summary>Up to two of <paramref name="candidates"/>, uniformly at random, by reservoir sampling: one pass, no
    /// sort, no list of all peers.</summary>
    public (T? First, T? Second) PickTwo<T>(IEnumerable<T> candidates) where T : class
    {
        T? first = null, second = null;
        int seen = 0;
        foreach (var candidate in candidates)
        {
            seen++;
            if (seen == 1) first = candidate;
            else if (seen == 2) second = candidate;
            else if (_random.Next(seen) is var slot && slot < 2)
            {
                if (slot == 0) first = candidate;
                else second = candidate;
            }
        }
        return (first, second);
    }

    private static string Key(long peer) => peer.ToString(CultureInfo.InvariantCulture);
}
