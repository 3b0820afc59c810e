namespace ActorNode.Connections.Inbound;

/// <summary>Chooses which inbound peer to disconnect when a new inbound connection arrives and every inbound slot
/// is taken, so that an attacker cannot lock honest peers out by filling the slots first: Bitcoin Core's
/// <c>SelectNodeToEvict</c> (src/node/eviction.cpp), step for step. btcd has no eviction; it refuses the new
/// connection instead.
/// <list type="number">
/// <item>Never evict noban (whitelisted) peers or outbound connections.</item>
/// <item>Protect the 4 peers with the highest keyed network group (an attacker cannot predict which groups).</item>
/// <item>Protect the 8 with the lowest minimum ping (cannot be faked without moving closer).</item>
/// <item>Protect the 4 that most recently sent a novel transaction (ties: tx relay on, then bloom filter off,
/// then longest connected).</item>
/// <item>Protect up to 8 block-relay-only peers (no tx relay, relevant services) that most recently sent a novel
/// block.</item>
/// <item>Protect the 4 that most recently sent a novel block (ties: relevant services, then longest connected).</item>
/// <item>Protect half of the rest by longest uptime, up to half of that share reserved for peers on disadvantaged
/// networks (CJDNS, I2P, localhost, onion, fewest candidates first; Core
/// <c>ProtectEvictionCandidatesByRatio</c>).</item>
/// <item>If any remaining peer is marked prefer-evict, consider only those.</item>
/// <item>Evict the youngest peer of the network group with the most remaining peers (ties: the group whose
/// youngest member connected most recently).</item>
/// </list>
/// Core sorts with <c>std::sort</c>, whose order among equal elements is unspecified; we sort stably (equal
/// elements keep their input order), which is one of the orders Core may produce and makes the result a pure
/// function of the input list. Times are compared at Core's resolution (whole seconds; microseconds for ping).</summary>
public static class InboundEviction
{
    /// <summary>Peers protected by keyed network group.</summary>
    public const int ProtectByNetGroup = 4;

    /// <summary>Peers protected by lowest minimum ping.</summary>
    public const int ProtectByPing = 8;

    /// <summary>Peers protected by most recent novel transaction.</summary>
    public const int ProtectByTx = 4;

    /// <summary>Block-relay-only peers protected by most recent novel block.</summary>
    public const int ProtectBlockRelayOnly = 8;

    /// <summary>Peers protected by most recent novel block.</summary>
    public const int ProtectByBlock = 4;

    /// <summary>The id of the peer to evict, or null when every candidate is protected (then the new connection
    /// is refused instead).</summary>
    public static long? SelectNodeToEvict(IEnumerable<EvictionCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        List<EvictionCandidate> list = candidates.ToList();

        // Protect connections with certain characteristics.
        list.RemoveAll(c => c.NoBan);
        list.RemoveAll(c => c.Outbound);

        EraseLastKElements(list, CompareNetGroupKeyed, ProtectByNetGroup);
        EraseLastKElements(list, ReverseCompareNodeMinPingTime, ProtectByPing);
        EraseLastKElements(list, CompareNodeTxTime, ProtectByTx);
        EraseLastKElements(list, CompareNodeBlockRelayOnlyTime, ProtectBlockRelayOnly,
            c => !c.RelayTxs && c.RelevantServices);
        EraseLastKElements(list, CompareNodeBlockTime, ProtectByBlock);

        ProtectEvictionCandidatesByRatio(list);

        if (list.Count == 0)
            return null;

        // If any remaining peers are preferred for eviction consider only them.
        if (list.Exists(c => c.PreferEvict))
            list.RemoveAll(c => !c.PreferEvict);

        // The network group with the most connections and the youngest member (the list is sorted youngest first).
        var groups = new Dictionary<ulong, List<EvictionCandidate>>();
        ulong mostGroup = 0;
        int mostConnections = 0;
        long mostConnectionsTime = 0;
        foreach (EvictionCandidate candidate in list)
        {
            if (!groups.TryGetValue(candidate.KeyedNetGroup, out List<EvictionCandidate>? group))
                groups.Add(candidate.KeyedNetGroup, group = []);
            group.Add(candidate);
            long groupTime = group[0].ConnectedSeconds;
            if (group.Count > mostConnections || (group.Count == mostConnections && groupTime > mostConnectionsTime))
            {
                mostConnections = group.Count;
                mostConnectionsTime = groupTime;
                mostGroup = candidate.KeyedNetGroup;
            }
        }

        // Disconnect from the network group with the most connections.
        return groups[mostGroup][0].Id;
    }

