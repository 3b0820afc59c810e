using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using ActorNode.Host.Rpc;

namespace ActorNode.Host.Tests.Rpc;

/// <summary>The JSON-RPC server over real HTTP on 127.0.0.1 (docs/rpc.md "Server").</summary>
public sealed class RpcServerTests
{
    private const string User = "user";
    private const string Password = "secret";

    private static RpcDispatcher Dispatcher()
    {
        var table = new RpcMethodTable();
        table.Register(new RpcMethod("echo", "Test", ["text"], "echo \"text\"", (p, _) => Task.FromResult<JsonNode?>(p.GetString(0))));
        return new RpcDispatcher(table);
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private static HttpClient Client(int port, string user = User, string password = Password)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return client;
    }

    private static (RpcServer Server, int Port) Start()
    {
        int port = FreePort();
        var server = new RpcServer([new IPEndPoint(IPAddress.Loopback, port)], new RpcAuth(User, Password));
        server.Serve(Dispatcher());
        return (server, port);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>Regression: System.Net.HttpListener's managed implementation threw ArgumentNullException from
    /// HttpListener.Start() (HttpEndPointListener's constructor completes its first accept synchronously and locks
    /// on a field not yet set) when a client connected at the moment the listener started, as a bitcoin-cli polling
    /// a restarting node does. Each start here races a client that connects and closes in a tight loop.</summary>
    [Fact]
    public async Task Start_WhileClientsConnectInTightLoop_StartsAndAnswers()
    {
        for (int round = 0; round < 20; round++)
        {
            int port = FreePort();
            using var stop = new CancellationTokenSource();
            long attempts = 0;
            var hammer = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    using var client = new TcpClient(AddressFamily.InterNetwork);
                    try
                    {
                        await client.ConnectAsync(IPAddress.Loopback, port, stop.Token);
                    }
                    catch (Exception e) when (e is SocketException or OperationCanceledException)
                    {
                    }
                    Interlocked.Increment(ref attempts);
                }
            });
            while (Interlocked.Read(ref attempts) == 0) await Task.Yield(); // the hammer is running before we bind

            var server = new RpcServer([new IPEndPoint(IPAddress.Loopback, port)], new RpcAuth(User, Password));
            await using (server)
            {
                server.Serve(Dispatcher());
                using var http = Client(port);
                using var response = await http.PostAsync("", Json("""{"method":"echo","params":["hi"],"id":1}"""));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                Assert.Equal("hi", body["result"]!.GetValue<string>());
            }
            await stop.CancelAsync();
            await hammer;
        }
    }

    [Fact]
    public async Task Post_WithCredentials_ReturnsDispatcherReplyWithTrailingNewline()
    {
        var (server, port) = Start();
        await using var _ = server;
        using var http = Client(port);
        using var response = await http.PostAsync("", Json("""{"method":"echo","params":["x"],"id":3}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.EndsWith("}\n", text);
        Assert.Equal(3, JsonNode.Parse(text)!["id"]!.GetValue<int>());
    }

    [Fact]
    public async Task Post_UnknownMethod_UsesDispatcherStatus404()
    {
        var (server, port) = Start();
        await using var _ = server;
        using var http = Client(port);
        using var response = await http.PostAsync("", Json("""{"method":"nope","id":1}"""));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(-32601, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Post_Notification_Is204WithoutBody()
    {
        var (server, port) = Start();
        await using var _ = server;
        using var http = Client(port);
        using var response = await http.PostAsync("", Json("""{"jsonrpc":"2.0","method":"echo","params":["x"]}"""));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Get_WithCredentials_Is405()
    {
        var (server, port) = Start();
        await using var _ = server;
        using var http = Client(port);
        using var response = await http.GetAsync("");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("JSONRPC server handles only POST requests\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_WithoutCredentials_Is401BeforeMethodCheck()
    {
        var (server, port) = Start();
        await using var _ = server;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        using var response = await http.GetAsync("");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic realm=\"jsonrpc\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Post_WrongPassword_Is401WithChallenge()
    {
        var (server, port) = Start();
        await using var _ = server;
        using var http = Client(port, password: "wrong");
        using var response = await http.PostAsync("", Json("""{"method":"echo","params":["x"],"id":1}"""));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic realm=\"jsonrpc\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>Sends raw request bytes (headers, then <paramref name="body"/> in the background, ignoring a
    /// server that closes before it is all sent) and returns the status line of the answer.</summary>
    private static async Task<string> RawStatusLine(int port, string head, Func<Stream, Task>? body = null)
    {
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"));
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.Replace("{auth}", credentials)));
        var sending = body is null ? Task.CompletedTask : Task.Run(async () =>
        {
            try { await body(stream); }
            catch (IOException) { }
        });
        using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
        var statusLine = await reader.ReadLineAsync() ?? "";
        client.Client.Shutdown(SocketShutdown.Both);
        await sending;
        return statusLine;
    }

    [Fact]
    public async Task Post_DeclaredBodyOver32MiB_Is413()
    {
        var (server, port) = Start();
        await using var _ = server;
        var status = await RawStatusLine(port,
            "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic {auth}\r\nContent-Length: 33554433\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 413", status);
    }

    [Fact]
    public async Task Post_ChunkedBodyOver32MiB_Is413()
    {
        var (server, port) = Start();
        await using var _ = server;
        var status = await RawStatusLine(port,
            "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic {auth}\r\nTransfer-Encoding: chunked\r\n\r\n",
            async stream =>
            {
                var chunk = new byte[1024 * 1024];
                Array.Fill(chunk, (byte)' ');
                for (int i = 0; i < 33; i++)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"{chunk.Length:x}\r\n"));
                    await stream.WriteAsync(chunk);
                    await stream.WriteAsync("\r\n"u8.ToArray());
                }
                await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
            });
        Assert.StartsWith("HTTP/1.1 413", status);
    }

    [Fact]
    public void Constructor_PortInUse_ThrowsSocketException()
    {
        var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        try
        {
            int port = ((IPEndPoint)holder.LocalEndpoint).Port;
            var e = Assert.Throws<SocketException>(() => new RpcServer([new IPEndPoint(IPAddress.Loopback, port)], new RpcAuth(User, Password)));
            Assert.Equal(SocketError.AddressAlreadyInUse, e.SocketErrorCode);
        }
        finally
        {
            holder.Stop();
        }
    }
}
