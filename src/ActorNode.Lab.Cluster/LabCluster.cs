using ActorNode.Lab.Cluster.Coordinator;
using ActorNode.Lab.Cluster.Workers;
using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Remote.Hosting;

namespace ActorNode.Lab.Cluster;

/// <summary>Registry key of the coordinator singleton (on the coordinator) or its proxy (on a worker).</summary>
public sealed class CoordinatorKey
{
    private CoordinatorKey() { }
}

/// <summary>Registry key of a worker process's WorkerActor.</summary>
public sealed class WorkerKey
{
    private WorkerKey() { }
}

/// <summary>How the lab's two kinds of process configure Akka (through Akka.Hosting): remoting on the lab's hostname,
/// clustering with a role, hocon/lab.conf (serializer bindings, failure detection, downing), and their actors: the
/// coordinator singleton on the coordinator, the singleton's proxy and a WorkerActor on each worker.</summary>
public static class LabCluster
{
    public const string SystemName = "actornode-lab";
    public const string CoordinatorRole = "coordinator";
    public const string WorkerRole = "worker";
    private const string SingletonName = "coordinator";

    /// <summary>The coordinator process: its own seed, the singleton that runs the experiment.</summary>
    public static AkkaConfigurationBuilder ConfigureCoordinator(this AkkaConfigurationBuilder akka, Config lab, string hostname, int port,
        CoordinatorSettings settings)
    {
        string self = $"akka.tcp://{SystemName}@{hostname}:{port}";
        return akka
            .AddHocon(lab, HoconAddMode.Prepend)
            .WithRemoting(new RemoteOptions { HostName = hostname, Port = port })
            .WithClustering(new ClusterOptions { Roles = [CoordinatorRole], SeedNodes = [self] })
            .WithSingleton<CoordinatorKey>(SingletonName, CoordinatorActor.Props(settings),
                new ClusterSingletonOptions { Role = CoordinatorRole }, createProxyToo: false);
    }

    /// <summary>A worker process: joins the coordinator's cluster, reaches the singleton through a proxy, hosts its
    /// nodes in a WorkerActor.</summary>
    public static AkkaConfigurationBuilder ConfigureWorker(this AkkaConfigurationBuilder akka, Config lab, string hostname,
        string coordinatorAddress, int worker, string dataDirectory)
    {
        return akka
            .AddHocon(lab, HoconAddMode.Prepend)
            .WithRemoting(new RemoteOptions { HostName = hostname, Port = 0 })
            .WithClustering(new ClusterOptions { Roles = [WorkerRole], SeedNodes = [coordinatorAddress] })
            .WithSingletonProxy<CoordinatorKey>(SingletonName, new ClusterSingletonOptions { Role = CoordinatorRole })
            .WithActors((system, registry) =>
            {
                var proxy = registry.Get<CoordinatorKey>();
                registry.Register<WorkerKey>(system.ActorOf(WorkerActor.Props(worker, proxy, dataDirectory, System.Net.IPAddress.Parse(hostname)), $"worker-{worker}"));
            });
    }

    /// <summary>The address workers join: the coordinator's cluster address.</summary>
    public static string CoordinatorAddress(string hostname, int port) => $"akka.tcp://{SystemName}@{hostname}:{port}";
}
