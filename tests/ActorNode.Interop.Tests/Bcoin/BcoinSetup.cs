using System.Diagnostics;

namespace ActorNode.Interop.Tests.Bcoin;

/// <summary>Finds <c>tests/interop/bcoin</c> and runs its <c>setup.sh</c> once per test process (npm ci, the
/// leveldown guard, the mrmr build). setup.sh itself is idempotent, quick when already done, and takes a file lock,
/// so test processes that start together do not race. A missing node or npm, or a failed install, throws
/// <see cref="BcoinUnavailableException"/>: the interop tests then fail with its message, they never pass silently.
/// </summary>
public static class BcoinSetup
{
    /// <summary>The longest a first install may take (npm ci of ~150 packages and one native build).</summary>
    public static readonly TimeSpan SetupTimeout = TimeSpan.FromMinutes(10);

    private static readonly Lazy<Task<string>> Once = new(RunAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The folder that holds launch.js and node_modules, ready to run; set up on the first call.</summary>
    public static Task<string> EnsureAsync() => Once.Value;

    /// <summary>The first ancestor of the test binaries holding <c>tests/interop/bcoin/package.json</c>.</summary>
    public static string LocateFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "interop", "bcoin");
            if (File.Exists(Path.Combine(candidate, "package.json")) && File.Exists(Path.Combine(candidate, "setup.sh")))
                return candidate;
        }
        throw new BcoinUnavailableException(
            $"tests/interop/bcoin (package.json, setup.sh) not found above {AppContext.BaseDirectory}");
    }

    private static async Task<string> RunAsync()
    {
        var folder = LocateFolder();
        await RequireToolsAsync(["node", "npm"]);

        var started = Stopwatch.StartNew();
        var (exitCode, output) = await RunProcessAsync("bash", [Path.Combine(folder, "setup.sh")], folder, SetupTimeout);
        if (exitCode != 0)
            throw new BcoinUnavailableException(
                $"tests/interop/bcoin/setup.sh failed (exit {exitCode}) after {started.Elapsed.TotalSeconds:F1} s; " +
                $"bcoin 1.0.2 is installed from the npm registry with node and npm (see docs/interop.md). Its output:\n{output}");
        return folder;
    }

    /// <summary>Throws <see cref="BcoinUnavailableException"/> with how to install it when <paramref name="tool"/> does not run.</summary>
    internal static Task RequireToolAsync(string tool) => RequireToolsAsync([tool]);

    /// <summary>Runs each tool's <c>--version</c>; when any does not run, throws one
    /// <see cref="BcoinUnavailableException"/> naming every missing tool and how to install them.</summary>
    internal static async Task RequireToolsAsync(IReadOnlyList<string> tools)
    {
        var problems = new List<string>();
        foreach (var tool in tools)
        {
            if (await ToolProblemAsync(tool) is { } problem) problems.Add(problem);
        }
        if (problems.Count > 0)
            throw new BcoinUnavailableException(
                $"missing for the interop tests: {string.Join("; ", problems)}. They install and run bcoin 1.0.2, a " +
                "Bitcoin node in JavaScript, and need Node.js >= 20 with npm on PATH (Debian: apt-get install nodejs npm), " +
                "make and g++, and the npm registry on the first run; see README.md (Prerequisites) and docs/interop.md.");
    }

    /// <summary>Why <paramref name="tool"/> cannot be used, or null when <c>tool --version</c> runs.</summary>
    private static async Task<string?> ToolProblemAsync(string tool)
    {
        try
        {
            var (exitCode, output) = await RunProcessAsync(tool, ["--version"], null, TimeSpan.FromSeconds(60));
            return exitCode == 0 ? null : $"'{tool} --version' exited with {exitCode}: {output.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"'{tool}' is not installed or not on PATH ({e.Message})";
        }
    }

    /// <summary>Runs a program to its end (or kills it at the timeout) and returns its exit code and its stdout and
    /// stderr interleaved as they came.</summary>
    internal static async Task<(int ExitCode, string Output)> RunProcessAsync(string file, IReadOnlyList<string> args,
        string? workingDirectory, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        var output = new System.Text.StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            lock (output) output.AppendLine($"(killed after {timeout.TotalSeconds:F0} s)");
            return (-1, output.ToString());
        }
        process.WaitForExit(); // drains the redirected streams
        lock (output) return (process.ExitCode, output.ToString());
    }
}

/// <summary>bcoin cannot be run here: node or npm missing, the install failed, or the node did not start.</summary>
public sealed class BcoinUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
