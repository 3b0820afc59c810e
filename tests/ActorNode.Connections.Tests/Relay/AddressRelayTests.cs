using System.Net;
using ActorNode.AddrBook;
using ActorNode.Connections.Relay;
using ActorNode.Wire;
using ActorNode.Wire.Primitives;

namespace ActorNode.Connections.Tests.Relay;

/// <summary>Core's address relay: small, fresh, routable, within the sender's rate limit, not our getaddr's answer;
/// to two random other peers.</summary>
public sealed class AddressRelayTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static NetAddressV2 Addr(string ip, DateTimeOffset seen) =>
        NetAddressV2.FromLegacy(new NetAddress(ServiceFlags.Network, IPAddress.Parse(ip), 8333, (uint)seen.ToUnixTimeSeconds()));

    private static AddressRelay Relay(double initialTokens = 10) =>
        new(AddressScope.Internet, AddrRateLimitOptions.Core with { InitialTokens = initialTokens }, new Random(5));

    [Fact]
    public void ASmallMessageOfFreshRoutableAddresses_IsRelayed_NotStaleNorUnroutableOnes()
    {
        var relay = Relay();
        var fresh = Addr("20.1.7.5", Now - TimeSpan.FromMinutes(9));
        var stale = Addr("20.1.7.6", Now - TimeSpan.FromMinutes(11));
        var future = Addr("20.1.7.7", Now + TimeSpan.FromMinutes(11));
        var local = Addr("192.168.1.1", Now);
        Assert.Equal([fresh], relay.ToRelay(1, [fresh, stale, future, local], answersGetAddr: false, Now));
    }

    [Fact]
    public void ALargeMessage_OrTheAnswerToOurGetAddr_IsNotRelayed()
    {
        var relay = Relay(initialTokens: 100);
        var eleven = Enumerable.Range(1, 11).Select(i => Addr($"20.1.7.{i}", Now)).ToList();
        Assert.Empty(relay.ToRelay(1, eleven, answersGetAddr: false, Now));
        Assert.Single(relay.ToRelay(2, eleven.Take(1).ToList(), answersGetAddr: false, Now));
        Assert.Empty(relay.ToRelay(3, eleven.Take(1).ToList(), answersGetAddr: true, Now));
    }

    [Fact]
    public void EveryAddressCostsAToken_AndAFloodIsNotAmplified()
    {
        var relay = Relay(initialTokens: 1); // Core: one token to start, 0.1 a second
        var first = Addr("20.1.7.1", Now);
        Assert.Single(relay.ToRelay(7, [first], false, Now));
        Assert.Empty(relay.ToRelay(7, [Addr("20.1.7.2", Now)], false, Now)); // no token left
        Assert.Empty(relay.ToRelay(7, [Addr("20.1.7.3", Now + TimeSpan.FromSeconds(5))], false, Now + TimeSpan.FromSeconds(5)));
        Assert.Single(relay.ToRelay(7, [Addr("20.1.7.4", Now + TimeSpan.FromSeconds(15))], false, Now + TimeSpan.FromSeconds(15)));
        // Another peer has its own bucket; a forgotten peer starts again.
        Assert.Single(relay.ToRelay(8, [first], false, Now));
        relay.Forget(7);
        Assert.Equal(1, relay.TokensOf(7));
    }

    [Fact]
    public void ExpectAnswer_CreditsThePeer()
    {
        var relay = Relay(initialTokens: 1);
        relay.ExpectAnswer(3, Now);
        Assert.True(relay.TokensOf(3) >= 1000);
    }

    [Fact]
    public void PickTwo_TakesTwoDistinctCandidates_UniformlyOverMany()
    {
        var relay = Relay();
        Assert.Equal((null, null), relay.PickTwo(Array.Empty<string>()));
        Assert.Equal(("a", null), relay.PickTwo(new[] { "a" }));
        Assert.Equal(("a", "b"), relay.PickTwo(new[] { "a", "b" }));
        var counts = new Dictionary<string, int>();
        var candidates = Enumerable.Range(0, 10).Select(i => $"p{i}").ToArray();
        for (int i = 0; i < 10_000; i++)
        {
            var (first, second) = relay.PickTwo(candidates);
            Assert.NotNull(first);
            Assert.NotNull(second);
            Assert.NotEqual(first, second);
            counts[first!] = counts.GetValueOrDefault(first!) + 1;
            counts[second!] = counts.GetValueOrDefault(second!) + 1;
        }
        // 20,000 picks over 10 candidates: each near 2,000 (a biased sampler would starve the first or the last).
        Assert.All(candidates, c => Assert.InRange(counts[c], 1700, 2300));
    }
}
