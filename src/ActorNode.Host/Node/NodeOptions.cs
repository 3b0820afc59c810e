using System.Net;
using ActorNode.Chain;
using ActorNode.Connections.Bans;
using ActorNode.Connections.Inventory;
using Serilog.Events;
using ActorNode.P2P.AddrBook;

namespace ActorNode.Host.Node;

/// <summary>Everything <c>actornode run</c> runs with, validated once from the merged configuration
/// (<see cref="NodeConfig"/>): nothing downstream re-checks a value.</summary>
internal sealed record NodeOptions
{
    public required ChainParams Chain { get; init; }
    public required string DataDirectory { get; init; }
    /// <summary>Where to accept peers; empty with --nolisten.</summary>
    public required IReadOnlyList<IPEndPoint> Listen { get; init; }
    public required IReadOnlyList<IPEndPoint> Connect { get; init; }
    public required IReadOnlyList<IPEndPoint> AddNodes { get; init; }
    public required int MaxPeers { get; init; }
    public required int TargetOutbound { get; init; }
    public required IReadOnlyList<IPEndPoint> ExternalIps { get; init; }
    public required IReadOnlyList<IPNetwork> Whitelist { get; init; }
    public required bool BlocksOnly { get; init; }
    /// <summary>--peerbloomfilters: serve BIP37 filters (NODE_BLOOM).</summary>
    public bool PeerBloomFilters { get; init; }
    /// <summary>--v2transport: BIP324 (default on, as Core).</summary>
    public bool V2Transport { get; init; } = true;
    /// <summary>How transaction announcements are timed: Core's Poisson rounds (default) or btcd's fixed
    /// <see cref="TrickleInterval"/>.</summary>
    public RelayPolicy Relay { get; init; } = RelayPolicy.CorePoisson;
    /// <summary>With <see cref="RelayPolicy.FixedInterval"/>: the tick.</summary>
    public required TimeSpan TrickleInterval { get; init; }
    public required bool DnsSeed { get; init; }
    public required BanPolicy Bans { get; init; }
    public required IReadOnlyList<IPEndPoint> RpcListen { get; init; }
    /// <summary>Null: cookie authentication.</summary>
    public required RpcCredentials? RpcCredentials { get; init; }
    public required TimeSpan RpcTimeout { get; init; }
    public required IPEndPoint? Metrics { get; init; }
    public required LogLevels Logging { get; init; }
    public required AddrBookSettings AddrBook { get; init; }
    /// <summary>The merged <c>actornode</c> section, handed to the actor system, which reads its <c>akka</c> block.</summary>
    public required Akka.Configuration.Config Akka { get; init; }
}

/// <summary>--rpcuser / --rpcpass.</summary>
internal sealed record RpcCredentials(string User, string Password);

/// <summary>The console and file minimum level and the per-subsystem overrides.</summary>
internal sealed record LogLevels(LogEventLevel Default, IReadOnlyDictionary<string, LogEventLevel> Subsystems, bool File)
{
    /// <summary>The subsystems a level can be set for (log sources are mapped to them by <see cref="NodeLogging"/>).</summary>
    public static readonly IReadOnlyList<string> Known = ["addrbook", "connmanager", "peer", "rpc", "host", "akka"];

    /// <summary>The lowest level anything may be logged at (what Akka and Serilog must let through).</summary>
    public LogEventLevel Minimum => Subsystems.Values.Append(Default).Min();

    public LogEventLevel For(string subsystem) => Subsystems.TryGetValue(subsystem, out var level) ? level : Default;
}
