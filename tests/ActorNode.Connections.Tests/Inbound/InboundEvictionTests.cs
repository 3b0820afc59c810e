using ActorNode.Connections.Inbound;

namespace ActorNode.Connections.Tests.Inbound;

/// <summary>Bitcoin Core src/test/net_peer_eviction_tests.cpp, ported case by case (with a seeded
/// <see cref="Random"/> for Core's <c>FastRandomContext</c>, and several seeds since the properties must hold for any
/// random draw), plus the cases Core lists as "left to test".</summary>
public sealed class InboundEvictionTests
{
    private static readonly NetworkKind[] AllNetworks = Enum.GetValues<NetworkKind>();

    private static DateTimeOffset Sec(long seconds) => DateTimeOffset.UnixEpoch.AddSeconds(seconds);

    /// <summary>Core test/util/net.cpp <c>GetRandomNodeEvictionCandidates</c>: every field random, inbound, not noban.</summary>
    private static List<EvictionCandidate> RandomCandidates(int count, Random random)
    {
        var candidates = new List<EvictionCandidate>(count);
        for (int id = 0; id < count; id++)
        {
            candidates.Add(new EvictionCandidate(
                Id: id,
                Connected: Sec(random.Next(100)),
                MinPingTime: TimeSpan.FromMicroseconds(random.Next(100)),
                LastBlockTime: Sec(random.Next(100)),
                LastTxTime: Sec(random.Next(100)),
                RelevantServices: random.Next(2) == 0,
                RelayTxs: random.Next(2) == 0,
                BloomFilter: random.Next(2) == 0,
                KeyedNetGroup: (ulong)random.Next(100),
                PreferEvict: random.Next(2) == 0,
                IsLocal: random.Next(2) == 0,
                Network: AllNetworks[random.Next(AllNetworks.Length)]));
        }
        return candidates;
    }

