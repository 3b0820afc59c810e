using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using ActorNode.AddrBook;
using ActorNode.Host.Metrics;
using ActorNode.Host.Node;
using ActorNode.P2P.AddrBook;
using ActorNode.P2P.Connections;
using ActorNode.P2P.Peers;
using ActorNode.Wire;
using ActorNode.Wire.Primitives;
using Akka.Actor;

namespace ActorNode.Host.Rpc;

/// <summary>bitcoind's network RPCs (src/rpc/net.cpp), answered by asking the ConnManagerActor and AddrBookActor.
/// Shapes and units are bitcoind's (seconds, services as 16 hex digits plus names); see docs/rpc.md for what differs
/// from bitcoind and btcd.</summary>
internal sealed class NetworkRpcMethods(NodeOptions options, IActorRef connManager, IActorRef addrBook, NetTotals totals, TimeProvider time)
{
    public const string Category = "Network";

    private Task<T> Ask<T>(IActorRef actor, object message, CancellationToken cancellation) =>
        actor.Ask<T>(message, options.RpcTimeout, cancellation);

    /// <summary>bitcoind's per-message byte counts: commands in alphabetical order, only those seen.</summary>
    private static JsonObject PerMessage(IReadOnlyDictionary<string, long>? counts)
    {
        var json = new JsonObject();
        foreach (var (command, bytes) in (counts ?? new Dictionary<string, long>()).OrderBy(c => c.Key, StringComparer.Ordinal))
            json[command] = bytes;
        return json;
    }

    public IEnumerable<RpcMethod> Methods() =>
    [
        new("getpeerinfo", Category, [], "getpeerinfo\nReturns data about each connected network peer as a json array of objects.", GetPeerInfo),
        new("getconnectioncount", Category, [], "getconnectioncount\nReturns the number of connections to other nodes.", GetConnectionCount),
        new("getnetworkinfo", Category, [], "getnetworkinfo\nReturns an object containing various state info regarding P2P networking.", GetNetworkInfo),
        new("getnettotals", Category, [], "getnettotals\nReturns information about network traffic, including bytes in, bytes out, and current system time.", GetNetTotals),
        new("addnode", Category, ["node", "command"],
            "addnode \"node\" \"command\"\nAttempts to add or remove a node from the addnode list, or to try a connection to a node once.\n" +
            "command: 'add' to add a node to the list, 'remove' to remove a node from the list, 'onetry' to try a connection to the node once.", AddNode),
        new("disconnectnode", Category, ["address?", "nodeid?"],
            "disconnectnode ( \"address\" nodeid )\nImmediately disconnects from the specified peer node.\nStrictly one out of 'address' and 'nodeid' can be provided to identify the node.", DisconnectNode),
        new("getaddednodeinfo", Category, ["node?"],
            "getaddednodeinfo ( \"node\" )\nReturns information about the given added node, or all added nodes.", GetAddedNodeInfo),
        new("setban", Category, ["subnet", "command", "bantime?", "absolute?"],
            "setban \"subnet\" \"command\" ( bantime absolute )\nAttempts to add or remove an IP from the banned list (single addresses, /32 or /128).\n" +
            "bantime: seconds (0 = the node's ban duration); absolute: bantime is a unix time.", SetBan),
        new("listbanned", Category, [], "listbanned\nList all manually and automatically banned IPs.", ListBanned),
        new("clearbanned", Category, [], "clearbanned\nClear all banned IPs.", ClearBanned),
        new("getnodeaddresses", Category, ["count?", "network?"],
            "getnodeaddresses ( count \"network\" )\nReturn known addresses, after filtering for quality and recency.\ncount: how many (default 1, 0 = as many as the sample holds).", GetNodeAddresses),
        new("ping", Category, [], "ping\nRequests that a ping be sent to all other nodes, to measure ping time.\nResults are in getpeerinfo, pingtime and pingwait fields (seconds).", Ping),
    ];

    private async Task<IReadOnlyList<PeerStats>> Peers(CancellationToken cancellation)
    {
        var peers = (await Ask<PeerInfoList>(connManager, P2P.Connections.GetPeerInfo.Instance, cancellation).ConfigureAwait(false)).Peers;
        totals.Observe(peers);
        return peers;
    }

