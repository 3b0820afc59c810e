using System.Net;
using ActorNode.AddrBook.Persistence;
using ActorNode.Chain;
using ActorNode.P2P.Connections;
using ActorNode.P2P.Node;
using ActorNode.P2P.Sync;
using ActorNode.Storage.Blocks;
using Akka.Actor;

namespace ActorNode.P2P.Tests.Sync;

/// <summary>A whole regtest node for tests, built by the node's one builder (NodeActors), as the console node's: address book, sync actor (with an
/// in-memory block store unless one is given), connection manager listening on 127.0.0.1:0, fast trickle and retry.
/// The settings can be adjusted per test.</summary>
internal sealed record TestNode(IActorRef AddrBook, IActorRef Manager, IActorRef Sync, IBlockStore Store)
{
    public static TestNode Start(ActorSystem system, string name, string dataDirectory,
        Func<ConnManagerSettings, ConnManagerSettings>? connections = null,
        Func<SyncSettings, SyncSettings>? sync = null, IBlockStore? store = null)
    {
        store ??= new MemoryBlockStore(ChainParams.Regtest.Magic);
        var syncSettings = new SyncSettings { Chain = ChainParams.Regtest, OpenStore = () => store };
        var settings = new ConnManagerSettings
        {
            Chain = ChainParams.Regtest,
            DataDirectory = dataDirectory,
            TargetOutbound = 0,
            Listen = [new IPEndPoint(IPAddress.Loopback, 0)],
            RetryDuration = TimeSpan.FromMilliseconds(300),
            TrickleInterval = TimeSpan.FromMilliseconds(200),
        };
        var node = NodeActors.Start(system, new NodeSettings
        {
            AddrBookFile = PeersFile.InDirectory(dataDirectory),
            Sync = sync?.Invoke(syncSettings) ?? syncSettings,
            Connections = connections?.Invoke(settings) ?? settings,
        }, name);
        var (book, manager, syncActor) = (node.AddrBook, node.ConnManager, node.Sync);
        return new TestNode(book, manager, syncActor, store);
    }

    /// <summary>The endpoint the node listens on, once bound.</summary>
    public async Task<IPEndPoint> ListenEndpointAsync(TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            var listening = await Manager.Ask<ListeningOn>(GetListenEndpoints.Instance, patience);
            if (listening.Endpoints.Count == 1) return listening.Endpoints[0];
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the node did not bind its listener");
            await Task.Delay(20);
        }
    }

    public Task<ChainTips> TipsAsync(TimeSpan patience) => Sync.Ask<ChainTips>(GetChainTips.Instance, patience);
}