    private static void Shuffle(List<EvictionCandidate> list, Random random)
    {
        for (int i = list.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }

    // ------------------------------------------------------------------ peer_protection_test

    private sealed record ProtectionCase(string Name, int Peers, Func<EvictionCandidate, EvictionCandidate> Setup,
        int[] Protected, int[] Unprotected);

    /// <summary>Core <c>IsProtected</c>: half the candidates are protected; all of <c>Protected</c> among them and
    /// all of <c>Unprotected</c> left as eviction candidates.</summary>
    private static void AssertProtected(ProtectionCase test, Random random)
    {
        List<EvictionCandidate> candidates = RandomCandidates(test.Peers, random).Select(test.Setup).ToList();
        Shuffle(candidates, random);
        int size = candidates.Count;

        InboundEviction.ProtectEvictionCandidatesByRatio(candidates);

        Assert.True(size - size / 2 == candidates.Count, $"{test.Name}: {candidates.Count} left of {size}");
        var left = candidates.Select(c => (int)c.Id).ToHashSet();
        foreach (int id in test.Protected)
            Assert.False(left.Contains(id), $"{test.Name}: expected candidate to be protected: {id}");
        foreach (int id in test.Unprotected)
            Assert.True(left.Contains(id), $"{test.Name}: expected candidate to be unprotected: {id}");
    }

    private static IEnumerable<ProtectionCase> ProtectionCases()
    {
        // Half of the peers with the greatest uptime (the lowest connected time) are protected.
        yield return new("uptime ipv4", 12, c => c with { Connected = Sec(c.Id), IsLocal = false, Network = NetworkKind.IPv4 },
            [0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]);
        yield return new("uptime reversed ipv6", 12, c => c with { Connected = Sec(12 - c.Id), IsLocal = false, Network = NetworkKind.IPv6 },
            [6, 7, 8, 9, 10, 11], [0, 1, 2, 3, 4, 5]);

        // One disadvantaged network at a time.
        yield return new("1/4 onion", 12, c => c with { IsLocal = false, Network = c.Id is 3 or 8 or 9 ? NetworkKind.Onion : NetworkKind.IPv4 },
            [3, 8, 9], []);
        yield return new("1/4 onion + 1/4 others", 12, c => c with { Connected = Sec(c.Id), IsLocal = false, Network = c.Id == 3 || c.Id > 7 ? NetworkKind.Onion : NetworkKind.IPv6 },
            [0, 1, 2, 3, 8, 9], [4, 5, 6, 7, 10, 11]);
        yield return new("1/4 localhost", 12, c => c with { IsLocal = c.Id is 1 or 9 or 11, Network = NetworkKind.IPv4 },
            [1, 9, 11], []);
        yield return new("1/4 localhost + 1/4 others", 12, c => c with { Connected = Sec(c.Id), IsLocal = c.Id > 6, Network = NetworkKind.IPv6 },
            [0, 1, 2, 7, 8, 9], [3, 4, 5, 6, 10, 11]);
        yield return new("1/4 i2p", 12, c => c with { IsLocal = false, Network = c.Id is 2 or 7 or 10 ? NetworkKind.I2P : NetworkKind.IPv4 },
            [2, 7, 10], []);
        yield return new("1/4 i2p + 1/4 others", 12, c => c with { Connected = Sec(c.Id), IsLocal = false, Network = c.Id == 4 || c.Id > 8 ? NetworkKind.I2P : NetworkKind.IPv6 },
            [0, 1, 2, 4, 9, 10], [3, 5, 6, 7, 8, 11]);
        yield return new("1/4 cjdns", 12, c => c with { IsLocal = false, Network = c.Id is 2 or 7 or 10 ? NetworkKind.Cjdns : NetworkKind.IPv4 },
            [2, 7, 10], []);
        yield return new("1/4 cjdns + 1/4 others", 12, c => c with { Connected = Sec(c.Id), IsLocal = false, Network = c.Id == 4 || c.Id > 8 ? NetworkKind.Cjdns : NetworkKind.IPv6 },
            [0, 1, 2, 4, 9, 10], [3, 5, 6, 7, 8, 11]);

        // Two networks.
        yield return new("1 localhost 1 onion of 4", 4, c => c with { Connected = Sec(c.Id), IsLocal = c.Id == 4, Network = c.Id == 3 ? NetworkKind.Onion : NetworkKind.IPv4 },
            [0, 4], [1, 2]);
        yield return new("1 localhost 1 onion of 7", 7, c => c with { Connected = Sec(c.Id), IsLocal = c.Id == 6, Network = c.Id == 5 ? NetworkKind.Onion : NetworkKind.IPv4 },
            [0, 1, 6], [2, 3, 4, 5]);
        yield return new("1 localhost 1 onion of 8", 8, c => c with { Connected = Sec(c.Id), IsLocal = c.Id == 6, Network = c.Id == 5 ? NetworkKind.Onion : NetworkKind.IPv4 },
            [0, 1, 5, 6], [2, 3, 4, 7]);
        yield return new("3 localhost 3 onion of 12", 12, c => c with { Connected = Sec(c.Id), IsLocal = c.Id is 6 or 9 or 11, Network = c.Id is 7 or 8 or 10 ? NetworkKind.Onion : NetworkKind.IPv6 },
            [0, 1, 2, 6, 7, 9], [3, 4, 5, 8, 10, 11]);
        yield return new("4 localhost 1 onion of 12", 12, c => c with { Connected = Sec(c.Id), IsLocal = c.Id > 4 && c.Id < 9, Network = c.Id == 10 ? NetworkKind.Onion : NetworkKind.IPv4 },
            [0, 1, 2, 5, 6, 10], [3, 4, 7, 8, 9, 11]);
        yield return new("4 localhost 2 onion of 16", 16, c => c with { Connected = Sec(c.Id), IsLocal = c.Id is 6 or 9 or 11 or 12, Network = c.Id is 8 or 10 ? NetworkKind.Onion : NetworkKind.IPv6 },
            [0, 1, 2, 3, 6, 8, 9, 10], [4, 5, 7, 11, 12, 13, 14, 15]);
        yield return new("5 localhost 1 onion of 16", 16, c => c with { Connected = Sec(c.Id), IsLocal = c.Id > 10, Network = c.Id == 10 ? NetworkKind.Onion : NetworkKind.IPv4 },
            [0, 1, 2, 3, 10, 11, 12, 13], [4, 5, 6, 7, 8, 9, 14, 15]);
        yield return new("1 localhost 4 onion of 16", 16, c => c with { Connected = Sec(c.Id), IsLocal = c.Id == 15, Network = c.Id > 6 && c.Id < 11 ? NetworkKind.Onion : NetworkKind.IPv6 },
            [0, 1, 2, 3, 7, 8, 9, 15], [5, 6, 10, 11, 12, 13, 14]);
        yield return new("2 onion 4 i2p of 12", 12, c => c with
            {
                Connected = Sec(c.Id),
                IsLocal = false,
                Network = c.Id is 8 or 10 ? NetworkKind.Onion : c.Id is 6 or 9 or 11 or 12 ? NetworkKind.I2P : NetworkKind.IPv4,
            },
            [0, 1, 2, 6, 8, 10], [3, 4, 5, 7, 9, 11]);

        // Three networks.
        yield return new("1 localhost 1 i2p 1 onion of 4", 4, c => c with
            {
                Connected = Sec(c.Id),
                IsLocal = c.Id == 2,
                Network = c.Id == 3 ? NetworkKind.I2P : c.Id == 1 ? NetworkKind.Onion : NetworkKind.IPv6,
            },
            [0, 3], [1, 2]);
        yield return new("1 localhost 1 i2p 1 onion of 7", 7, c => c with
            {
                Connected = Sec(c.Id),
                IsLocal = c.Id == 4,
                Network = c.Id == 6 ? NetworkKind.I2P : c.Id == 5 ? NetworkKind.Onion : NetworkKind.IPv6,
            },
            [0, 1, 6], [2, 3, 4, 5]);
        yield return new("1 localhost 1 i2p 1 onion of 8", 8, c => c with
            {
                Connected = Sec(c.Id),
                IsLocal = c.Id == 6,
                Network = c.Id == 5 ? NetworkKind.I2P : c.Id == 4 ? NetworkKind.Onion : NetworkKind.IPv6,
            },
            [0, 1, 5, 6], [2, 3, 4, 7]);
        yield return new("4 localhost 2 i2p 2 onion of 16", 16, c => c with
            {
                Connected = Sec(c.Id),
                IsLocal = c.Id == 6 || c.Id > 11,
                Network = c.Id is 7 or 11 ? NetworkKind.I2P : c.Id is 9 or 10 ? NetworkKind.Onion : NetworkKind.IPv4,
            },
            [0, 1, 2, 3, 6, 7, 9, 11], [4, 5, 8, 10, 12, 13, 14, 15]);
        yield return new("1 localhost 8 i2p 1 onion of 24", 24, c => c with
            {
                Connected = Sec(c.Id),
                IsLocal = c.Id == 12,
                Network = c.Id > 14 && c.Id < 23 ? NetworkKind.I2P : c.Id == 23 ? NetworkKind.Onion : NetworkKind.IPv6,
            },
            [0, 1, 2, 3, 4, 5, 12, 15, 16, 17, 18, 23], [6, 7, 8, 9, 10, 11, 13, 14, 19, 20, 21, 22]);
        yield return new("1 localhost 3 i2p 6 onion of 24", 24, c => c with
            {
                Connected = Sec(c.Id),
                IsLocal = c.Id == 15,
                Network = c.Id is 12 or 14 or 17 ? NetworkKind.I2P : c.Id > 17 ? NetworkKind.Onion : NetworkKind.IPv4,
            },
            [0, 1, 2, 3, 4, 5, 12, 14, 15, 17, 18, 19], [6, 7, 8, 9, 10, 11, 13, 16, 20, 21, 22, 23]);
        yield return new("1 localhost 7 i2p 4 onion of 24", 24, c => c with
            {
                Connected = Sec(c.Id),
                IsLocal = c.Id == 13,
                Network = c.Id > 16 ? NetworkKind.I2P : c.Id is 12 or 14 or 15 or 16 ? NetworkKind.Onion : NetworkKind.IPv6,
            },
            [0, 1, 2, 3, 4, 5, 12, 13, 14, 15, 17, 18], [6, 7, 8, 9, 10, 11, 16, 19, 20, 21, 22, 23]);
        yield return new("8 localhost 4 cjdns 3 onion of 24", 24, c => c with
            {
                Connected = Sec(c.Id),
                IsLocal = c.Id > 15,
                Network = c.Id > 10 && c.Id < 15 ? NetworkKind.Cjdns : c.Id > 6 && c.Id < 10 ? NetworkKind.Onion : NetworkKind.IPv4,
            },
            [0, 1, 2, 3, 4, 5, 7, 8, 11, 12, 16, 17], [6, 9, 10, 13, 14, 15, 18, 19, 20, 21, 22, 23]);

        // Four networks.
        yield return new("1 cjdns 1 i2p 1 localhost 1 onion of 5", 5, c => c with
            {
                Connected = Sec(c.Id),
                IsLocal = c.Id == 3,
                Network = c.Id == 4 ? NetworkKind.Cjdns : c.Id == 1 ? NetworkKind.I2P : c.Id == 2 ? NetworkKind.Onion : NetworkKind.IPv6,
            },
            [0, 4], [1, 2, 3]);
        yield return new("1 cjdns 1 i2p 1 localhost 1 onion of 7", 7, c => c with
            {
                Connected = Sec(c.Id),
                IsLocal = c.Id == 4,
                Network = c.Id == 6 ? NetworkKind.Cjdns : c.Id == 5 ? NetworkKind.I2P : c.Id == 3 ? NetworkKind.Onion : NetworkKind.IPv4,
            },
            [0, 1, 6], [2, 3, 4, 5]);
        yield return new("1 cjdns 1 i2p 1 localhost 1 onion of 8", 8, c => c with
            {
                Connected = Sec(c.Id),
                IsLocal = c.Id == 3,
                Network = c.Id == 5 ? NetworkKind.Cjdns : c.Id == 6 ? NetworkKind.I2P : c.Id == 3 ? NetworkKind.Onion : NetworkKind.IPv6,
            },
            [0, 1, 5, 6], [2, 3, 4, 7]);
        yield return new("2 cjdns 2 i2p 4 localhost 2 onion of 16", 16, c => c with
            {
                Connected = Sec(c.Id),
                IsLocal = c.Id > 5,
                Network = c.Id is 11 or 15 ? NetworkKind.Cjdns : c.Id is 10 or 14 ? NetworkKind.I2P : c.Id is 8 or 9 ? NetworkKind.Onion : NetworkKind.IPv4,
            },
            [0, 1, 2, 3, 6, 8, 10, 11], [4, 5, 7, 9, 12, 13, 14, 15]);
        yield return new("6 cjdns 1 i2p 1 localhost 4 onion of 24", 24, c => c with
            {
                Connected = Sec(c.Id),
                IsLocal = c.Id == 13,
                Network = c.Id > 17 ? NetworkKind.Cjdns : c.Id == 17 ? NetworkKind.I2P : c.Id is 12 or 14 or 15 or 16 ? NetworkKind.Onion : NetworkKind.IPv6,
            },
            [0, 1, 2, 3, 4, 5, 12, 13, 14, 17, 18, 19], [6, 7, 8, 9, 10, 11, 15, 16, 20, 21, 22, 23]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(20260101)]
    public void ProtectEvictionCandidatesByRatio_CorePeerProtectionCases_Hold(int seed)
    {
        var random = new Random(seed);
        List<ProtectionCase> cases = ProtectionCases().ToList();

        Assert.Equal(32, cases.Count);
        foreach (ProtectionCase test in cases)
            AssertProtected(test, random);
    }

    [Fact]
    public void ProtectEvictionCandidatesByRatio_Empty_StaysEmpty()
    {
        var candidates = new List<EvictionCandidate>();

        InboundEviction.ProtectEvictionCandidatesByRatio(candidates);

        Assert.Empty(candidates);
    }

    [Fact]
    public void ProtectEvictionCandidatesByRatio_Remaining_SortedYoungestFirst()
    {
        List<EvictionCandidate> candidates = RandomCandidates(30, new Random(9))
            .Select(c => c with { IsLocal = false, Network = NetworkKind.IPv4 }).ToList();

        InboundEviction.ProtectEvictionCandidatesByRatio(candidates);

        Assert.Equal(candidates.OrderByDescending(c => c.Connected).Select(c => c.Connected), candidates.Select(c => c.Connected));
    }

    // ------------------------------------------------------------------ peer_eviction_test

    /// <summary>Core <c>IsEvicted</c>: whether the evicted peer (if any) is one of <paramref name="ids"/>.</summary>
    private static bool IsEvicted(int count, Func<EvictionCandidate, EvictionCandidate> setup, int[] ids, Random random)
    {
        List<EvictionCandidate> candidates = RandomCandidates(count, random).Select(setup).ToList();
        Shuffle(candidates, random);
        long? evicted = InboundEviction.SelectNodeToEvict(candidates);
        return evicted is { } id && ids.Contains((int)id);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    public void SelectNodeToEvict_CorePeerEvictionCases_Hold(int seed)
    {
        var random = new Random(seed);
        for (int n = 0; n < 200; n++)
        {
            int count = n;

            // Four nodes with the highest keyed netgroup values are protected.
            Assert.False(IsEvicted(count, c => c with { KeyedNetGroup = (ulong)(count - c.Id) }, [0, 1, 2, 3], random), $"netgroup, n={n}");

            // Eight nodes with the lowest minimum ping time are protected.
            Assert.False(IsEvicted(count, c => c with { MinPingTime = TimeSpan.FromMicroseconds(c.Id) }, [0, 1, 2, 3, 4, 5, 6, 7], random), $"ping, n={n}");

            // Four nodes that most recently sent novel transactions are protected.
            Assert.False(IsEvicted(count, c => c with { LastTxTime = Sec(count - c.Id) }, [0, 1, 2, 3], random), $"tx, n={n}");

            // Up to eight non-tx-relay peers that most recently sent novel blocks are protected.
            Assert.False(IsEvicted(count, c => c.Id <= 7
                    ? c with { LastBlockTime = Sec(count - c.Id), RelayTxs = false, RelevantServices = true }
                    : c with { LastBlockTime = Sec(count - c.Id) },
                [0, 1, 2, 3, 4, 5, 6, 7], random), $"block-relay-only, n={n}");

            // Four peers that most recently sent novel blocks are protected.
            Assert.False(IsEvicted(count, c => c with { LastBlockTime = Sec(count - c.Id) }, [0, 1, 2, 3], random), $"block, n={n}");

            // Combination of the previous two tests.
            Assert.False(IsEvicted(count, c => c.Id <= 7
                    ? c with { LastBlockTime = Sec(count - c.Id), RelayTxs = false, RelevantServices = true }
                    : c with { LastBlockTime = Sec(count - c.Id) },
                [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], random), $"blocks combined, n={n}");

            // Combination of all tests above.
            Assert.False(IsEvicted(count, c => c with
                {
                    KeyedNetGroup = (ulong)(count - c.Id), // 4 protected
                    MinPingTime = TimeSpan.FromMicroseconds(c.Id), // 8 protected
                    LastTxTime = Sec(count - c.Id), // 4 protected
                    LastBlockTime = Sec(count - c.Id), // 4 protected
                },
                [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19], random), $"all, n={n}");

            // An eviction is expected given >= 29 random candidates: at most 4 + 8 + 4 + 8 + 4 are protected, then
            // half of the rest.
            if (n >= 29)
                Assert.NotNull(InboundEviction.SelectNodeToEvict(RandomCandidates(n, random)));

            // No eviction is expected given <= 20 random candidates: at least 4 + 8 + 4 + 4 are protected.
            if (n <= 20)
                Assert.Null(InboundEviction.SelectNodeToEvict(RandomCandidates(n, random)));
        }
    }

    // ------------------------------------------------------------------ Core's "cases left to test", and ours

    /// <summary>40 inbound IPv4 peers whose protection is fixed: 0–3 by netgroup (groups 1000+), 4–11 by ping,
    /// 12–15 by novel tx, 16–19 by novel block, 20–29 by uptime; 30–39 (connected at 1030–1039 s, youngest last)
    /// remain, all in group <paramref name="group"/> unless changed.</summary>
    private static List<EvictionCandidate> Scenario(Func<long, ulong>? group = null)
    {
        var list = new List<EvictionCandidate>();
        for (long id = 0; id < 40; id++)
        {
            list.Add(new EvictionCandidate(
                Id: id,
                Connected: Sec(id < 30 ? 100 + id : 1000 + id),
                MinPingTime: id is >= 4 and <= 11 ? TimeSpan.FromMicroseconds(id - 3) : TimeSpan.FromMicroseconds(1000 + id),
                LastBlockTime: id is >= 16 and <= 19 ? Sec(1000 + id) : null,
                LastTxTime: id is >= 12 and <= 15 ? Sec(1000 + id) : null,
                RelevantServices: true,
                RelayTxs: true,
                BloomFilter: false,
                KeyedNetGroup: id < 4 ? 1000 + (ulong)id : group?.Invoke(id) ?? 5,
                PreferEvict: false,
                IsLocal: false,
                Network: NetworkKind.IPv4));
        }
        return list;
    }

    [Fact]
    public void SelectNodeToEvict_OneGroupLeft_YoungestEvicted()
    {
        Assert.Equal(39, InboundEviction.SelectNodeToEvict(Scenario()));
    }

    [Fact]
    public void SelectNodeToEvict_InputOrder_DoesNotMatterWithDistinctValues()
    {
        var random = new Random(5);
        for (int i = 0; i < 20; i++)
        {
            // Every remaining peer in a group of its own, except 31, 34 and 38, who share group 2.
            List<EvictionCandidate> candidates = Scenario(id => id is 31 or 34 or 38 ? 2UL : (ulong)id);
            Shuffle(candidates, random);

            Assert.Equal(38, InboundEviction.SelectNodeToEvict(candidates));
        }
    }

    [Fact]
    public void SelectNodeToEvict_LargestGroup_ItsYoungestEvicted()
    {
        // Remaining 30-39: group 5 = {30, 31, 32, 38}, group 6 = {33, 34, 39}, group 7 = {35, 36, 37}.
        List<EvictionCandidate> candidates = Scenario(id => id switch
        {
            30 or 31 or 32 or 38 => 5,
            33 or 34 or 39 => 6,
            35 or 36 or 37 => 7,
            _ => 8,
        });

        Assert.Equal(38, InboundEviction.SelectNodeToEvict(candidates));
    }

    [Fact]
    public void SelectNodeToEvict_GroupsTied_GroupWithYoungestMemberLoses()
    {
        // group 5 = {30, 31, 32, 38} and group 6 = {33, 34, 35, 37} tie at 4; group 5's youngest (38) is younger than
        // group 6's (37); the overall youngest (39) is in the small group 7.
        List<EvictionCandidate> candidates = Scenario(id => id switch
        {
            30 or 31 or 32 or 38 => 5,
            33 or 34 or 35 or 37 => 6,
            36 or 39 => 7,
            _ => 8,
        });

        Assert.Equal(38, InboundEviction.SelectNodeToEvict(candidates));
    }

    [Fact]
    public void SelectNodeToEvict_GroupsTiedInSizeAndYoungestTime_FirstToReachTheSizeKept()
    {
        // group 2 = {36, 39}, group 3 = {37, 38}; 39 connected in the same second as 38. Walking youngest first
        // (39, 38, 37, 36), group 3 reaches size 2 first; group 2 only ties it (Core: strictly greater replaces).
        List<EvictionCandidate> candidates = Scenario(id => id switch
            {
                36 or 39 => 2,
                37 or 38 => 3,
                _ => (ulong)id,
            })
            .Select(c => c.Id == 39 ? c with { Connected = Sec(1038) } : c).ToList();

        Assert.Equal(38, InboundEviction.SelectNodeToEvict(candidates));
    }

    [Fact]
    public void SelectNodeToEvict_NoNovelTxAnywhere_TxSlotsGoToPeersWithoutBloomFilter()
    {
        // Nobody sent a novel tx; Core breaks the tie by tx relay, then prefers peers *without* a bloom filter: 36-39.
        // Then 16-19 (blocks) and the 10 oldest of the remaining 20 (12-15, 20-25) are protected: 35 is evicted.
        List<EvictionCandidate> candidates = Scenario()
            .Select(c => c with { LastTxTime = null, BloomFilter = c.Id < 36 }).ToList();

        Assert.Equal(35, InboundEviction.SelectNodeToEvict(candidates));
    }

    [Fact]
    public void SelectNodeToEvict_NoNovelTxAnywhere_TxSlotsGoToTxRelayPeers()
    {
        List<EvictionCandidate> candidates = Scenario()
            .Select(c => c with { LastTxTime = null, RelayTxs = c.Id >= 36, RelevantServices = false }).ToList();

        Assert.Equal(35, InboundEviction.SelectNodeToEvict(candidates));
    }

    [Fact]
    public void SelectNodeToEvict_NoNovelBlockAnywhere_BlockSlotsGoToPeersWithRelevantServices()
    {
        // Nobody sent a block; Core then protects peers with the relevant services: 36-39 (not 16-19).
        // The 10 oldest of the remaining 20 (16-25) are protected: 35 is evicted.
        List<EvictionCandidate> candidates = Scenario()
            .Select(c => c with { LastBlockTime = null, RelevantServices = c.Id >= 36 }).ToList();

        Assert.Equal(35, InboundEviction.SelectNodeToEvict(candidates));
    }

    [Fact]
    public void SelectNodeToEvict_PreferEvictRemaining_OnlyThoseConsidered()
    {
        // 33 (group 1) and 35 (group 2) prefer eviction; without them group 1 would hold all but 35.
        List<EvictionCandidate> candidates = Scenario(id => id == 35 ? 2UL : 1UL)
            .Select(c => c.Id is 33 or 35 ? c with { PreferEvict = true } : c).ToList();

        Assert.Equal(35, InboundEviction.SelectNodeToEvict(candidates));
    }

    [Fact]
    public void SelectNodeToEvict_PreferEvictButProtected_Ignored()
    {
        // Peer 5 prefers eviction but has one of the 8 best pings: protection comes first.
        List<EvictionCandidate> candidates = Scenario().Select(c => c.Id == 5 ? c with { PreferEvict = true } : c).ToList();

        Assert.Equal(39, InboundEviction.SelectNodeToEvict(candidates));
    }

    [Fact]
    public void SelectNodeToEvict_WithoutPreferEvict_LargestGroupYoungest()
    {
        List<EvictionCandidate> candidates = Scenario(id => id == 35 ? 2UL : 1UL);

        Assert.Equal(39, InboundEviction.SelectNodeToEvict(candidates));
    }

    [Fact]
    public void SelectNodeToEvict_OutboundYoungest_NeverEvicted()
    {
        List<EvictionCandidate> candidates = Scenario().Select(c => c.Id == 39 ? c with { Outbound = true } : c).ToList();

        // 39 leaves the candidates; of the 19 left after the fixed protections, the 9 oldest (20-28) are protected.
        Assert.Equal(38, InboundEviction.SelectNodeToEvict(candidates));
    }

    [Fact]
    public void SelectNodeToEvict_NoBanYoungest_NeverEvicted()
    {
        List<EvictionCandidate> candidates = Scenario().Select(c => c.Id >= 37 ? c with { NoBan = true } : c).ToList();

        Assert.Equal(36, InboundEviction.SelectNodeToEvict(candidates));
    }

    [Fact]
    public void SelectNodeToEvict_AllNoBanOrOutbound_Null()
    {
        List<EvictionCandidate> candidates = Scenario().Select(c => c.Id % 2 == 0 ? c with { NoBan = true } : c with { Outbound = true }).ToList();

        Assert.Null(InboundEviction.SelectNodeToEvict(candidates));
        Assert.Null(InboundEviction.SelectNodeToEvict([]));
    }

    [Fact]
    public void SelectNodeToEvict_BlockRelayOnlyPeers_ProtectedBeforeOthers()
    {
        // 30 and 31 are block-relay-only peers that sent blocks: protected by the "up to 8" rule, so that the four
        // most recent block senders (16-19) are still protected too and 30/31 never reach the uptime step.
        List<EvictionCandidate> candidates = Scenario()
            .Select(c => c.Id is 30 or 31 ? c with { RelayTxs = false, LastBlockTime = Sec(500) } : c).ToList();

        long? evicted = InboundEviction.SelectNodeToEvict(candidates);

        Assert.Equal(39, evicted);
        Assert.True(ProtectedAtEvictionOf(candidates).IsSupersetOf([30, 31]));
    }

    [Fact]
    public void SelectNodeToEvict_SubSecondConnectTimes_CompareAsWholeSeconds()
    {
        // 38 and 39 connected in the same second (39 half a second later) and have the same ping: Core sees a tie
        // at every step, which our stable sorts break by input order.
        List<EvictionCandidate> candidates = Scenario()
            .Select(c => c.Id == 39 ? c with { Connected = Sec(1038).AddMilliseconds(500), MinPingTime = TimeSpan.FromMicroseconds(1038) } : c)
            .ToList();

        Assert.Equal(38, InboundEviction.SelectNodeToEvict(candidates));
        candidates.Reverse();
        Assert.Equal(39, InboundEviction.SelectNodeToEvict(candidates));
    }

    [Fact]
    public void SelectNodeToEvict_RandomInputs_ReturnsAnEvictableCandidateDeterministically()
    {
        // Core src/test/fuzz/node_eviction.cpp: the result, if any, is one of the inbound, non-noban candidates.
        var random = new Random(77);
        for (int i = 0; i < 500; i++)
        {
            List<EvictionCandidate> candidates = RandomCandidates(random.Next(0, 140), random)
                .Select(c => c with { NoBan = random.Next(8) == 0, Outbound = random.Next(8) == 0 }).ToList();

            long? evicted = InboundEviction.SelectNodeToEvict(candidates);

            Assert.Equal(evicted, InboundEviction.SelectNodeToEvict(candidates));
            if (evicted is { } id)
            {
                EvictionCandidate chosen = Assert.Single(candidates, c => c.Id == id);
                Assert.False(chosen.NoBan);
                Assert.False(chosen.Outbound);
            }
        }
    }

    /// <summary>The ids that are not evicted when every evictable peer is removed one at a time until none is left.</summary>
    private static HashSet<long> ProtectedAtEvictionOf(List<EvictionCandidate> candidates)
    {
        var left = candidates.ToList();
        while (InboundEviction.SelectNodeToEvict(left) is { } id)
            left.RemoveAll(c => c.Id == id);
        return left.Select(c => c.Id).ToHashSet();
    }
}
