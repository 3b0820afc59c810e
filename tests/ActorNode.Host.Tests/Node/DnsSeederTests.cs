using System.Net;
using ActorNode.Chain;
using ActorNode.Host.Node;
using ActorNode.Wire;
using Microsoft.Extensions.Time.Testing;

namespace ActorNode.Host.Tests.Node;

/// <summary>DNS seeding behind <see cref="ISeedResolver"/>: a fake answers, nothing is resolved for real.</summary>
public sealed class DnsSeederTests
{
    private sealed class FakeResolver(Func<string, IReadOnlyList<IPAddress>> answer) : ISeedResolver
    {
        public List<string> Asked { get; } = [];

        public Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken cancellation)
        {
            lock (Asked) Asked.Add(host);
            return Task.FromResult(answer(host));
        }
    }

    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Mainnet_EverySeedIsAsked_AndAnswersBecomeAddressesOnThePort()
    {
        var resolver = new FakeResolver(host => [IPAddress.Parse("203.0.113.5"), IPAddress.Parse("2001:db8::5")]);
        var seeder = new DnsSeeder(resolver, new FakeTimeProvider(Now), new Random(1));
        var results = await seeder.SeedAsync(ChainParams.Mainnet, CancellationToken.None);

        Assert.Equal(ChainParams.Mainnet.DnsSeeds.Select(s => s.Host).Order(), resolver.Asked.Order());
        foreach (var result in results)
        {
            Assert.Null(result.Error);
            Assert.Equal(2, result.Addresses.Count);
            foreach (var address in result.Addresses)
            {
                Assert.Equal((ushort)8333, address.Port);
                Assert.Equal(ServiceFlags.Network, address.Services);
                var age = Now - DateTimeOffset.FromUnixTimeSeconds(address.Timestamp);
                Assert.InRange(age, TimeSpan.FromDays(3), TimeSpan.FromDays(7));
            }
        }
    }

    [Fact]
    public async Task Regtest_HasNoSeeds_NothingIsAsked()
    {
        var resolver = new FakeResolver(_ => throw new InvalidOperationException("must not resolve"));
        var results = await new DnsSeeder(resolver, new FakeTimeProvider(Now), new Random(1)).SeedAsync(ChainParams.Regtest, CancellationToken.None);
        Assert.Empty(results);
        Assert.Empty(resolver.Asked);
    }

    [Fact]
    public async Task Signet_LiteralSeedsAreNotResolved_OnionIsSkipped()
    {
        var resolver = new FakeResolver(_ => [IPAddress.Parse("198.51.100.9")]);
        var results = await new DnsSeeder(resolver, new FakeTimeProvider(Now), new Random(1)).SeedAsync(ChainParams.Signet, CancellationToken.None);

        Assert.Equal(["seed.signet.bitcoin.sprovoost.nl"], resolver.Asked);
        var literal = Assert.Single(results, r => r.Seed == "178.128.221.177");
        Assert.Equal("178.128.221.177", Assert.Single(literal.Addresses).Host);
        Assert.Contains(results, r => r.Seed.Contains(".onion") && r.Addresses.Count == 0 && r.Error is not null);
    }

    [Fact]
    public async Task FailingSeed_GivesAnError_NotAnException()
    {
        var resolver = new FakeResolver(_ => throw new System.Net.Sockets.SocketException(11001));
        var results = await new DnsSeeder(resolver, new FakeTimeProvider(Now), new Random(1)).SeedAsync(ChainParams.Testnet4, CancellationToken.None);
        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.NotNull(r.Error));
    }
}
