using ActorNode.P2P.AddrBook;
using ActorNode.P2P.Connections;
using ActorNode.P2P.Sync;
using Akka.Actor;

namespace ActorNode.P2P.Node;

/// <summary>How a node's parent supervises its top-level actors (docs/architecture.md, "Supervision"), one for one:
/// <list type="bullet">
/// <item><see cref="SyncActor"/>: <see cref="Directive.Stop"/>. It owns the chain state (header index, block store,
/// relay pool); after an exception nothing says that state is whole, and a restart would run on it or drop every
/// peer's download state. Core aborts the node on such an error (AbortNode), btcd panics. The ConnManagerActor
/// watches it and stops with it (every peer is closed); the console node logs it and exits with code 1.</item>
/// <item><see cref="ConnManagerActor"/> and <see cref="AddrBookActor"/>: <see cref="Directive.Restart"/>, their state
/// rebuilt from disk: the manager closes every peer (the SyncActor watches each one, so it keeps no ghost), reloads
/// banlist.json, binds its listeners again and redials its permanent peers; the address book reloads peers.json.
/// At most <see cref="MaxRestarts"/> restarts in <see cref="RestartWindow"/>, then the actor is stopped (a fault that
/// comes back at once is not cured by restarting), and the console node exits with code 1.</item>
/// <item>An exception from an actor's constructor or start (which a restart would only repeat): stop. Any other
/// child of the same parent: the parent's own rule (<c>otherwise</c>; Akka's default decider if none).</item>
/// </list>
/// A <see cref="Peers.PeerActor"/> is supervised by its ConnManagerActor, which stops it: a faulty peer never takes
/// the node down.</summary>
public sealed class NodeSupervisorStrategy : OneForOneStrategy
{
    public const int MaxRestarts = 10;
    public static readonly TimeSpan RestartWindow = TimeSpan.FromMinutes(1);

    private readonly Func<Exception, Directive>? _otherwise;

    /// <param name="otherwise">The rule for the parent's other children; null: Akka's default decider.</param>
    public NodeSupervisorStrategy(Func<Exception, Directive>? otherwise = null) : base(MaxRestarts, RestartWindow, DefaultDecider)
    {
        _otherwise = otherwise;
    }

    /// <summary>The directive for an exception of an actor of type <paramref name="actor"/> (null: not known).</summary>
    public Directive DirectiveFor(Type? actor, Exception exception)
    {
        bool nodeActor = actor == typeof(SyncActor) || actor == typeof(ConnManagerActor) || actor == typeof(AddrBookActor);
        if (!nodeActor) return _otherwise?.Invoke(exception) ?? DefaultDecider.Decide(exception);
        if (exception is ActorInitializationException or ActorKilledException or DeathPactException) return Directive.Stop;
        return actor == typeof(SyncActor) ? Directive.Stop : Directive.Restart;
    }

    protected override Directive Handle(IActorRef child, Exception exception) =>
        DirectiveFor(child is ActorRefWithCell withCell ? withCell.Underlying.Props.Type : null, exception);
}

/// <summary>Makes the actor system's user guardian supervise with <see cref="NodeSupervisorStrategy"/> (HOCON
/// <c>akka.actor.guardian-supervisor-strategy</c>), for a node whose actors are top-level (the console node).</summary>
public sealed class NodeGuardianStrategy : SupervisorStrategyConfigurator
{
    /// <summary>The HOCON line that selects this configurator.</summary>
    public static string Hocon => $"akka.actor.guardian-supervisor-strategy = \"{typeof(NodeGuardianStrategy).FullName}, {typeof(NodeGuardianStrategy).Assembly.GetName().Name}\"";

    public override SupervisorStrategy Create() => new NodeSupervisorStrategy();
}