    private async Task<JsonNode?> GetPeerInfo(RpcParams p, CancellationToken cancellation)
    {
        var peers = await Peers(cancellation).ConfigureAwait(false);
        var added = (await Ask<AddedNodeInfo>(connManager, P2P.Connections.GetAddedNodeInfo.Instance, cancellation).ConfigureAwait(false)).Nodes
            .Select(n => Normalize(n.Address)).ToHashSet();
        var result = new JsonArray();
        foreach (var peer in peers.Where(p => p.Ready)) result.Add(PeerJson(peer, added.Contains(Normalize(peer.Remote))));
        return result;
    }

    private static JsonObject PeerJson(PeerStats peer, bool manual)
    {
        var json = new JsonObject
        {
            ["id"] = peer.Id,
            ["addr"] = Endpoints.Format(peer.Remote),
        };
        if (peer.Local is { } local) json["addrbind"] = Endpoints.Format(local);
        json["network"] = NetworkName(peer.Remote.Address);
        json["services"] = ServicesHex(peer.Services);
        json["servicesnames"] = ServicesNames(peer.Services);
        json["relaytxes"] = peer.RelayTransactions;
        json["lastsend"] = UnixSeconds(peer.LastSend);
        json["lastrecv"] = UnixSeconds(peer.LastReceive);
        json["last_transaction"] = 0;
        json["last_block"] = 0;
        json["bytessent"] = peer.BytesSent;
        json["bytesrecv"] = peer.BytesReceived;
        json["conntime"] = peer.ConnectedAt.ToUnixTimeSeconds();
        json["timeoffset"] = (long)peer.TimeOffset.TotalSeconds;
        if (peer.PingTime is { } ping) json["pingtime"] = Seconds(ping);
        if (peer.PingWait is { } wait) json["pingwait"] = Seconds(wait);
        json["version"] = peer.ProtocolVersion;
        json["subver"] = peer.UserAgent;
        json["inbound"] = peer.Inbound;
        json["bip152_hb_to"] = false;
        json["bip152_hb_from"] = false;
        json["startingheight"] = peer.StartingHeight;
        json["presynced_headers"] = -1;
        json["synced_headers"] = -1;
        json["synced_blocks"] = -1;
        json["inflight"] = new JsonArray();
        json["addr_relay_enabled"] = true;
        json["addr_processed"] = 0;
        json["addr_rate_limited"] = 0;
        json["permissions"] = new JsonArray();
        json["minfeefilter"] = Btc(peer.FeeFilter);
        json["bytessent_per_msg"] = PerMessage(peer.BytesSentPerMessage);
        json["bytesrecv_per_msg"] = PerMessage(peer.BytesReceivedPerMessage);
        json["connection_type"] = peer.Inbound ? "inbound" : manual ? "manual" : "outbound-full-relay";
        json["transport_protocol_type"] = peer.TransportProtocolType; // Core: "v1", "v2" or "detecting"
        json["session_id"] = peer.SessionId; // Core: the BIP324 session id in hex, "" for v1
        // btcd's fields that bitcoind lacks (clients ignore fields they do not know).
        json["currentheight"] = peer.LastBlockHeight;
        json["banscore"] = peer.BanScore;
        json["syncnode"] = peer.SyncNode;
        return json;
    }

    private async Task<JsonNode?> GetConnectionCount(RpcParams p, CancellationToken cancellation) =>
        (await Ask<ConnectionCount>(connManager, P2P.Connections.GetConnectionCount.Instance, cancellation).ConfigureAwait(false)).Total;

    private async Task<JsonNode?> GetNetworkInfo(RpcParams p, CancellationToken cancellation)
    {
        var count = await Ask<ConnectionCount>(connManager, P2P.Connections.GetConnectionCount.Instance, cancellation).ConfigureAwait(false);
        var services = new ConnManagerSettings { Chain = options.Chain }.Services;
        if (options.V2Transport) services |= ServiceFlags.P2PV2;
        var networks = new JsonArray();
        foreach (var (name, reachable) in new[] { ("ipv4", true), ("ipv6", true), ("onion", false), ("i2p", false), ("cjdns", false) })
            networks.Add(new JsonObject
            {
                ["name"] = name,
                ["limited"] = !reachable,
                ["reachable"] = reachable,
                ["proxy"] = "",
                ["proxy_randomize_credentials"] = false,
            });
        var local = new JsonArray();
        foreach (var external in options.ExternalIps)
            local.Add(new JsonObject { ["address"] = external.Address.ToString(), ["port"] = external.Port, ["score"] = 1 });
        var version = typeof(NetworkRpcMethods).Assembly.GetName().Version ?? new Version(0, 1, 0);
        return new JsonObject
        {
            ["version"] = version.Major * 10_000 + version.Minor * 100 + Math.Max(version.Build, 0),
            ["subversion"] = PeerSettings.DefaultUserAgent,
            ["protocolversion"] = (int)ProtocolVersion.Current,
            ["localservices"] = ServicesHex(services),
            ["localservicesnames"] = ServicesNames(services),
            ["localrelay"] = !options.BlocksOnly,
            ["timeoffset"] = 0,
            ["networkactive"] = true,
            ["connections"] = count.Total,
            ["connections_in"] = count.Inbound,
            ["connections_out"] = count.Outbound,
            ["networks"] = networks,
            ["relayfee"] = 0.00001m,
            ["incrementalfee"] = 0.00001m,
            ["localaddresses"] = local,
            ["warnings"] = new JsonArray(),
        };
    }

