using ActorNode.AddrBook;
using Akka.Configuration;

namespace ActorNode.P2P.AddrBook;

/// <summary>What the AddrBookActor needs besides its store: how often to save, which defences to apply, and (for
/// deterministic tests) the clock and random source of the book.</summary>
public sealed record AddrBookSettings
{
    public TimeSpan SaveInterval { get; init; } = AddressBook.DumpAddressInterval;
    public AddressBookOptions Options { get; init; } = AddressBookOptions.Default;
    public TimeProvider Time { get; init; } = TimeProvider.System;
    /// <summary>Makes the book's random source; each (re)load gets a new one.</summary>
    public Func<Random> NewRandom { get; init; } = () => new Random();

    public static AddrBookSettings Default { get; } = new();

    /// <summary>Reads the <c>actornode.addrbook</c> section of the HOCON configuration (hocon/actornode.conf).</summary>
    public static AddrBookSettings FromConfig(Config section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var interval = section.GetTimeSpan("save-interval", AddressBook.DumpAddressInterval, allowInfinite: false);
        if (interval <= TimeSpan.Zero)
            throw new ConfigurationException($"actornode.addrbook.save-interval must be positive, was {interval}");
        AddrRateLimitOptions? limit = null;
        if (section.GetBoolean("rate-limit", true))
        {
            double bucket = section.GetDouble("rate-limit-bucket", AddrRateLimitOptions.Core.BucketSize);
            double rate = section.GetDouble("rate-limit-per-second", AddrRateLimitOptions.Core.TokensPerSecond);
            if (bucket <= 0 || rate < 0)
                throw new ConfigurationException("actornode.addrbook.rate-limit-bucket must be positive and rate-limit-per-second not negative");
            limit = new AddrRateLimitOptions(bucket, rate);
        }
        var scopeName = section.GetString("scope", AddressScope.Internet.Name);
        if (!AddressScope.TryParse(scopeName, out var scope))
            throw new ConfigurationException($"actornode.addrbook.scope must be internet or loopback, was '{scopeName}'");
        return new AddrBookSettings
        {
            SaveInterval = interval,
            Options = AddressBookOptions.Default with
            {
                RateLimit = limit,
                ProtectTriedFromGossip = section.GetBoolean("protect-tried-from-gossip", true),
                Scope = scope,
            },
        };
    }
}
