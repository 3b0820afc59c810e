using System.CommandLine;
using ActorNode.Host.Lab;

namespace ActorNode.Host.Commands;

/// <summary><c>actornode lab &lt;experiment&gt;</c> (docs/lab.md) and the hidden <c>actornode lab-worker</c> it
/// starts once per worker.</summary>
internal static class LabCommand
{
    public static Command Create(CliConsole console)
    {
        var file = new Argument<string>("experiment") { Description = "The experiment file (HOCON; docs/lab.md)." };
        var output = new Option<string?>("--out") { Description = "Where the run's report folder goes (default: lab-runs)." };
        var config = new Option<string?>("--config") { Description = "A HOCON file over hocon/lab.conf (cluster address, ports, timeouts)." };
        var workers = new Option<int?>("--workers") { Description = "Worker processes, overriding the experiment file." };
        var noSpawn = new Option<bool>("--no-spawn") { Description = "Do not start the workers: they are started by hand (other machines)." };
        var command = new Command("lab", "Run a lab experiment: a coordinator and worker processes joined by Akka.Cluster, many nodes each, measuring how transactions and blocks spread.")
        {
            file, output, config, workers, noSpawn,
        };
        command.SetAction(parse => LabRunner.RunAsync(new LabRunOptions(parse.GetValue(file)!, parse.GetValue(output), parse.GetValue(config),
            parse.GetValue(workers), !parse.GetValue(noSpawn)), console.Out, console.Error).GetAwaiter().GetResult());
        return command;
    }

    public static Command CreateWorker(CliConsole console)
    {
        var join = new Option<string>("--join") { Description = "The coordinator's cluster address.", Required = true };
        var worker = new Option<int>("--worker") { Description = "This worker's index.", Required = true };
        var config = new Option<string?>("--config") { Description = "A HOCON file over hocon/lab.conf." };
        var command = new Command("lab-worker", "One worker process of a lab run (started by 'actornode lab').")
        {
            join, worker, config,
        };
        command.Hidden = true;
        command.SetAction(parse => LabWorkerHost.RunAsync(parse.GetValue(join)!, parse.GetValue(worker), parse.GetValue(config), console.Error)
            .GetAwaiter().GetResult());
        return command;
    }
}
