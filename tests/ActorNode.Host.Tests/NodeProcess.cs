using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace ActorNode.Host.Tests;

/// <summary><c>actornode run</c> as a user runs it: a separate process (<c>dotnet actornode.dll run ...</c>, the
/// program built beside the tests) on free loopback ports with its own temporary data directory. Its output is
/// kept for the test's failure message. Stopped with SIGTERM (<c>kill -TERM</c>), as a service manager would.</summary>
internal sealed class NodeProcess : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly StringBuilder _output;

    private NodeProcess(Process process, StringBuilder output, string dataDir, int port, int rpcPort)
    {
        _process = process;
        _output = output;
        DataDir = dataDir;
        Port = port;
        RpcPort = rpcPort;
    }

    public string DataDir { get; }
    public int Port { get; }
    public int RpcPort { get; }
    public int Pid => _process.Id;
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public static string Program => Path.Combine(AppContext.BaseDirectory, "actornode.dll");

    /// <summary>A port free at the time of asking (the kernel picks it).</summary>
    public static int FreePort()
    {
        // The kernel may hand a released port out again: never give the same one twice in this run.
        while (true)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            lock (Given)
                if (Given.Add(port)) return port;
        }
    }

    private static readonly HashSet<int> Given = [];

    public static Process StartProgram(IEnumerable<string> args, StringBuilder output)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Program);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        // The node must never look at the real home directory.
        info.Environment["HOME"] = Path.GetTempPath();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine("stderr: " + e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static NodeProcess Start(string dataDir, params string[] extra)
    {
        int port = FreePort(), rpcPort = FreePort();
        var output = new StringBuilder();
        var process = StartProgram(["run", "--datadir", dataDir, "--listen", $"127.0.0.1:{port}", "--rpclisten", $"127.0.0.1:{rpcPort}", .. extra], output);
        return new NodeProcess(process, output, dataDir, port, rpcPort);
    }

    /// <summary>The node's cookie credentials, once it has written them.</summary>
    public AuthenticationHeaderValue Auth()
    {
        var cookie = File.ReadAllText(Path.Combine(DataDir, ".cookie"));
        return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(cookie)));
    }

    /// <summary>Posts a raw body with the cookie (or the given authorization) and returns status and body.</summary>
    public async Task<(HttpStatusCode Status, string Body)> Post(string body, AuthenticationHeaderValue? auth = null, bool authenticate = true)
    {
        using var http = new HttpClient { Timeout = Patience };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{RpcPort}/")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (authenticate) request.Headers.Authorization = auth ?? Auth();
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Calls a method (JSON-RPC 1.0, as bitcoin-cli) and returns its result, failing on an error.</summary>
    public async Task<JsonNode?> Call(string method, params JsonNode?[] args)
    {
        var request = new JsonObject { ["method"] = method, ["params"] = new JsonArray(args), ["id"] = 1 };
        var (status, body) = await Post(request.ToJsonString());
        // No JSON at all: e.g. 401 for a cookie left by a killed run before the restarted node has written its own.
        if (string.IsNullOrWhiteSpace(body)) throw new InvalidOperationException($"{method}: HTTP {(int)status} with an empty body");
        var reply = JsonNode.Parse(body)!;
        if (reply["error"] is JsonObject error) throw new InvalidOperationException($"{method}: {error.ToJsonString()}");
        return reply["result"];
    }

    /// <summary>Waits until the RPC server answers (the cookie exists and a call succeeds).</summary>
    public async Task WaitForRpc()
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"the node exited with {_process.ExitCode}:\n{Output}");
            try
            {
                if (File.Exists(Path.Combine(DataDir, ".cookie")))
                {
                    await Call("uptime");
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException or TaskCanceledException)
            {
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no RPC after {Patience}:\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>Polls <paramref name="check"/> until it holds (an exception or false means not yet).</summary>
    public static async Task Eventually(Func<Task<bool>> check, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await check()) return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                last = e;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{what} did not happen within {Patience}", last);
    }

    /// <summary>SIGKILL: the process gets no chance to save anything (Process.Kill sends SIGKILL on Linux).</summary>
    public async Task Kill()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public bool HasExited => _process.HasExited;

    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Waits for the process to end and returns its exit code.</summary>
    public async Task<int> WaitForExit()
    {
        using var timeout = new CancellationTokenSource(Patience);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