    private async Task<JsonNode?> GetNetTotals(RpcParams p, CancellationToken cancellation)
    {
        await Peers(cancellation).ConfigureAwait(false);
        var (sent, received) = totals.Totals;
        return new JsonObject
        {
            ["totalbytesrecv"] = received,
            ["totalbytessent"] = sent,
            ["timemillis"] = time.GetUtcNow().ToUnixTimeMilliseconds(),
            ["uploadtarget"] = new JsonObject
            {
                ["timeframe"] = 86400,
                ["target"] = 0,
                ["target_reached"] = false,
                ["serve_historical_blocks"] = true,
                ["bytes_left_in_cycle"] = 0,
                ["time_left_in_cycle"] = 0,
            },
        };
    }

    private IPEndPoint ParseNode(string text)
    {
        if (!Endpoints.TryParse(text, options.Chain.DefaultPort, out var endpoint, out var problem))
            throw new RpcException(RpcErrorCode.InvalidParameter, $"Error: {problem}");
        return endpoint;
    }

    private async Task<IReadOnlyList<AddedNode>> Added(CancellationToken cancellation) =>
        (await Ask<AddedNodeInfo>(connManager, P2P.Connections.GetAddedNodeInfo.Instance, cancellation).ConfigureAwait(false)).Nodes;

    private async Task<JsonNode?> AddNode(RpcParams p, CancellationToken cancellation)
    {
        var command = p.GetString(1);
        if (command is not ("add" or "remove" or "onetry")) throw new RpcException(RpcErrorCode.MiscError, p.Method.Help);
        var node = ParseNode(p.GetString(0));
        if (command == "onetry")
        {
            connManager.Tell(new P2P.Connections.AddNode(node, Permanent: false));
            return null;
        }
        bool known = (await Added(cancellation).ConfigureAwait(false)).Any(n => Normalize(n.Address).Equals(Normalize(node)));
        if (command == "add")
        {
            if (known) throw new RpcException(RpcErrorCode.ClientNodeAlreadyAdded, "Error: Node already added");
            connManager.Tell(new P2P.Connections.AddNode(node, Permanent: true));
        }
        else
        {
            if (!known) throw new RpcException(RpcErrorCode.ClientNodeNotAdded, "Error: Node could not be removed. It has not been added previously.");
            connManager.Tell(new RemoveNode(node));
        }
        return null;
    }

    private async Task<JsonNode?> DisconnectNode(RpcParams p, CancellationToken cancellation)
    {
        var address = p.GetOptionalString(0);
        bool byId = p.Has(1);
        if (byId && !string.IsNullOrEmpty(address) || !byId && string.IsNullOrEmpty(address))
            throw new RpcException(RpcErrorCode.InvalidParams, "Only one of address and nodeid should be provided.");
        var peers = await Peers(cancellation).ConfigureAwait(false);
        PeerStats? peer;
        if (byId)
        {
            long id = p.GetInt64(1);
            peer = peers.FirstOrDefault(x => x.Id == id);
        }
        else
        {
            var endpoint = Normalize(ParseNode(address!));
            peer = peers.FirstOrDefault(x => Normalize(x.Remote).Equals(endpoint));
        }
        if (peer is null) throw new RpcException(RpcErrorCode.ClientNodeNotConnected, "Node not found in connected nodes");
        connManager.Tell(new P2P.Connections.DisconnectNode(peer.Remote));
        return null;
    }

