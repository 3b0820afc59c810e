using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ActorNode.Wire.Primitives;
using Xunit.Abstractions;

namespace ActorNode.Interop.Tests.Bcoin;

/// <summary>How a <see cref="BcoinNode"/> is started.</summary>
public sealed record BcoinOptions
{
    /// <summary>Start bcoin with <c>--realpeer-forget-bans=true</c> (our launcher's flag): a ban still disconnects
    /// the peer but is not remembered, so one misbehaving test cannot lock 127.0.0.1 out for 24 hours. Bans and ban
    /// score increases are logged either way (<see cref="BcoinNode.MisbehaviourLines"/>).</summary>
    public bool ForgetBans { get; init; } = true;

    /// <summary>Load bcoin's wallet (needed for <see cref="BcoinNode.MineAsync"/>'s address and for
    /// <see cref="BcoinNode.SendToAddressAsync"/>); false passes <c>--no-wallet</c>.</summary>
    public bool Wallet { get; init; } = true;

    /// <summary>bcoin's log level: info (default), debug or spam for more.</summary>
    public string LogLevel { get; init; } = "info";

    /// <summary>More bcoin flags, e.g. <c>--max-inbound=4</c>, <c>--selfish=true</c>, <c>--bip37=true</c>.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>How long the node may take to answer its RPC after launch (it takes 0.5–1.5 s here).</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>One peer in bcoin's <c>getpeerinfo</c> (bcoin lib/node/rpc.js getPeerInfo).</summary>
public sealed record BcoinPeerInfo(
    int Id,
    string Address,
    string? LocalAddress,
    ulong Services,
    int Version,
    string SubVersion,
    bool Inbound,
    int StartingHeight,
    int BestHeight,
    int BanScore,
    JsonElement Raw);

/// <summary>An error answered by bcoin's JSON-RPC.</summary>
public sealed class BcoinRpcException(string method, int code, string message)
    : Exception($"bcoin RPC {method} failed: {message} (code {code})")
{
    public string Method { get; } = method;
    public int Code { get; } = code;
    public string RpcMessage { get; } = message;
}

/// <summary>A real bcoin 1.0.2 full node (regtest, in memory) on 127.0.0.1, started through
/// <c>tests/interop/bcoin/launch.js</c>, which keeps it on loopback (docs/interop.md). Use it as an xunit class
/// fixture (<c>IClassFixture&lt;BcoinNode&gt;</c>: one node for the tests of a class) or start more with
/// <see cref="StartAsync"/>. The first use in a test process runs <c>setup.sh</c> (<see cref="BcoinSetup"/>).
/// <para>The node has no peers until told (<see cref="AddNodeAsync"/>), no seeds, and mines only when asked
/// (<see cref="MineAsync"/>). Its log is kept in memory; <see cref="AttachOutput"/> copies the part of it written
/// during a test into that test's output, which <c>dotnet test</c> shows when the test fails.</para>
/// Disposing kills the process (the chain is in memory: nothing to save).</summary>
public sealed class BcoinNode : IAsyncLifetime, IAsyncDisposable
{
    /// <summary>RPC user name; bcoin checks only the password (the API key).</summary>
    private const string RpcUser = "actornode";
    private const int MaxLogLines = 50_000;

    private readonly BcoinOptions _options;
    private readonly List<string> _log = [];
    private long _logDropped;
    private TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;
    private HttpClient? _http;
    private string? _prefix;
    private string? _miningAddress;
    private int _rpcId;

    /// <summary>For xunit fixtures (one public constructor): default options. Other options: <see cref="StartAsync"/>.</summary>
    public BcoinNode() : this(new BcoinOptions()) { }

    private BcoinNode(BcoinOptions options)
    {
        _options = options;
        ApiKey = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
    }

