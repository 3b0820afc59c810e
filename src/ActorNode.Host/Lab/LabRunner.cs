using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using ActorNode.Lab.Analysis;
using ActorNode.Lab.Cluster;
using ActorNode.Lab.Cluster.Coordinator;
using ActorNode.Lab.Cluster.Experiments;
using ActorNode.Lab.Experiments;
using ActorNode.Lab.Reports;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Logger.Serilog;
using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Core;

namespace ActorNode.Host.Lab;

/// <summary>What <c>actornode lab</c> was asked: the experiment file, overrides, where reports go.</summary>
internal sealed record LabRunOptions(string ExperimentPath, string? Output, string? ConfigFile, int? Workers, bool SpawnWorkers = true);

/// <summary><c>actornode lab</c>: the coordinator process. It reads the experiment, starts its cluster (127.0.0.1 by
/// default, hocon/lab.conf), starts the worker processes (this same program, <c>actornode lab-worker</c>) with their
/// output into the run's folder, waits for the coordinator singleton's outcome, writes the report (analysis, JSON
/// lines, Markdown, pictures), ends the workers and exits. Exit codes: 0 the run completed (every item reached every
/// live node), 3 it ended otherwise (time limit, a lost worker) with its report written, 1 it could not run, 2 bad
/// usage or a bad experiment file.</summary>
internal static class LabRunner
{
    public const int Incomplete = 3;

    public static async Task<int> RunAsync(LabRunOptions options, TextWriter stdout, TextWriter stderr)
    {
        Experiment experiment;
        string text;
        try
        {
            text = ExperimentFile.ReadText(options.ExperimentPath);
            experiment = ExperimentFile.Parse(text);
        }
        catch (ExperimentFileException e)
        {
            stderr.WriteLine($"error: {options.ExperimentPath}: {e.Message}");
            return Cli.UsageError;
        }
        if (options.Workers is { } w)
        {
            if (w < 1 || w > experiment.Nodes)
            {
                stderr.WriteLine($"error: --workers: {w} is outside 1..{experiment.Nodes}");
                return Cli.UsageError;
            }
            if (experiment.Faults.OfType<FaultSpec.KillWorker>().FirstOrDefault(k => k.Worker >= w) is { } kill)
            {
                stderr.WriteLine($"error: --workers: {w} workers, but the experiment kills worker {kill.Worker}");
                return Cli.UsageError;
            }
            experiment = experiment with { Workers = w };
        }
        if (!LabConfig.TryLoad(options.ConfigFile, stderr, out var lab)) return Cli.UsageError;
        var settings = lab.GetConfig("actornode.lab");
        string hostname = settings.GetString("hostname", "127.0.0.1");
        string output = options.Output ?? settings.GetString("output", "lab-runs");
        string folder = Path.GetFullPath(Path.Combine(output, $"{Safe(experiment.Name)}-{DateTime.UtcNow:yyyyMMdd-HHmmss}"));
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: --out: cannot create '{folder}': {e.Message}");
            return Cli.UsageError;
        }

        using var logger = LabLogging.Create("{Timestamp:HH:mm:ss.fff} {Level:u3} {Message:lj}{NewLine}{Exception}",
            Path.Combine(folder, "coordinator.log"));
        Log.Logger = logger;
        var log = Log.ForContext(typeof(LabRunner));

        int port = settings.GetInt("coordinator-port", 0);
        if (port == 0) port = FreePort(hostname);
        var workers = new WorkerProcesses(folder, log);
        var done = new TaskCompletionSource<RunOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var coordinator = new CoordinatorSettings(experiment, workers, done)
        {
            StartupTimeout = settings.GetTimeSpan("startup-timeout", TimeSpan.FromSeconds(90)),
            LinkTimeout = settings.GetTimeSpan("link-timeout", TimeSpan.FromSeconds(30)),
            CollectTimeout = settings.GetTimeSpan("collect-timeout", TimeSpan.FromSeconds(15)),
        };
        var host = new HostBuilder().ConfigureServices(services => services.AddAkka(LabCluster.SystemName, (akka, _) =>
        {
            akka.ConfigureLoggers(l =>
            {
                l.ClearLoggers();
                l.AddLogger<SerilogLogger>();
            });
            akka.ConfigureCoordinator(lab, hostname, port, coordinator);
        })).Build();

        log.Information("Lab run {Name}: {Nodes} nodes on {Workers} workers; report in {Folder}", experiment.Name, experiment.Nodes, experiment.Workers, folder);
        try
        {
            await host.StartAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            log.Fatal(e, "The coordinator could not start");
            stderr.WriteLine($"error: the lab coordinator could not start on {hostname}:{port}: {e.Message}");
            return 1;
        }

        string address = LabCluster.CoordinatorAddress(hostname, port);
        if (options.SpawnWorkers)
        {
            for (int i = 0; i < experiment.Workers; i++) workers.Start(i, address, options.ConfigFile);
        }
        else log.Information("Start the workers yourself: actornode lab-worker --join {Address} --worker <0..{Last}>", address, experiment.Workers - 1);

        var limit = coordinator.StartupTimeout + coordinator.LinkTimeout + experiment.TimeLimit + coordinator.CollectTimeout + TimeSpan.FromSeconds(30);
        var finished = await Task.WhenAny(done.Task, Task.Delay(limit));
        RunOutcome outcome = finished == done.Task
            ? done.Task.Result
            : new RunOutcome(RunStatus.Failed, $"the coordinator gave no outcome within {limit.TotalSeconds:0} s", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow,
                [], [], [], [], new HashSet<int>(), [], new Dictionary<int, TimeSpan>(), [], []);