    private async Task<JsonNode?> GetAddedNodeInfo(RpcParams p, CancellationToken cancellation)
    {
        var nodes = await Added(cancellation).ConfigureAwait(false);
        if (p.GetOptionalString(0) is { } wanted)
        {
            var endpoint = Normalize(ParseNode(wanted));
            nodes = [.. nodes.Where(n => Normalize(n.Address).Equals(endpoint))];
            if (nodes.Count == 0) throw new RpcException(RpcErrorCode.ClientNodeNotAdded, "Error: Node has not been added.");
        }
        var result = new JsonArray();
        foreach (var node in nodes)
        {
            var addresses = new JsonArray();
            if (node.Connected) addresses.Add(new JsonObject { ["address"] = Endpoints.Format(node.Address), ["connected"] = "outbound" });
            result.Add(new JsonObject
            {
                ["addednode"] = Endpoints.Format(node.Address),
                ["connected"] = node.Connected,
                ["addresses"] = addresses,
            });
        }
        return result;
    }

    private async Task<IReadOnlyList<ActorNode.Connections.Bans.BanEntry>> Bans(CancellationToken cancellation) =>
        (await Ask<BanListAnswer>(connManager, GetBanList.Instance, cancellation).ConfigureAwait(false)).Bans;

    private async Task<JsonNode?> SetBan(RpcParams p, CancellationToken cancellation)
    {
        var command = p.GetString(1);
        if (command is not ("add" or "remove")) throw new RpcException(RpcErrorCode.MiscError, p.Method.Help);
        var address = ParseSubnet(p.GetString(0));
        var banned = (await Bans(cancellation).ConfigureAwait(false)).Any(b => Same(b.Address, address));
        if (command == "remove")
        {
            if (!banned)
                throw new RpcException(RpcErrorCode.ClientInvalidIpOrSubnet, "Error: Unban failed. Requested address/subnet was not previously manually banned.");
            connManager.Tell(new UnbanAddress(address));
            return null;
        }
        if (banned) throw new RpcException(RpcErrorCode.ClientNodeAlreadyAdded, "Error: IP/Subnet already banned");
        TimeSpan? duration = null;
        if (p.Has(2) && p.GetInt64(2) is var bantime and not 0)
        {
            bool absolute = p.Has(3) && p.GetBool(3);
            duration = absolute
                ? DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(bantime, 0, 253402300799)) - time.GetUtcNow()
                : TimeSpan.FromSeconds(Math.Min(bantime, 100L * 365 * 86400));
            if (duration < TimeSpan.FromSeconds(1))
                throw new RpcException(RpcErrorCode.InvalidParameter, absolute ? "Error: Absolute timestamp is in the past" : "Error: bantime must be positive");
        }
        if (options.Whitelist.Any(n => n.Contains(address)))
            throw new RpcException(RpcErrorCode.ClientInvalidIpOrSubnet, $"Error: {address} is whitelisted and is never banned");
        connManager.Tell(new BanAddress(address, duration, "banned through RPC"));
        return null;
    }

    private static IPAddress ParseSubnet(string text)
    {
        var trimmed = text.Trim();
        int slash = trimmed.IndexOf('/');
        var host = slash < 0 ? trimmed : trimmed[..slash];
        if (!IPAddress.TryParse(host, out var address) || !(host.Contains('.') || host.Contains(':')))
            throw new RpcException(RpcErrorCode.ClientInvalidIpOrSubnet, "Error: Invalid IP/Subnet");
        if (slash >= 0)
        {
            int full = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
            if (!int.TryParse(trimmed[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int bits) || bits != full)
                throw new RpcException(RpcErrorCode.ClientInvalidIpOrSubnet, $"Error: Invalid IP/Subnet (only single addresses, /{full}, can be banned)");
        }
        return address;
    }

    private static bool Same(IPAddress a, IPAddress b) =>
        (a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a).Equals(b.IsIPv4MappedToIPv6 ? b.MapToIPv4() : b);

    private async Task<JsonNode?> ListBanned(RpcParams p, CancellationToken cancellation)
    {
        var now = time.GetUtcNow();
        var result = new JsonArray();
        foreach (var ban in await Bans(cancellation).ConfigureAwait(false))
        {
            int bits = ban.Address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
            result.Add(new JsonObject
            {
                ["address"] = $"{ban.Address}/{bits}",
                ["ban_created"] = ban.Created.ToUnixTimeSeconds(),
                ["banned_until"] = ban.Until.ToUnixTimeSeconds(),
                ["ban_duration"] = (long)(ban.Until - ban.Created).TotalSeconds,
                ["time_remaining"] = Math.Max(0, (long)(ban.Until - now).TotalSeconds),
            });
        }
        return result;
    }

    private async Task<JsonNode?> ClearBanned(RpcParams p, CancellationToken cancellation)
    {
        foreach (var ban in await Bans(cancellation).ConfigureAwait(false)) connManager.Tell(new UnbanAddress(ban.Address));
        return null;
    }

    private async Task<JsonNode?> GetNodeAddresses(RpcParams p, CancellationToken cancellation)
    {
        long count = p.Has(0) ? p.GetInt64(0) : 1;
        if (count < 0) throw new RpcException(RpcErrorCode.InvalidParameter, "Address count out of range");
        var network = p.GetOptionalString(1);
        if (network is not null and not ("ipv4" or "ipv6" or "onion" or "i2p" or "cjdns"))
            throw new RpcException(RpcErrorCode.InvalidParameter, $"Network not recognized: {network}");
        var sample = (await Ask<AddressesForPeer>(addrBook, GetAddresses.Instance, cancellation).ConfigureAwait(false)).Addresses;
        var result = new JsonArray();
        foreach (var address in sample)
        {
            var name = address.Network switch
            {
                AddressNetwork.IPv4 => "ipv4",
                AddressNetwork.IPv6 => "ipv6",
                AddressNetwork.TorV3 => "onion",
                AddressNetwork.I2P => "i2p",
                AddressNetwork.Cjdns => "cjdns",
                _ => "unknown",
            };
            if (network is not null && name != network) continue;
            if (count > 0 && result.Count >= count) break;
            result.Add(new JsonObject
            {
                ["time"] = address.Timestamp,
                ["services"] = (ulong)address.Services,
                ["address"] = address.Host,
                ["port"] = address.Port,
                ["network"] = name,
            });
        }
        return result;
    }

    private Task<JsonNode?> Ping(RpcParams p, CancellationToken cancellation)
    {
        connManager.Tell(PingPeers.Instance);
        return Task.FromResult<JsonNode?>(null);
    }

    // ---- Formats -------------------------------------------------------------------------------------------------

    internal static IPEndPoint Normalize(IPEndPoint endpoint) =>
        endpoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endpoint.Address.MapToIPv4(), endpoint.Port) : endpoint;

    /// <summary>bitcoind: 16 hex digits.</summary>
    internal static string ServicesHex(ServiceFlags services) => ((ulong)services).ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>bitcoind's names (protocol.cpp serviceFlagToStr); unknown bits as UNKNOWN[2^n].</summary>
    internal static JsonArray ServicesNames(ServiceFlags services)
    {
        var names = new JsonArray();
        for (int bit = 0; bit < 64; bit++)
        {
            ulong flag = 1UL << bit;
            if (((ulong)services & flag) == 0) continue;
            names.Add((ServiceFlags)flag switch
            {
                ServiceFlags.Network => "NETWORK",
                ServiceFlags.Bloom => "BLOOM",
                ServiceFlags.Witness => "WITNESS",
                ServiceFlags.CompactFilters => "COMPACT_FILTERS",
                ServiceFlags.NetworkLimited => "NETWORK_LIMITED",
                ServiceFlags.P2PV2 => "P2P_V2",
                _ => $"UNKNOWN[2^{bit}]",
            });
        }
        return names;
    }

    /// <summary>bitcoind's GetNetworkName, with loopback and private addresses "not_publicly_routable".</summary>
    internal static string NetworkName(IPAddress address)
    {
        var ip = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        var v2 = NetAddressV2.FromLegacy(new NetAddress(ServiceFlags.None, ip, 0, 0));
        if (!NetworkGroups.IsRoutable(v2)) return "not_publicly_routable";
        return ip.AddressFamily == AddressFamily.InterNetwork ? "ipv4" : "ipv6";
    }

    private static long UnixSeconds(DateTimeOffset? at) => at?.ToUnixTimeSeconds() ?? 0;

    private static decimal Seconds(TimeSpan span) => Math.Round((decimal)span.Ticks / TimeSpan.TicksPerSecond, 6);

    private static decimal Btc(long satoshis) => satoshis / 100_000_000m;
}