    /// <summary>Starts a node with <paramref name="options"/>; dispose it to stop it.</summary>
    public static async Task<BcoinNode> StartAsync(BcoinOptions? options = null)
    {
        var node = new BcoinNode(options ?? new BcoinOptions());
        try
        {
            await node.InitializeAsync();
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>bcoin's P2P listener.</summary>
    public IPEndPoint P2PEndpoint { get; private set; } = new(IPAddress.Loopback, 0);
    /// <summary>The node's HTTP/JSON-RPC port.</summary>
    public int RpcPort { get; private set; }
    /// <summary>The wallet's HTTP/JSON-RPC port (wallet RPC calls such as getaccountaddress and sendtoaddress).</summary>
    public int WalletRpcPort { get; private set; }
    public string ApiKey { get; }
    public int ProcessId => _process?.Id ?? 0;
    /// <summary>The user agent bcoin 1.0.2 sends in its version message.</summary>
    public const string UserAgent = "/bcoin:v1.0.2/";
    /// <summary>The protocol version bcoin 1.0.2 sends (bcoin lib/net/common.js PROTOCOL_VERSION).</summary>
    public const int ProtocolVersion = 70015;

    // ---- Lifetime --------------------------------------------------------------------------------------------------

    public async Task InitializeAsync()
    {
        var folder = await BcoinSetup.EnsureAsync();
        Exception? last = null;
        for (int attempt = 1; attempt <= 3; attempt++)
        {
            try
            {
                await LaunchAsync(folder);
                return;
            }
            catch (BcoinUnavailableException e) when (attempt < 3 && LogText().Contains("EADDRINUSE"))
            {
                last = e; // a port chosen free was taken meanwhile: choose again
                KillProcess();
            }
        }
        throw last!;
    }

    private async Task LaunchAsync(string folder)
    {
        var ports = FreeLoopbackPorts(3);
        P2PEndpoint = new IPEndPoint(IPAddress.Loopback, ports[0]);
        RpcPort = ports[1];
        WalletRpcPort = ports[2];
        _prefix ??= Directory.CreateTempSubdirectory("bcoin-").FullName;
        var ready = _ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in Arguments(folder)) info.ArgumentList.Add(arg);
        Log($"[fixture] node {string.Join(' ', info.ArgumentList.Select(a => a.Replace(ApiKey, "***")))}");

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => ready.TrySetException(
            new BcoinUnavailableException($"bcoin exited during startup with code {SafeExitCode(process)}"));
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new BcoinUnavailableException($"cannot start node: {e.Message} (Node.js is needed, see docs/interop.md)", e);
        }
        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        _http?.Dispose();
        _http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.ASCII.GetBytes($"{RpcUser}:{ApiKey}")));

