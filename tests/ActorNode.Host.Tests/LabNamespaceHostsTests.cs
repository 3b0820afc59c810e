using System.Diagnostics;
using System.Text;
using ActorNode.Lab.Experiments;
using ActorNode.Lab.Reports;
using Xunit.Abstractions;

namespace ActorNode.Host.Tests;

/// <summary>"Hosts that are apart" (issue 14, docs/lab.md "Across network namespaces"): the coordinator and two
/// workers each in a network namespace of its own, joined by veth links to a bridge in a fourth, with addresses that
/// exist only inside them (10.77.0.0/24; nothing is added to the machine's own namespace and no traffic leaves
/// them). Akka.Cluster and the nodes' peer connections cross real interfaces, as between machines, and the same
/// experiment file as the loopback run (small.conf) runs unchanged. The test needs root and <c>ip netns</c>; it is
/// skipped, saying why, where namespaces cannot be made.</summary>
public sealed class LabNamespaceHostsTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..6];
    private readonly string _out = Path.Combine(Path.GetTempPath(), "actornode-lab-netns-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<string> _namespaces = [];
    private readonly List<Process> _processes = [];

    private string Ns(string host) => $"anl{_id}-{host}";

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            try
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
            process.Dispose();
        }
        foreach (var ns in _namespaces) Ip.Run("netns", "del", ns);
        try
        {
            Directory.Delete(_out, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [NetnsFact]
    public async Task SmallConf_CoordinatorAndWorkersInSeparateNamespaces_CompletesAcrossTheVethLinks_AndReportsClockOffsetsWithBounds()
    {
        Directory.CreateDirectory(_out);
        // The "network": a bridge in its own namespace; each host a namespace with one veth to it.
        var sw = Ns("sw");
        Make(sw);
        Ip.Check("-n", sw, "link", "add", "br0", "type", "bridge");
        Ip.Check("-n", sw, "link", "set", "br0", "up");
        var hosts = new[] { ("c", "10.77.0.1"), ("w0", "10.77.0.2"), ("w1", "10.77.0.3") };
        foreach (var (host, address) in hosts)
        {
            var ns = Ns(host);
            Make(ns);
            Ip.Check("-n", ns, "link", "set", "lo", "up");
            Ip.Check("-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", "p-" + host, "netns", sw);
            Ip.Check("-n", ns, "addr", "add", address + "/24", "dev", "eth0");
            Ip.Check("-n", ns, "link", "set", "eth0", "up");
            Ip.Check("-n", sw, "link", "set", "p-" + host, "master", "br0");
            Ip.Check("-n", sw, "link", "set", "p-" + host, "up");
        }

        // Each host's own config: its address, the coordinator a fixed port (docs/lab.md "Across machines").
        File.WriteAllText(Path.Combine(_out, "c.conf"), "actornode.lab { hostname = \"10.77.0.1\", coordinator-port = 4053 }\n");
        File.WriteAllText(Path.Combine(_out, "w0.conf"), "actornode.lab { hostname = \"10.77.0.2\" }\n");
        File.WriteAllText(Path.Combine(_out, "w1.conf"), "actornode.lab { hostname = \"10.77.0.3\" }\n");
        var experiment = Path.Combine(AppContext.BaseDirectory, "experiments", "small.conf");

        var coordinatorText = new StringBuilder();
        var coordinator = Start(Ns("c"), ["lab", experiment, "--config", Path.Combine(_out, "c.conf"), "--no-spawn", "--out", _out], coordinatorText);
        var workerTexts = new[] { new StringBuilder(), new StringBuilder() };
        for (int i = 0; i < 2; i++)
            Start(Ns("w" + i), ["lab-worker", "--join", "akka.tcp://actornode-lab@10.77.0.1:4053", "--worker", i.ToString(),
                "--config", Path.Combine(_out, $"w{i}.conf")], workerTexts[i]);

        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3)))
        {
            try
            {
                await coordinator.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"the coordinator did not end within 3 minutes\n{Text(coordinatorText)}\n{Text(workerTexts[0])}\n{Text(workerTexts[1])}");
            }
        }
        coordinator.WaitForExit();
        var text = Text(coordinatorText);
        output.WriteLine(text);
        output.WriteLine(Text(workerTexts[0]));
        Assert.True(coordinator.ExitCode == 0, $"exit {coordinator.ExitCode}\n{text}\n{Text(workerTexts[0])}\n{Text(workerTexts[1])}");
        Assert.Contains("status: completed", text);

        var folder = text.Split('\n').Select(l => l.Trim()).Last(l => l.StartsWith("report: ", StringComparison.Ordinal))["report: ".Length..];
        var log = ObservationLog.Read(Path.Combine(folder, "observations.jsonl"));
        Assert.Equal(23, log.Injections.Count);
        foreach (var injection in log.Injections)
            Assert.Equal(Enumerable.Range(0, 10), log.Observations.Where(o => o.Item == injection.Item).Select(o => o.Node).Distinct().Order());

        // The workers joined from their namespaces' addresses, and their nodes listened there.
        var coordinatorLog = File.ReadAllText(Path.Combine(folder, "coordinator.log"));
        foreach (var (worker, address) in new[] { (0, "10.77.0.2"), (1, "10.77.0.3") })
        {
            Assert.Matches($@"Worker {worker} joined \(process \d+, akka\.tcp://actornode-lab@{System.Text.RegularExpressions.Regex.Escape(address)}:\d+\)", coordinatorLog);
            Assert.Matches($@"Worker {worker} started nodes .* \(listening on {System.Text.RegularExpressions.Regex.Escape(address)}:\d+", coordinatorLog);
        }

        var summary = File.ReadAllText(Path.Combine(folder, "summary.md"));
        output.WriteLine(summary);
        Assert.Contains("| Worker | Offset (ms) | Error bound (± ms) |", summary);
        foreach (var worker in new[] { 0, 1 })
            Assert.Matches($@"(?m)^\| {worker} \| -?\d+\.\d \| \d+\.\d{{3}} \|$", summary);
    }

    private void Make(string ns)
    {
        Ip.Check("netns", "add", ns);
        _namespaces.Add(ns);
    }

    private Process Start(string ns, IEnumerable<string> args, StringBuilder text)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["netns", "exec", ns, "dotnet", NodeProcess.Program, .. args]) info.ArgumentList.Add(a);
        info.Environment["HOME"] = Path.GetTempPath();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (text) text.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (text) text.AppendLine("stderr: " + e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
        return process;
    }

    private static string Text(StringBuilder text)
    {
        lock (text) return text.ToString();
    }
}

/// <summary>A fact that runs only where this process may make network namespaces (root, iproute2): it tries to make
/// one and says why not in its skip reason.</summary>
public sealed class NetnsFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Reason = new(Probe);

    public NetnsFactAttribute()
    {
        if (Reason.Value is { } reason) Skip = reason;
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux()) return "network namespaces are Linux only";
        var name = "anl-probe-" + Environment.ProcessId;
        var (code, text) = Ip.Run("netns", "add", name);
        if (code != 0) return $"`ip netns add` is not permitted here (exit {code}: {text.Trim()}); the test needs root and iproute2";
        Ip.Run("netns", "del", name);
        return null;
    }
}

internal static class Ip
{
    public static (int Code, string Output) Run(params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args) info.ArgumentList.Add(a);
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout.Result + stderr);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, "cannot run ip: " + e.Message);
        }
    }

    public static void Check(params string[] args)
    {
        var (code, text) = Run(args);
        Assert.True(code == 0, $"ip {string.Join(' ', args)}: exit {code}: {text}");
    }
}