    /// <summary>Protects (removes from <paramref name="candidates"/>) half of them, rounded down: first up to a
    /// quarter from disadvantaged networks (CJDNS, I2P, localhost, onion; networks with fewer candidates first,
    /// unused slots passed on), then the longest connected. Leaves the list sorted youngest first
    /// (Core <c>ProtectEvictionCandidatesByRatio</c>).</summary>
    public static void ProtectEvictionCandidatesByRatio(List<EvictionCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        int initialSize = candidates.Count;
        int totalProtectSize = initialSize / 2;

        // Disadvantaged networks to protect. With equal counts, earlier entries first recover unused slots.
        var networks = new List<DisadvantagedNetwork>
        {
            new(false, NetworkKind.Cjdns),
            new(false, NetworkKind.I2P),
            new(true, null), // localhost
            new(false, NetworkKind.Onion),
        };
        foreach (DisadvantagedNetwork n in networks)
            n.Count = candidates.Count(n.Matches);
        // Ascending candidate count (List.Sort is unstable, so sort stably through the index).
        networks = networks.Select((n, i) => (n, i)).OrderBy(x => x.n.Count).ThenBy(x => x.i).Select(x => x.n).ToList();

        // Protect up to 25% of the candidates by disadvantaged network.
        int maxProtectByNetwork = totalProtectSize / 2;
        int numProtected = 0;

        while (numProtected < maxProtectByNetwork)
        {
            int numNetworks = networks.Count(n => n.Count > 0);
            if (numNetworks == 0)
                break;
            int disadvantagedToProtect = maxProtectByNetwork - numProtected;
            int protectPerNetwork = Math.Max(disadvantagedToProtect / numNetworks, 1);
            bool protectedAtLeastOne = false;

            foreach (DisadvantagedNetwork n in networks)
            {
                if (n.Count == 0)
                    continue;
                int before = candidates.Count;
                EraseLastKElements(candidates, (a, b) => CompareNodeNetworkTime(n, a, b), protectPerNetwork, n.Matches);
                int after = candidates.Count;
                if (before > after)
                {
                    protectedAtLeastOne = true;
                    int delta = before - after;
                    numProtected += delta;
                    if (numProtected >= maxProtectByNetwork)
                        break;
                    n.Count -= delta;
                }
            }
            if (!protectedAtLeastOne)
                break;
        }

        // Protect the longest connected among the rest, up to half of the initial candidates in all.
        int remainingToProtect = totalProtectSize - numProtected;
        EraseLastKElements(candidates, ReverseCompareNodeTimeConnected, remainingToProtect);
    }

    // ---------------------------------------------------------------- Core's comparators ("a is less than b";
    // the greatest elements end up last and are the ones protected)

    private static bool ReverseCompareNodeMinPingTime(EvictionCandidate a, EvictionCandidate b) =>
        a.MinPingMicros > b.MinPingMicros;

    private static bool ReverseCompareNodeTimeConnected(EvictionCandidate a, EvictionCandidate b) =>
        a.ConnectedSeconds > b.ConnectedSeconds;

    private static bool CompareNetGroupKeyed(EvictionCandidate a, EvictionCandidate b) =>
        a.KeyedNetGroup < b.KeyedNetGroup;

