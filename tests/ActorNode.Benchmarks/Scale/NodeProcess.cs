using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;

namespace ActorNode.Benchmarks.Scale;

/// <summary>The node under load as a child process (this same executable, <c>node</c> command), spoken to over its
/// stdin/stdout one line at a time (<see cref="ScaleNode"/>). Its memory is read from <c>/proc/&lt;pid&gt;/status</c>.
/// Disposing it asks it to quit and kills it if it has not gone within a grace period.</summary>
internal sealed class NodeProcess : IAsyncDisposable
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly Channel<string> _answers = Channel.CreateUnbounded<string>();
    private readonly string _readyFile;

    private NodeProcess(Process process, string readyFile)
    {
        _process = process;
        _readyFile = readyFile;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) _answers.Writer.TryComplete();
            else if (e.Data.StartsWith('@')) _answers.Writer.TryWrite(e.Data);
            else Console.Error.WriteLine($"[node] {e.Data}");
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) Console.Error.WriteLine($"[node] {e.Data}");
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;
    public int Port { get; private set; }
    public string Description { get; private set; } = "";

    /// <summary>Starts the node and waits until it listens (its ready file holds the port).</summary>
    public static async Task<NodeProcess> StartAsync(IEnumerable<string> extraArgs, IReadOnlyDictionary<string, string> environment,
        CancellationToken ct)
    {
        string readyFile = Path.Combine(Path.GetTempPath(), $"actornode-scale-{Environment.ProcessId}-{Guid.NewGuid():N}.port");
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // This very program: its apphost, or `dotnet <dll>` when started that way.
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        start.FileName = self;
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(ScaleNode).Assembly.Location);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        foreach (var arg in new[] { "node", "--port", "0", "--ready-file", readyFile }.Concat(extraArgs))
            start.ArgumentList.Add(arg);

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the node");
        var node = new NodeProcess(process, readyFile);
        try
        {
            string ready = await node.NextAnswerAsync("@ready", ct);
            node.Port = int.Parse(File.ReadAllText(readyFile).Trim(), CultureInfo.InvariantCulture);
            node.Description = ready["@ready ".Length..];
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>Handshaked peers as the node's ConnManagerActor counts them.</summary>
    public async Task<(int Inbound, int Outbound)> CountAsync(CancellationToken ct)
    {
        var fields = (await RequestAsync("count", "@count", ct)).Split(' ');
        return (int.Parse(fields[1], CultureInfo.InvariantCulture), int.Parse(fields[2], CultureInfo.InvariantCulture));
    }

    /// <summary>After a full compacting collection in the node: its managed bytes (GC.GetTotalMemory(true)), its GC
    /// heap size and the GC's committed bytes; then its VmRSS and open descriptors, read here from /proc.</summary>
    public async Task<MemorySample> SampleAsync(CancellationToken ct)
    {
        var fields = (await RequestAsync("gc", "@gc", ct)).Split(' ');
        long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
        return new MemorySample(Field(1), Field(2), Field(3), StatusKiB("VmRSS") * 1024, StatusKiB("RssAnon") * 1024,
            Directory.GetFiles($"/proc/{Pid}/fd").Length, Field(4), Field(5));
    }

    /// <summary>CPU time the node has used so far, user + system (/proc/&lt;pid&gt;/stat, in clock ticks of 10 ms).</summary>
    public TimeSpan CpuTime()
    {
        string stat = File.ReadAllText($"/proc/{Pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // fields from the 3rd on: utime is the 14th
        long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    /// <summary>The node's resident set now (VmRSS), without asking it anything.</summary>
    public long RssBytes() => StatusKiB("VmRSS") * 1024;

    private long StatusKiB(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        throw new InvalidOperationException($"no {field} in /proc/{Pid}/status");
    }

    private async Task<string> RequestAsync(string request, string answer, CancellationToken ct)
    {
        await _process.StandardInput.WriteLineAsync(request.AsMemory(), ct);
        await _process.StandardInput.FlushAsync(ct);
        return await NextAnswerAsync(answer, ct);
    }

    private async Task<string> NextAnswerAsync(string prefix, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(AnswerTimeout);
        while (true)
        {
            string line;
            try
            {
                line = await _answers.Reader.ReadAsync(timeout.Token);
            }
            catch (ChannelClosedException)
            {
                throw new InvalidOperationException($"the node exited (code {(_process.HasExited ? _process.ExitCode : -1)}) before answering {prefix}");
            }
            if (line.StartsWith(prefix, StringComparison.Ordinal)) return line;
            if (line.StartsWith("@error", StringComparison.Ordinal)) throw new InvalidOperationException(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                try
                {
                    await _process.StandardInput.WriteLineAsync("quit");
                    await _process.StandardInput.FlushAsync();
                    _process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // already gone
                }
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                try
                {
                    await _process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    Console.Error.WriteLine("[load] the node did not quit in 20 s: killing it");
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }
            }
        }
        finally
        {
            _process.Dispose();
            try { File.Delete(_readyFile); } catch (IOException) { }
        }
    }
}

/// <summary>The node's memory at one moment (bytes) and its open descriptors.</summary>
internal sealed record MemorySample(long Managed, long GcHeap, long GcCommitted, long Rss, long RssAnon, int Descriptors,
    long JittedMethods, long JitMilliseconds);
