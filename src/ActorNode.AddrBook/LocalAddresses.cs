using ActorNode.Wire;
using ActorNode.Wire.Primitives;

namespace ActorNode.AddrBook;

/// <summary>How we learned one of our own addresses; a higher value wins a tie in
/// <see cref="AddressBook.GetBestLocalAddress"/> (btcd AddressPriority).</summary>
public enum AddressPriority
{
    /// <summary>Found on a local interface.</summary>
    Interface = 0,
    /// <summary>An address we explicitly bound to.</summary>
    Bound = 1,
    /// <summary>Obtained from UPnP.</summary>
    Upnp = 2,
    /// <summary>Obtained from an external HTTP service.</summary>
    Http = 3,
    /// <summary>Given by the user (btcd <c>--externalip</c>).</summary>
    Manual = 4,
}

/// <summary>How well a remote peer can reach one of our addresses; higher is better (btcd getReachabilityFrom's
/// constants).</summary>
public enum Reachability
{
    Unreachable = 0,
    Default = 1,
    Teredo = 2,
    IPv6Weak = 3,
    IPv4 = 4,
    IPv6Strong = 5,
    Private = 6,
}

/// <summary>One of our own addresses, as advertised to peers, with its priority.</summary>
public sealed record LocalAddress(NetAddressV2 Address, AddressPriority Priority);

/// <summary>Our own addresses and the choice of which one to advertise to a given peer (btcd addrmgr
/// AddLocalAddress / GetBestLocalAddress, btcd addrmgr/addrmanager.go).</summary>
internal sealed class LocalAddressSet
{
    private readonly List<(string Key, LocalAddress Local)> _addresses = [];

    public IReadOnlyList<LocalAddress> All => _addresses.Select(a => a.Local).ToArray();

    /// <summary>Adds (or raises the priority of) a local address; false when it is not routable (btcd returns an
    /// error). Re-adding with a higher priority sets that priority (btcd sets priority + 1, an off-by-one).</summary>
    public bool Add(NetAddressV2 address, AddressPriority priority)
    {
        address = AddressKey.Normalize(address);
        if (!NetworkGroups.IsRoutable(address)) return false;
        string key = AddressKey.Format(address);
        int index = _addresses.FindIndex(a => a.Key == key);
        if (index < 0) _addresses.Add((key, new LocalAddress(address, priority)));
        else if (_addresses[index].Local.Priority < priority)
            _addresses[index] = (key, _addresses[index].Local with { Priority = priority });
        return true;
    }

    /// <summary>btcd GetBestLocalAddress: the local address with the best reachability from the remote, ties to the
    /// higher priority, then to the one added first. As in btcd, an unreachable address can still win when its
    /// priority is above <see cref="AddressPriority.Interface"/>. Without any, an unroutable placeholder: 0.0.0.0
    /// (or :: for a remote that is neither IPv4 nor Tor), port 0, services NETWORK|WITNESS|BLOOM.</summary>
    public NetAddressV2 GetBest(NetAddressV2 remote, uint now)
    {
        remote = AddressKey.Normalize(remote);
        var bestReach = Reachability.Unreachable;
        var bestScore = AddressPriority.Interface;
        NetAddressV2? best = null;
        foreach (var (_, local) in _addresses)
        {
            var reach = GetReachability(local.Address, remote);
            if (reach > bestReach || (reach == bestReach && local.Priority > bestScore))
            {
                bestReach = reach;
                bestScore = local.Priority;
                best = local.Address;
            }
        }
        if (best is not null) return best;

        bool ipv4Zero = remote.Network is AddressNetwork.TorV3 or AddressNetwork.IPv4 or AddressNetwork.TorV2;
        byte[] zero = new byte[ipv4Zero ? 4 : 16];
        const ServiceFlags services = ServiceFlags.Network | ServiceFlags.Witness | ServiceFlags.Bloom;
        return NetAddressV2.FromBytes(now, services, zero, 0);
    }

    /// <summary>btcd getReachabilityFrom: how well <paramref name="remote"/> can reach <paramref name="local"/>.</summary>
    public static Reachability GetReachability(NetAddressV2 local, NetAddressV2 remote)
    {
        local = AddressKey.Normalize(local);
        remote = AddressKey.Normalize(remote);
        if (!NetworkGroups.IsRoutable(remote)) return Reachability.Unreachable;

        bool localRoutable = NetworkGroups.IsRoutable(local);
        bool localIPv4 = local.Network == AddressNetwork.IPv4;
        bool localOnionCat = local.Network == AddressNetwork.TorV2;

        if (remote.Network == AddressNetwork.TorV3)
        {
            if (local.Network == AddressNetwork.TorV3) return Reachability.Private;
            // Modern v3 clients cannot reach the retired v2 hidden services.
            if (localOnionCat) return Reachability.Unreachable;
            if (localRoutable && localIPv4) return Reachability.IPv4;
            return Reachability.Default;
        }

        // We cannot be sure the remote can reach a Tor v3 address.
        if (local.Network == AddressNetwork.TorV3) return Reachability.Default;

        if (remote.Network == AddressNetwork.TorV2)
        {
            if (localOnionCat) return Reachability.Private;
            if (localRoutable && localIPv4) return Reachability.IPv4;
            return Reachability.Default;
        }

        if (NetworkGroups.IsRfc4380(remote))
        {
            if (!localRoutable) return Reachability.Default;
            if (NetworkGroups.IsRfc4380(local)) return Reachability.Teredo;
            if (localIPv4) return Reachability.IPv4;
            return Reachability.IPv6Weak;
        }

        if (remote.Network == AddressNetwork.IPv4)
            return localRoutable && localIPv4 ? Reachability.IPv4 : Reachability.Unreachable;

        // The remote is IPv6.
        bool tunnelled = NetworkGroups.IsRfc3964(local) || NetworkGroups.IsRfc6052(local) ||
                         NetworkGroups.IsRfc6145(local);
        if (!localRoutable) return Reachability.Default;
        if (NetworkGroups.IsRfc4380(local)) return Reachability.Teredo;
        if (localIPv4) return Reachability.IPv4;
        return tunnelled ? Reachability.IPv6Weak : Reachability.IPv6Strong;
    }
}