        int exitCode = outcome.Status == RunStatus.Completed ? Cli.Success : outcome.Status == RunStatus.Failed ? 1 : Incomplete;
        try
        {
            var written = WriteReport(folder, experiment, text, outcome);
            foreach (var error in written.PictureErrors) log.Warning("Picture not drawn: {Error}", error);
            log.Information("Report: {Folder} ({Files} files)", folder, written.Files.Count);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Error(e, "The report could not be written to {Folder}", folder);
            exitCode = 1;
        }

        log.Information("Run {Status}: {Reason}", outcome.Status, outcome.Reason);
        stdout.WriteLine($"status: {StatusText(outcome.Status)} ({outcome.Reason})");
        stdout.WriteLine($"report: {folder}");

        await workers.WaitForExitAsync(settings.GetTimeSpan("worker-exit-grace", TimeSpan.FromSeconds(10)));
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            try
            {
                await host.StopAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        host.Dispose();
        workers.KillAll();
        await Log.CloseAndFlushAsync();
        return exitCode;
    }

    public static string StatusText(RunStatus status) => status switch
    {
        RunStatus.Completed => "completed",
        RunStatus.TimeLimit => "time limit",
        RunStatus.StoppedWorkerLost => "stopped: worker lost",
        _ => "failed",
    };

    private static WrittenReport WriteReport(string folder, Experiment experiment, string text, RunOutcome outcome)
    {
        var analysis = PropagationAnalyzer.Analyze(outcome.Injections, outcome.Observations, outcome.Traffic, outcome.ExpectedNodes);
        return ReportWriter.Write(folder, new RunReport
        {
            ExperimentName = experiment.Name,
            ExperimentText = text,
            Status = StatusText(outcome.Status),
            Reason = outcome.Reason,
            Notes = outcome.Notes,
            Started = outcome.StartedAt,
            Ended = outcome.EndedAt,
            Workers = experiment.Workers,
            Nodes = experiment.Nodes,
            Injections = outcome.Injections,
            Observations = outcome.Observations,
            Traffic = outcome.Traffic,
            WorkersLost = outcome.LostWorkers,
            Analysis = analysis,
            Edges = outcome.Edges,
            ClockOffsets = outcome.ClockOffsets,
            CoordinatorOverhead = outcome.Overhead,
            Conditions = outcome.Conditions,
            ExpectedNodes = outcome.ExpectedNodes,
        });
    }

    private static string Safe(string name) =>
        new([.. name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-')]);

    private static int FreePort(string hostname)
    {
        using var probe = new TcpListener(IPAddress.Parse(hostname), 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>The worker processes this coordinator started: this same program with <c>lab-worker</c>, output into
    /// <c>worker-N.log</c> in the run's folder; killed with SIGKILL for a kill-worker fault, and at the end if they
    /// have not exited.</summary>
    private sealed class WorkerProcesses(string folder, Serilog.ILogger log) : IWorkerControl
    {
        private readonly Dictionary<int, Process> _processes = [];
        private readonly Lock _lock = new();

        public void Start(int worker, string coordinatorAddress, string? configFile)
        {
            var (file, prefix) = Self();
            var start = new ProcessStartInfo(file)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in prefix) start.ArgumentList.Add(arg);
            start.ArgumentList.Add("lab-worker");
            start.ArgumentList.Add("--join");
            start.ArgumentList.Add(coordinatorAddress);
            start.ArgumentList.Add("--worker");
            start.ArgumentList.Add(worker.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (configFile is not null)
            {
                start.ArgumentList.Add("--config");
                start.ArgumentList.Add(Path.GetFullPath(configFile));
            }
            var output = new StreamWriter(Path.Combine(folder, $"worker-{worker}.log")) { AutoFlush = true };
            var process = new Process { StartInfo = start, EnableRaisingEvents = true };
            var writeLock = new Lock();
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (writeLock) output.WriteLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (writeLock) output.WriteLine(e.Data); };
            process.Exited += (_, _) => { lock (writeLock) output.Flush(); };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            lock (_lock) _processes[worker] = process;
            log.Information("Started worker {Worker}: process {Pid}", worker, process.Id);
        }

        public bool TryKill(int worker)
        {
            Process? process;
            lock (_lock) _processes.TryGetValue(worker, out process);
            if (process is null) return false;
            try
            {
                process.Kill(); // SIGKILL on Unix
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
            return true;
        }

        public async Task WaitForExitAsync(TimeSpan grace)
        {
            List<Process> all;
            lock (_lock) all = [.. _processes.Values];
            using var timeout = new CancellationTokenSource(grace);
            try
            {
                await Task.WhenAll(all.Select(p => p.WaitForExitAsync(timeout.Token)));
            }
            catch (OperationCanceledException)
            {
                log.Warning("Some workers did not exit within {Grace}; killing them", grace);
            }
        }

        public void KillAll()
        {
            List<Process> all;
            lock (_lock) all = [.. _processes.Values];
            foreach (var process in all)
            {
                try
                {
                    if (!process.HasExited) process.Kill();
                }
                catch (InvalidOperationException)
                {
                }
                process.Dispose();
            }
        }

        /// <summary>How to start this program again: the apphost itself, or <c>dotnet actornode.dll</c>.</summary>
        private static (string File, string[] Prefix) Self()
        {
            var path = Environment.ProcessPath ?? throw new InvalidOperationException("the program's path is unknown");
            if (Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
                return (path, [Assembly.GetEntryAssembly()!.Location]);
            return (path, []);
        }
    }
}
