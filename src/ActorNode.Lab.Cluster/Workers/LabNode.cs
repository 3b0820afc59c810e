using System.Net;
using System.Text.RegularExpressions;
using ActorNode.AddrBook.Persistence;
using ActorNode.Chain;
using ActorNode.P2P.Connections;
using ActorNode.P2P.Node;
using ActorNode.P2P.Peers;
using ActorNode.P2P.Sync;
using ActorNode.Storage.Blocks;
using Akka.Actor;

namespace ActorNode.Lab.Cluster.Workers;

/// <summary>How a worker builds each of its nodes: a whole regtest ActorNode node (AddrBookActor, SyncActor with an
/// in-memory block store, ConnManagerActor listening on 127.0.0.1), as the console node wires one, with the lab's
/// knobs: the trickle interval, max peers, no automatic outbound (the topology's links are its permanent peers),
/// fast redial, no bans at all and every address whitelisted (every lab node on a machine shares its address: one
/// misbehaving node must not cut off its neighbours on the same worker, nor slow handshakes refuse them), and a user agent that names the lab
/// node (BIP14 comment <c>(lab-node-17)</c>) so the others can tell who relayed what.</summary>
internal sealed record LabNodeSettings(int Node, TimeSpan TrickleInterval, int MaxPeers, string DataDirectory, IPEndPoint Listen)
{
    /// <summary>The experiment's relay timing (Core's Poisson rounds by default).</summary>
    public ActorNode.Connections.Inventory.RelayPolicy Relay { get; init; } = ActorNode.Connections.Inventory.RelayPolicy.CorePoisson;

    /// <summary>Each connection's shaping (the experiment's network: latency per link, the node's access rates).</summary>
    public Func<IPEndPoint, bool, ActorNode.P2P.Transport.Shaping.LinkShaper?>? LinkShaping { get; init; }
}

/// <summary>A running lab node's actors.</summary>
internal sealed record LabNode(int Node, IActorRef AddrBook, IActorRef Sync, IActorRef Manager, IActorRef Observer)
{
    private static readonly Regex NodeComment = new(@"\(lab-node-(\d+)\)", RegexOptions.CultureInvariant);

    public static string UserAgentOf(int node)
    {
        var agent = PeerSettings.DefaultUserAgent; // "/ActorNode:0.1.0/"
        return agent[..^1] + $"(lab-node-{node})/";
    }

    /// <summary>The lab node a peer's user agent names, or null (not a lab node).</summary>
    public static int? NodeOf(string? userAgent)
    {
        if (userAgent is null) return null;
        var match = NodeComment.Match(userAgent);
        return match.Success && int.TryParse(match.Groups[1].ValueSpan, out int node) ? node : null;
    }

    /// <summary>Starts the node's actors as children of <paramref name="context"/>'s actor; <paramref name="suffix"/>
    /// keeps the names of a restarted node's actors apart from those of its stopped predecessor.</summary>
    public static LabNode Start(IActorContext context, LabNodeSettings settings, IActorRef reportTo, string suffix = "")
    {
        Directory.CreateDirectory(settings.DataDirectory);
        string prefix = $"n{settings.Node}{suffix}";
        var store = new MemoryBlockStore(ChainParams.Regtest.Magic);
        var node = NodeActors.Start(context, new NodeSettings
        {
            AddrBookFile = PeersFile.InDirectory(settings.DataDirectory),
            Sync = new SyncSettings { Chain = ChainParams.Regtest, OpenStore = () => store },
            Connections = new ConnManagerSettings
            {
                Chain = ChainParams.Regtest,
                Listen = [settings.Listen],
                TargetOutbound = 0,
                MaxPeers = settings.MaxPeers,
                RetryDuration = TimeSpan.FromMilliseconds(500),
                // Peers are a few hops away at most. Under load Akka.IO can lose a dial whose socket was reset before it
                // completed (the connection actor dies without a CommandFailed): the timeout is what retries it.
                DialTimeout = TimeSpan.FromSeconds(5),
                Relay = settings.Relay,
                TrickleInterval = settings.TrickleInterval,
                LinkShaping = settings.LinkShaping,
                UserAgent = UserAgentOf(settings.Node),
                Bans = ActorNode.Connections.Bans.BanPolicy.Default with { Disabled = true },
                // Every peer of a lab node is another lab node, many behind one address: trusted, so not held to the
                // per-network limit of pending inbound handshakes (8 for all of 127.0.0.0/24 otherwise).
                Whitelist = [IPNetwork.Parse("0.0.0.0/0"), IPNetwork.Parse("::/0")],
                AddressScope = ActorNode.AddrBook.AddressScope.Loopback,
            },
        }, prefix);
        var (book, sync, manager) = (node.AddrBook, node.Sync, node.ConnManager);
        var observer = context.ActorOf(NodeObserverActor.Props(settings.Node, sync, reportTo), $"{prefix}-observer");
        return new LabNode(settings.Node, book, sync, manager, observer);
    }

    public void Stop(IActorContext context)
    {
        context.Stop(Observer);
        context.Stop(Manager);
        context.Stop(Sync);
        context.Stop(AddrBook);
    }
}
