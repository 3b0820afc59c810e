using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace ActorNode.Host.Tests;

/// <summary>The console node as a user sees it: real processes on free loopback ports with temporary data
/// directories, talking JSON-RPC over HTTP, stopped with SIGTERM. Regtest (no DNS seeds): nothing leaves 127.0.0.1.</summary>
public sealed class NodeProcessTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("actornode-host-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private string DataDir(string name) => Path.Combine(_root, name);

    [Fact]
    public async Task TwoNodes_ConnectSeeEachOtherInGetPeerInfo_AndStopCleanlyOnSigterm()
    {
        await using var a = NodeProcess.Start(DataDir("a"));
        try
        {
            await a.WaitForRpc();
            await using var b = NodeProcess.Start(DataDir("b"), "--connect", $"127.0.0.1:{a.Port}");
            try
            {
                await b.WaitForRpc();

                // b dialled a: each lists the other, b as inbound at a, a as a manual outbound peer at b.
                JsonNode? atA = null, atB = null;
                await NodeProcess.Eventually(async () =>
                {
                    atA = (await a.Call("getpeerinfo"))!.AsArray().SingleOrDefault();
                    atB = (await b.Call("getpeerinfo"))!.AsArray().SingleOrDefault();
                    return atA is not null && atB is not null;
                }, "the handshake");
                Assert.True(atA!["inbound"]!.GetValue<bool>());
                Assert.False(atB!["inbound"]!.GetValue<bool>());
                Assert.Equal($"127.0.0.1:{a.Port}", atB["addr"]!.GetValue<string>());
                Assert.Equal("manual", atB["connection_type"]!.GetValue<string>());
                Assert.StartsWith("/ActorNode:", atA["subver"]!.GetValue<string>());
                // NODE_NETWORK | NODE_WITNESS | NODE_P2P_V2 | NODE_NETWORK_LIMITED: v2 is on by default (Core).
                Assert.Equal("0000000000000c09", atA["services"]!.GetValue<string>());
                Assert.Equal(70016, atA["version"]!.GetValue<int>());
                // BIP324 between two default nodes: the same session id on both sides (Core's getpeerinfo fields).
                Assert.Equal("v2", atA["transport_protocol_type"]!.GetValue<string>());
                Assert.Equal("v2", atB["transport_protocol_type"]!.GetValue<string>());
                Assert.Matches("^[0-9a-f]{64}$", atA["session_id"]!.GetValue<string>());
                Assert.Equal(atA["session_id"]!.GetValue<string>(), atB["session_id"]!.GetValue<string>());
                // Per-message byte counts (bitcoind): over v2 a verack is a long-form packet, 3 + 1 + 13 + 16 bytes.
                Assert.True(atB["bytessent_per_msg"]!["version"]!.GetValue<long>() > 24);
                Assert.Equal(33, atB["bytesrecv_per_msg"]!["verack"]!.GetValue<long>());
                Assert.Equal(1, (await a.Call("getconnectioncount"))!.GetValue<int>());
                var info = (await b.Call("getnetworkinfo"))!;
                Assert.Equal(1, info["connections_out"]!.GetValue<int>());
                var added = Assert.Single((await b.Call("getaddednodeinfo"))!.AsArray())!;
                Assert.True(added["connected"]!.GetValue<bool>());
                var totals = (await b.Call("getnettotals"))!;
                Assert.True(totals["totalbytessent"]!.GetValue<long>() > 0);

                // ping: the round trip shows up in getpeerinfo, in seconds.
                await b.Call("ping");
                await NodeProcess.Eventually(async () =>
                    (await b.Call("getpeerinfo"))!.AsArray().Single()!["pingtime"] is JsonValue v && v.GetValue<double>() is > 0 and < 30,
                    "a ping time");

                // SIGTERM: both exit 0 quickly, having saved the address book and removed the cookie.
                a.Terminate();
                b.Terminate();
                Assert.Equal(0, await a.WaitForExit());
                Assert.Equal(0, await b.WaitForExit());
                foreach (var node in new[] { a, b })
                {
                    Assert.True(File.Exists(Path.Combine(node.DataDir, "peers.json")), node.Output);
                    Assert.False(File.Exists(Path.Combine(node.DataDir, ".cookie")));
                    Assert.Contains("Stopped", node.Output);
                    Assert.DoesNotContain(" ERR ", node.Output);
                    Assert.True(Directory.EnumerateFiles(Path.Combine(node.DataDir, "logs"), "actornode-*.log").Any());
                }
            }
            finally
            {
                output.WriteLine("--- b ---\n" + b.Output);
            }
        }
        finally
        {
            output.WriteLine("--- a ---\n" + a.Output);
        }
    }

    [Fact]
    public async Task Rpc_AsBitcoindAnswersIt_ThenStopEndsTheNode()
    {
        int metricsPort = NodeProcess.FreePort();
        await using var node = NodeProcess.Start(DataDir("rpc"), "--metrics", $"127.0.0.1:{metricsPort}");
        try
        {
            await node.WaitForRpc();

            // The Prometheus endpoint shows the meter's instruments.
            using (var http = new HttpClient())
            {
                var metrics = await http.GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics");
                Assert.Contains("# TYPE actornode_peers gauge", metrics);
                Assert.Contains("actornode_peers{direction=\"inbound\"} 0", metrics);
                Assert.Contains("# TYPE actornode_net_bytes_sent_total counter", metrics);
            }

            // No credentials, or wrong ones: 401.
            var (status, _) = await node.Post("""{"method":"uptime","id":1}""", authenticate: false);
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            (status, _) = await node.Post("""{"method":"uptime","id":1}""",
                new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("__cookie__:wrong"))));
            Assert.Equal(HttpStatusCode.Unauthorized, status);

            // Malformed JSON: -32700; an unknown method: -32601.
            (status, var body) = await node.Post("{\"method\":");
            Assert.Equal(HttpStatusCode.InternalServerError, status);
            Assert.Equal(-32700, JsonNode.Parse(body)!["error"]!["code"]!.GetValue<int>());
            (status, body) = await node.Post("""{"method":"getwalletinfo","id":1}""");
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Equal(-32601, JsonNode.Parse(body)!["error"]!["code"]!.GetValue<int>());

            // A batch.
            (status, body) = await node.Post("""[{"method":"getconnectioncount","id":1},{"method":"nope","id":2},{"jsonrpc":"2.0","method":"uptime","id":3}]""");
            Assert.Equal(HttpStatusCode.OK, status);
            var replies = JsonNode.Parse(body)!.AsArray();
            Assert.Equal(3, replies.Count);
            Assert.Equal(0, replies[0]!["result"]!.GetValue<int>());
            Assert.Equal(-32601, replies[1]!["error"]!["code"]!.GetValue<int>());
            Assert.Equal("2.0", replies[2]!["jsonrpc"]!.GetValue<string>());

            // Bans: setban, listbanned, the already-banned error, clearbanned; banlist.json is written.
            await node.Call("setban", "192.0.2.9", "add", 3600);
            var ban = Assert.Single((await node.Call("listbanned"))!.AsArray())!;
            Assert.Equal("192.0.2.9/32", ban["address"]!.GetValue<string>());
            Assert.Equal(3600, ban["ban_duration"]!.GetValue<long>());
            (_, body) = await node.Post("""{"method":"setban","params":["192.0.2.9","add"],"id":1}""");
            Assert.Equal(-23, JsonNode.Parse(body)!["error"]!["code"]!.GetValue<int>());
            await NodeProcess.Eventually(() => Task.FromResult(File.Exists(Path.Combine(node.DataDir, "banlist.json"))), "banlist.json");
            await node.Call("clearbanned");
            await NodeProcess.Eventually(async () => (await node.Call("listbanned"))!.AsArray().Count == 0, "the ban to go");

            // addnode / disconnectnode errors as bitcoind's.
            (_, body) = await node.Post("""{"method":"addnode","params":["192.0.2.1:18444","remove"],"id":1}""");
            Assert.Equal(-24, JsonNode.Parse(body)!["error"]!["code"]!.GetValue<int>());
            (_, body) = await node.Post("""{"method":"disconnectnode","params":["192.0.2.1:18444"],"id":1}""");
            Assert.Equal(-29, JsonNode.Parse(body)!["error"]!["code"]!.GetValue<int>());

            // The built-in client reads the cookie from the data directory.
            var client = CliRunner.Run("rpc", "--datadir", node.DataDir, "--rpcconnect", $"127.0.0.1:{node.RpcPort}", "getconnectioncount");
            Assert.Equal((0, "0\n"), (client.ExitCode, client.Stdout));
            client = CliRunner.Run("rpc", "--datadir", node.DataDir, "--rpcconnect", $"127.0.0.1:{node.RpcPort}", "nope");
            Assert.Equal(1, client.ExitCode);
            Assert.Equal("error code: -32601\nerror message:\nMethod not found\n", client.Stderr);

            // stop answers, then the node exits 0.
            Assert.Equal("ActorNode stopping", (await node.Call("stop"))!.GetValue<string>());
            Assert.Equal(0, await node.WaitForExit());
            Assert.False(File.Exists(Path.Combine(node.DataDir, ".cookie")));
        }
        finally
        {
            output.WriteLine(node.Output);
        }
    }

    [Theory]
    [InlineData("error: --maxpeers: -5 is out of range (0 to 100000)", "--maxpeers", "-5")]
    [InlineData("error: --network: unknown network 'moonnet' (mainnet, testnet3, testnet4, signet, regtest)", "--network", "moonnet")]
    [InlineData("error: --listen: '127.0.0.1:x' has an invalid port 'x' (1 to 65535)", "--listen", "127.0.0.1:x")]
    public async Task ConfigurationError_TheProgramPrintsOneLine_AndExits2(string expected, params string[] args)
    {
        var text = new StringBuilder();
        using var process = NodeProcess.StartProgram(["run", "--datadir", DataDir("bad"), .. args], text);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        process.WaitForExit(); // drains the redirected streams
        Assert.Equal(2, process.ExitCode);
        Assert.Equal("stderr: " + expected + Environment.NewLine, text.ToString());
        Assert.False(Directory.Exists(DataDir("bad"))); // nothing was started or created
    }

    [Fact]
    public async Task PeerPortInUse_TheNodeRefusesToStart()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        await using var node = NodeProcess.Start(DataDir("busy"), "--listen", $"127.0.0.1:{port}");
        int exit = await node.WaitForExit();
        Assert.True(exit == 1, $"exited with {exit}:\n{node.Output}");
        Assert.Contains($"stderr: error: --listen: cannot listen on 127.0.0.1:{port}", node.Output);
        Assert.False(File.Exists(Path.Combine(node.DataDir, ".cookie")));
    }

    [Fact]
    public async Task ASecondSignal_EndsTheProcessAtOnce()
    {
        // Many blocks to store make the clean stop take a moment; the second SIGTERM must not wait for it.
        await using var node = NodeProcess.Start(DataDir("twice"));
        await node.WaitForRpc();
        await node.Call("generate", 50);
        node.Terminate();
        node.Terminate();
        var stopped = System.Diagnostics.Stopwatch.StartNew();
        int code = await node.WaitForExit();
        output.WriteLine($"exit {code} after {stopped.ElapsedMilliseconds} ms\n{node.Output}");
        // Either the clean stop won the race (0) or the second signal ended the runtime (128 + SIGTERM).
        Assert.Contains(code, new[] { 0, 143 });
        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(10));
        // What was durable stays durable: the blocks are there on the next start.
        await using var again = NodeProcess.Start(DataDir("twice"));
        await again.WaitForRpc();
        Assert.Equal(50, (await again.Call("getblockcount"))!.GetValue<int>());
        again.Terminate();
        Assert.Equal(0, await again.WaitForExit());
    }

    [Fact]
    public async Task DataDirectoryInUse_SecondNodeRefusesToStart()
    {
        await using var first = NodeProcess.Start(DataDir("shared"));
        await first.WaitForRpc();
        await using var second = NodeProcess.Start(DataDir("shared"));
        int secondExit = await second.WaitForExit();
        Assert.True(secondExit == 1, $"second exited with {secondExit}:\n{second.Output}");
        Assert.Contains("is in use by another actornode", second.Output);
        first.Terminate();
        int firstExit = await first.WaitForExit();
        Assert.True(firstExit == 0, $"first exited with {firstExit}:\n{first.Output}");
    }
}