        var started = Stopwatch.StartNew();
        var timeout = Task.Delay(_options.StartTimeout);
        if (await Task.WhenAny(ready.Task, timeout) == timeout)
            throw Unavailable($"bcoin did not report ready within {_options.StartTimeout.TotalSeconds:F0} s");
        try
        {
            await ready.Task;
        }
        catch (BcoinUnavailableException e)
        {
            throw Unavailable(e.Message);
        }
        // The RPC server listens before the pool does, so it answers by now; check it all the same.
        var count = await GetBlockCountAsync();
        Log($"[fixture] ready in {started.ElapsedMilliseconds} ms: p2p {P2PEndpoint}, rpc {RpcPort}, wallet rpc {WalletRpcPort}, height {count}");
    }

    private IEnumerable<string> Arguments(string folder)
    {
        yield return Path.Combine(folder, "launch.js");
        yield return "--network=regtest";
        yield return "--memory=true";
        yield return "--workers=false";
        yield return "--listen=true";
        yield return "--host=127.0.0.1";
        yield return $"--port={P2PEndpoint.Port}";
        yield return "--public-host=127.0.0.1";
        yield return $"--public-port={P2PEndpoint.Port}";
        yield return "--http-host=127.0.0.1";
        yield return $"--http-port={RpcPort}";
        yield return "--wallet-http-host=127.0.0.1";
        yield return $"--wallet-http-port={WalletRpcPort}";
        yield return $"--api-key={ApiKey}";
        yield return "--upnp=false";
        yield return "--index-tx=true";
        yield return $"--prefix={_prefix}";
        yield return $"--log-level={_options.LogLevel}";
        yield return "--realpeer-exit-on-stdin-close=true";
        if (_options.ForgetBans) yield return "--realpeer-forget-bans=true";
        if (!_options.Wallet) yield return "--no-wallet=true";
        foreach (var arg in _options.ExtraArguments) yield return arg;
    }

    public async Task DisposeAsync()
    {
        KillProcess();
        _http?.Dispose();
        if (_prefix is not null)
            try { Directory.Delete(_prefix, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        await Task.CompletedTask;
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    private void KillProcess()
    {
        var process = _process;
        _process = null;
        if (process is null) return;
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException) { }
        process.Dispose();
    }

    private static int[] FreeLoopbackPorts(int count)
    {
        var listeners = new List<TcpListener>();
        try
        {
            for (int i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners) listener.Stop();
        }
    }

    private static string SafeExitCode(Process process)
    {
        try { return process.ExitCode.ToString(); } catch (InvalidOperationException) { return "?"; }
    }

    // ---- Log -------------------------------------------------------------------------------------------------------

    private void OnLine(string? line)
    {
        if (line is null) return;
        Log(line);
        if (line.StartsWith("[realpeer] ready", StringComparison.Ordinal)) _ready.TrySetResult();
    }

    private void Log(string line)
    {
        lock (_log)
        {
            _log.Add(line);
            if (_log.Count > MaxLogLines)
            {
                _log.RemoveRange(0, MaxLogLines / 10);
                _logDropped += MaxLogLines / 10;
            }
        }
    }

    /// <summary>Every log line kept so far (the oldest are dropped past 50,000).</summary>
    public IReadOnlyList<string> LogLines
    {
        get { lock (_log) return [.. _log]; }
    }

    /// <summary>The launcher's lines about bans and ban scores ("[realpeer] ban ..."). Every peer of this node is
    /// on 127.0.0.1, so any line here means a peer under test misbehaved in bcoin's eyes.</summary>
    public IReadOnlyList<string> MisbehaviourLines =>
        [.. LogLines.Where(l => l.StartsWith("[realpeer] ban", StringComparison.Ordinal))];

    /// <summary>The launcher's refusals: connections, listeners, UDP or DNS that would have left loopback.</summary>
    public IReadOnlyList<string> GuardRefusals =>
        [.. LogLines.Where(l => l.StartsWith("[realpeer] refused", StringComparison.Ordinal)
            || l.StartsWith("[realpeer] dropped", StringComparison.Ordinal))];

    /// <summary>The last <paramref name="lines"/> log lines as one text.</summary>
    public string LogTail(int lines = 200)
    {
        lock (_log) return string.Join('\n', _log.Skip(Math.Max(0, _log.Count - lines)));
    }

    private string LogText()
    {
        lock (_log) return string.Join('\n', _log);
    }

    private long LogPosition
    {
        get { lock (_log) return _logDropped + _log.Count; }
    }

    /// <summary>Until disposed, remembers where the log stood; on dispose writes the lines logged since (at most the
    /// last <paramref name="maxLines"/>) to <paramref name="output"/>. <c>dotnet test</c> prints a test's output
    /// when it fails, so a failing test shows what bcoin said meanwhile.</summary>
    public IDisposable AttachOutput(ITestOutputHelper output, int maxLines = 400) =>
        new OutputAttachment(this, output, LogPosition, maxLines);

    private sealed class OutputAttachment(BcoinNode node, ITestOutputHelper output, long start, int maxLines) : IDisposable
    {
        public void Dispose()
        {
            List<string> lines;
            long dropped;
            lock (node._log)
            {
                dropped = node._logDropped;
                int from = (int)Math.Max(0, start - dropped);
                lines = node._log.Skip(from).ToList();
            }
            int skipped = Math.Max(0, lines.Count - maxLines);
            try
            {
                output.WriteLine($"---- bcoin (pid {node.ProcessId}, p2p {node.P2PEndpoint}) log during this test: " +
                    $"{lines.Count} lines{(skipped > 0 ? $", the first {skipped} left out" : "")} ----");
                foreach (var line in lines.Skip(skipped)) output.WriteLine(line);
            }
            catch (InvalidOperationException) { } // the test is already over
        }
    }

    private BcoinUnavailableException Unavailable(string why) =>
        new($"{why}. bcoin's log:\n{LogTail(80)}");

    // ---- JSON-RPC --------------------------------------------------------------------------------------------------

    /// <summary>Calls a node RPC method (bcoin lib/node/rpc.js) and returns its result.</summary>
    public Task<JsonElement> RpcAsync(string method, params object?[] parameters) =>
        CallAsync(RpcPort, method, parameters);

    /// <summary>Calls a wallet RPC method (bcoin lib/wallet/rpc.js: getaccountaddress, sendtoaddress, getbalance, ...)
    /// on the wallet's own HTTP server.</summary>
    public Task<JsonElement> WalletRpcAsync(string method, params object?[] parameters) =>
        CallAsync(WalletRpcPort, method, parameters);

    private async Task<JsonElement> CallAsync(int port, string method, object?[] parameters)
    {
        if (_http is null) throw new InvalidOperationException("bcoin is not started");
        int id = Interlocked.Increment(ref _rpcId);
        var body = JsonSerializer.Serialize(new { jsonrpc = "1.0", id, method, @params = parameters });
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync($"http://127.0.0.1:{port}/", content);
        var text = await response.Content.ReadAsStringAsync();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            throw new BcoinRpcException(method, (int)response.StatusCode, $"HTTP {(int)response.StatusCode}: {text}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                int code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : 0;
                string message = error.TryGetProperty("message", out var m) ? m.ToString() : error.ToString();
                throw new BcoinRpcException(method, code, message);
            }
            if (!response.IsSuccessStatusCode)
                throw new BcoinRpcException(method, (int)response.StatusCode, $"HTTP {(int)response.StatusCode}: {text}");
            return root.TryGetProperty("result", out var result) ? result.Clone() : default;
        }
    }

    // ---- Chain -----------------------------------------------------------------------------------------------------

    public async Task<int> GetBlockCountAsync() => (await RpcAsync("getblockcount")).GetInt32();

    public async Task<Hash256> GetBestBlockHashAsync() => Hash256.Parse((await RpcAsync("getbestblockhash")).GetString()!);

    public async Task<Hash256> GetBlockHashAsync(int height) =>
        Hash256.Parse((await RpcAsync("getblockhash", height)).GetString()!);

    /// <summary>The block as bcoin serialises it (with witness data), from <c>getblock hash false</c>.</summary>
    public async Task<byte[]> GetRawBlockAsync(Hash256 hash) =>
        Convert.FromHexString((await RpcAsync("getblock", hash.ToString(), false)).GetString()!);

    /// <summary>The regtest address the wallet's default account receives on (<c>getaccountaddress default</c>;
    /// bcoin 1.0.2's getnewaddress answers with a mainnet-encoded address).</summary>
    public async Task<string> GetWalletAddressAsync() =>
        (await WalletRpcAsync("getaccountaddress", "default")).GetString()!;

    /// <summary>Mines <paramref name="blocks"/> blocks paying the wallet (<c>generatetoaddress</c>; ~1,000 blocks/s
    /// here) and returns their hashes, oldest first.</summary>
    public async Task<IReadOnlyList<Hash256>> MineAsync(int blocks)
    {
        _miningAddress ??= await GetWalletAddressAsync();
        var result = await RpcAsync("generatetoaddress", blocks, _miningAddress);
        return [.. result.EnumerateArray().Select(e => Hash256.Parse(e.GetString()!))];
    }

    /// <summary>Mines until the chain is at least <paramref name="height"/> high; returns the height.</summary>
    public async Task<int> MineToHeightAsync(int height)
    {
        int count = await GetBlockCountAsync();
        if (count < height) await MineAsync(height - count);
        return await GetBlockCountAsync();
    }

    /// <summary><c>invalidateblock</c>: bcoin resets its chain to the block's parent (the blocks above it are removed,
    /// bcoin Chain#invalidate → _replay → _reset) and refuses the block from then on.</summary>
    public Task InvalidateBlockAsync(Hash256 hash) => RpcAsync("invalidateblock", hash.ToString());

    /// <summary><c>reconsiderblock</c>: forgets that the block was invalidated (bcoin does not reconnect it).</summary>
    public Task ReconsiderBlockAsync(Hash256 hash) => RpcAsync("reconsiderblock", hash.ToString());

    /// <summary>A reorganisation on bcoin: the top <paramref name="depth"/> blocks are invalidated and
    /// <paramref name="newBlocks"/> others mined on their parent (more than <paramref name="depth"/> makes the new
    /// branch heavier, so that peers that had the old one reorganise to it). Returns both branches, oldest first.
    /// </summary>
    public async Task<(IReadOnlyList<Hash256> Disconnected, IReadOnlyList<Hash256> Connected)> ReorgAsync(int depth, int newBlocks)
    {
        int tip = await GetBlockCountAsync();
        if (depth < 1 || depth > tip) throw new ArgumentOutOfRangeException(nameof(depth), $"tip is at height {tip}");
        var old = new List<Hash256>();
        for (int h = tip - depth + 1; h <= tip; h++) old.Add(await GetBlockHashAsync(h));
        await InvalidateBlockAsync(old[0]);
        int after = await GetBlockCountAsync();
        if (after != tip - depth)
            throw new InvalidOperationException($"invalidateblock left bcoin at height {after}, expected {tip - depth}");
        var mined = await MineAsync(newBlocks);
        return (old, mined);
    }

    // ---- Transactions ----------------------------------------------------------------------------------------------

    /// <summary>Sends <paramref name="amountBtc"/> from bcoin's wallet (needs mature coins: mine 101 blocks first;
    /// the wallet may spend unconfirmed outputs). Returns the txid once the node's mempool holds the transaction.
    /// The wallet follows the chain and hands transactions to the node asynchronously: right after mining it may not
    /// know its coins yet ("Not enough funds" is retried for up to 15 s), and right after sendtoaddress the
    /// transaction may not be in getrawmempool yet (waited for, up to 15 s).</summary>
    public async Task<Hash256> SendToAddressAsync(string address, decimal amountBtc)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var txid = Hash256.Parse((await WalletRpcAsync("sendtoaddress", address, amountBtc)).GetString()!);
                await WaitUntilAsync(async () => (await GetRawMempoolAsync()).Contains(txid), TimeSpan.FromSeconds(15),
                    $"wallet transaction {txid} in the mempool");
                return txid;
            }
            catch (BcoinRpcException e) when (e.RpcMessage.StartsWith("Not enough funds", StringComparison.Ordinal)
                && waited.Elapsed < TimeSpan.FromSeconds(15))
            {
                await Task.Delay(50);
            }
        }
    }

    public async Task<IReadOnlyList<Hash256>> GetRawMempoolAsync() =>
        [.. (await RpcAsync("getrawmempool")).EnumerateArray().Select(e => Hash256.Parse(e.GetString()!))];

    /// <summary>Submits a serialised transaction; returns its txid.</summary>
    public async Task<Hash256> SendRawTransactionAsync(ReadOnlyMemory<byte> transaction) =>
        Hash256.Parse((await RpcAsync("sendrawtransaction", Convert.ToHexString(transaction.Span).ToLowerInvariant())).GetString()!);

    /// <summary>A transaction in the mempool or (with --index-tx, which the fixture sets) in the chain, serialised
    /// with its witness.</summary>
    public async Task<byte[]> GetRawTransactionAsync(Hash256 txid) =>
        Convert.FromHexString((await RpcAsync("getrawtransaction", txid.ToString(), false)).GetString()!);

    // ---- Peers -----------------------------------------------------------------------------------------------------

    /// <summary><c>addnode host:port add</c> (remembered and redialled) or <c>onetry</c>; <c>remove</c> with
    /// <see cref="RemoveNodeAsync"/>.</summary>
    public Task AddNodeAsync(IPEndPoint endpoint, bool oneTry = false) =>
        RpcAsync("addnode", HostPort(endpoint), oneTry ? "onetry" : "add");

    public Task RemoveNodeAsync(IPEndPoint endpoint) => RpcAsync("addnode", HostPort(endpoint), "remove");

    public Task DisconnectNodeAsync(IPEndPoint endpoint) => RpcAsync("disconnectnode", HostPort(endpoint));

    public async Task<int> GetConnectionCountAsync() => (await RpcAsync("getconnectioncount")).GetInt32();

    public async Task<IReadOnlyList<BcoinPeerInfo>> GetPeerInfoAsync()
    {
        var peers = await RpcAsync("getpeerinfo");
        return [.. peers.EnumerateArray().Select(p => new BcoinPeerInfo(
            p.GetProperty("id").GetInt32(),
            p.GetProperty("addr").GetString()!,
            p.TryGetProperty("addrlocal", out var local) && local.ValueKind == JsonValueKind.String ? local.GetString() : null,
            Convert.ToUInt64(p.GetProperty("services").GetString()!, 16),
            p.GetProperty("version").GetInt32(),
            p.GetProperty("subver").GetString() ?? "",
            p.GetProperty("inbound").GetBoolean(),
            p.GetProperty("startingheight").GetInt32(),
            p.TryGetProperty("bestheight", out var best) && best.ValueKind == JsonValueKind.Number ? best.GetInt32() : -1,
            p.GetProperty("banscore").GetInt32(),
            p.Clone()))];
    }

    /// <summary><c>listbanned</c>: the addresses bcoin bans now.</summary>
    public async Task<IReadOnlyList<string>> ListBannedAsync() =>
        [.. (await RpcAsync("listbanned")).EnumerateArray().Select(e => e.GetProperty("address").GetString()!)];

    /// <summary><c>clearbanned</c>: lifts every ban (bcoin bans 127.0.0.1 for 24 h at a ban score of 100).</summary>
    public Task ClearBannedAsync() => RpcAsync("clearbanned");

    // ---- Waiting ---------------------------------------------------------------------------------------------------

    /// <summary>Polls <paramref name="condition"/> every 25 ms until it holds; after <paramref name="timeout"/> throws
    /// a <see cref="TimeoutException"/> naming <paramref name="what"/> with the end of bcoin's log.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (_process is null || _process.HasExited)
                throw new InvalidOperationException($"bcoin is not running while waiting for {what}. Its log:\n{LogTail(80)}");
            if (deadline.Elapsed > timeout)
                throw new TimeoutException($"bcoin: {what} did not happen within {timeout.TotalSeconds:F0} s. Its log:\n{LogTail(80)}");
            await Task.Delay(25);
        }
    }

    /// <summary>Waits until bcoin's chain is <paramref name="height"/> high (e.g. after it synced from a peer).</summary>
    public Task WaitForHeightAsync(int height, TimeSpan timeout) =>
        WaitUntilAsync(async () => await GetBlockCountAsync() >= height, timeout, $"height {height}");

    private static string HostPort(IPEndPoint endpoint) =>
        endpoint.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]:{endpoint.Port}" : $"{endpoint.Address}:{endpoint.Port}";
}
