using System.Net;
using System.Net.Sockets;
using ActorNode.AddrBook;
using ActorNode.Chain;
using ActorNode.Wire;
using ActorNode.Wire.Primitives;

namespace ActorNode.Host.Node;

/// <summary>Looks up a DNS seed's addresses. The node uses <see cref="SystemSeedResolver"/>; tests pass a fake, so
/// no test ever reaches a name server.</summary>
internal interface ISeedResolver
{
    Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken cancellation);
}

/// <summary>The operating system's resolver (btcd uses net.LookupIP through its lookup function).</summary>
internal sealed class SystemSeedResolver : ISeedResolver
{
    public async Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken cancellation) =>
        await Dns.GetHostAddressesAsync(host, cancellation).ConfigureAwait(false);
}

/// <summary>One seed's outcome: the addresses it gave, or why it gave none.</summary>
internal sealed record SeedResult(string Seed, IReadOnlyList<NetAddressV2> Addresses, string? Error);

/// <summary>btcd connmgr.SeedFromDNS: every seed of the network is asked once, in parallel; each answer becomes a
/// list of addresses on the network's default port with services NODE_NETWORK and a timestamp a random 3 to 7 days
/// in the past (so they are neither fresher than gossip nor stale), with the seed's own address as their source.
/// Seeds written as IP literals are used as they are; .onion seeds are skipped (no Tor). Regtest has no seeds.</summary>
internal sealed class DnsSeeder(ISeedResolver resolver, TimeProvider time, Random random)
{
    public async Task<IReadOnlyList<SeedResult>> SeedAsync(ChainParams chain, CancellationToken cancellation)
    {
        var lookups = chain.DnsSeeds.Select(seed => SeedOne(chain, seed, cancellation)).ToList();
        return await Task.WhenAll(lookups).ConfigureAwait(false);
    }

    private async Task<SeedResult> SeedOne(ChainParams chain, DnsSeed seed, CancellationToken cancellation)
    {
        string host = seed.Host;
        if (host.EndsWith(".onion", StringComparison.OrdinalIgnoreCase) || host.Contains(".onion:", StringComparison.OrdinalIgnoreCase))
            return new SeedResult(host, [], "onion seeds need Tor");
        IReadOnlyList<IPAddress> addresses;
        if (IPAddress.TryParse(host, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await resolver.ResolveAsync(host, cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ArgumentException or TimeoutException or OperationCanceledException)
            {
                return new SeedResult(host, [], e.Message);
            }
        }
        long now = time.GetUtcNow().ToUnixTimeSeconds();
        var result = new List<NetAddressV2>(addresses.Count);
        foreach (var address in addresses.Where(a => a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            long ago = TimeSpan.FromDays(3).Ticks / TimeSpan.TicksPerSecond + random.NextInt64(TimeSpan.FromDays(4).Ticks / TimeSpan.TicksPerSecond);
            result.Add(NetAddressV2.FromLegacy(new NetAddress(ServiceFlags.Network, address, chain.DefaultPort, (uint)(now - ago))));
        }
        return new SeedResult(host, result, null);
    }

    /// <summary>The address a seed's answers are attributed to (btcd uses the seed's first answer; any fixed address
    /// of the seed does, since it only keys the address book's bucket choice and rate limit).</summary>
    public static NetAddressV2 SourceOf(SeedResult result) =>
        result.Addresses.Count > 0 ? result.Addresses[0]
            : NetAddressV2.FromLegacy(new NetAddress(ServiceFlags.None, IPAddress.Any, 0, 0));
}
