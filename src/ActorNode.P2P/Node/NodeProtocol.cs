namespace ActorNode.P2P.Node;

/// <summary>Test only: the AddrBookActor, SyncActor, ConnManagerActor or PeerActor that receives it throws
/// <see cref="InjectedFaultException"/>, so that tests can check what supervision does with an unexpected exception
/// (docs/architecture.md, "Supervision"). Internal: nothing outside this assembly and its tests can send it.</summary>
internal sealed record InjectFault(string Reason)
{
    public static void Throw(InjectFault fault) => throw new InjectedFaultException(fault.Reason);
}

/// <summary>The exception an <see cref="InjectFault"/> raises: stands in for a bug.</summary>
internal sealed class InjectedFaultException(string message) : Exception(message);
