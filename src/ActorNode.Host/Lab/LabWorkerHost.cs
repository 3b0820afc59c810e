using ActorNode.Lab.Cluster;
using Akka.Actor;
using Akka.Hosting;
using Akka.Logger.Serilog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace ActorNode.Host.Lab;

/// <summary><c>actornode lab-worker</c>: one worker process of a lab run. It joins the coordinator's cluster, hosts
/// the nodes it is given (in-memory block stores; address books in a temporary folder removed at exit), and exits
/// when the run ends, when it loses the coordinator (the cluster downs it), or after <c>maxLifetime</c> (of
/// <see cref="RunAsync"/>).</summary>
internal static class LabWorkerHost
{
    public static async Task<int> RunAsync(string join, int worker, string? configFile, TextWriter stderr, TimeSpan? maxLifetime = null)
    {
        if (!LabConfig.TryLoad(configFile, stderr, out var lab)) return Cli.UsageError;
        if (!Akka.Actor.Address.TryParse(join, out var coordinator))
        {
            stderr.WriteLine($"error: --join: '{join}' is not an Akka address (akka.tcp://{LabCluster.SystemName}@host:port)");
            return Cli.UsageError;
        }
        string hostname = lab.GetString("actornode.lab.hostname", "127.0.0.1");
        string data = Path.Combine(Path.GetTempPath(), $"actornode-lab-{Environment.ProcessId}-w{worker}");
        using var logger = LabLogging.Create("{Timestamp:HH:mm:ss.fff} {Level:u3} [worker " + worker + "] {Message:lj}{NewLine}{Exception}", null,
            LabLogLevels.Parse(lab.GetString("actornode.lab.node-log-level", "warning")));
        Log.Logger = logger;
        var host = new HostBuilder().ConfigureServices(services => services.AddAkka(LabCluster.SystemName, (akka, _) =>
        {
            akka.ConfigureLoggers(l =>
            {
                l.ClearLoggers();
                l.AddLogger<SerilogLogger>();
            });
            akka.ConfigureWorker(lab, hostname, coordinator.ToString(), worker, data);
        })).Build();
        try
        {
            await host.StartAsync();
            var system = host.Services.GetRequiredService<ActorSystem>();
            var ended = await Task.WhenAny(system.WhenTerminated, Task.Delay(maxLifetime ?? TimeSpan.FromHours(6)));
            if (ended != system.WhenTerminated) Log.Warning("Worker {Worker}: lifetime over; exiting", worker);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await host.StopAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
            }
            return Cli.Success;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.Fatal(e, "Worker {Worker} failed", worker);
            return 1;
        }
        finally
        {
            host.Dispose();
            try
            {
                if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
            await Log.CloseAndFlushAsync();
        }
    }
}