    private static bool CompareNodeBlockTime(EvictionCandidate a, EvictionCandidate b)
    {
        // Many peers have not yet relayed a block, hence the fall-through.
        if (a.LastBlockSeconds != b.LastBlockSeconds)
            return a.LastBlockSeconds < b.LastBlockSeconds;
        if (a.RelevantServices != b.RelevantServices)
            return b.RelevantServices;
        return a.ConnectedSeconds > b.ConnectedSeconds;
    }

    private static bool CompareNodeTxTime(EvictionCandidate a, EvictionCandidate b)
    {
        // Many peers have not yet relayed a transaction, hence the fall-through.
        if (a.LastTxSeconds != b.LastTxSeconds)
            return a.LastTxSeconds < b.LastTxSeconds;
        if (a.RelayTxs != b.RelayTxs)
            return b.RelayTxs;
        if (a.BloomFilter != b.BloomFilter)
            return a.BloomFilter;
        return a.ConnectedSeconds > b.ConnectedSeconds;
    }

    private static bool CompareNodeBlockRelayOnlyTime(EvictionCandidate a, EvictionCandidate b)
    {
        if (a.RelayTxs != b.RelayTxs)
            return a.RelayTxs;
        if (a.LastBlockSeconds != b.LastBlockSeconds)
            return a.LastBlockSeconds < b.LastBlockSeconds;
        if (a.RelevantServices != b.RelevantServices)
            return b.RelevantServices;
        return a.ConnectedSeconds > b.ConnectedSeconds;
    }

    /// <summary>Core <c>CompareNodeNetworkTime</c>: peers not on <paramref name="n"/> first, then those on it;
    /// each part youngest first.</summary>
    private static bool CompareNodeNetworkTime(DisadvantagedNetwork n, EvictionCandidate a, EvictionCandidate b)
    {
        if (n.IsLocal && a.IsLocal != b.IsLocal)
            return b.IsLocal;
        if ((a.Network == n.Network) != (b.Network == n.Network))
            return b.Network == n.Network;
        return a.ConnectedSeconds > b.ConnectedSeconds;
    }

    /// <summary>Core <c>EraseLastKElements</c>: sort by <paramref name="less"/> (stably, here), then remove those of the
    /// last <paramref name="k"/> elements that match <paramref name="predicate"/> (all of them by default), keeping the
    /// order of the rest.</summary>
    private static void EraseLastKElements(List<EvictionCandidate> elements, Func<EvictionCandidate, EvictionCandidate, bool> less,
        int k, Func<EvictionCandidate, bool>? predicate = null)
    {
        StableSort(elements, less);
        int eraseSize = Math.Min(k, elements.Count);
        int start = elements.Count - eraseSize;
        int write = start;
        for (int read = start; read < elements.Count; read++)
        {
            if (predicate is not null && !predicate(elements[read]))
                elements[write++] = elements[read];
        }
        elements.RemoveRange(write, elements.Count - write);
    }

    private static void StableSort(List<EvictionCandidate> elements, Func<EvictionCandidate, EvictionCandidate, bool> less)
    {
        var indexed = new (EvictionCandidate Item, int Index)[elements.Count];
        for (int i = 0; i < indexed.Length; i++)
            indexed[i] = (elements[i], i);
        Array.Sort(indexed, (x, y) =>
            less(x.Item, y.Item) ? -1 : less(y.Item, x.Item) ? 1 : x.Index.CompareTo(y.Index));
        for (int i = 0; i < indexed.Length; i++)
            elements[i] = indexed[i].Item;
    }

    /// <summary>One entry of Core's <c>networks</c> array: a network (null with <see cref="IsLocal"/> for
    /// localhost, Core's <c>NET_MAX</c>) and its remaining candidate count.</summary>
    private sealed class DisadvantagedNetwork(bool isLocal, NetworkKind? network)
    {
        public bool IsLocal { get; } = isLocal;
        public NetworkKind? Network { get; } = network;
        public int Count { get; set; }

        public bool Matches(EvictionCandidate c) => IsLocal ? c.IsLocal : c.Network == Network;
    }
}
