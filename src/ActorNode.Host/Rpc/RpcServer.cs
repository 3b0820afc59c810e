using System.Net;
using System.Text;
using Serilog;

namespace ActorNode.Host.Rpc;

/// <summary>The JSON-RPC HTTP server on <see cref="HttpListener"/> (in the base runtime, so the node needs no
/// ASP.NET; docs/rpc.md). POST only, basic authentication first (401 with <c>WWW-Authenticate</c> and a 250 ms
/// pause on a wrong password, as bitcoind), a 32 MiB body limit, then <see cref="RpcDispatcher"/>. Each request is
/// handled on the thread pool; nothing here runs inside an actor.</summary>
internal sealed class RpcServer : IAsyncDisposable
{
    private const int MaxBodyBytes = 32 * 1024 * 1024;
    private static readonly ILogger Log = Serilog.Log.ForContext<RpcServer>();

    private readonly HttpListener _listener = new();
    private readonly RpcAuth _auth;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _running = [];
    private Task? _loop;

    /// <summary>Binds the endpoints now (so a port in use is found before the node starts); requests are answered
    /// once <see cref="Serve"/> is called.</summary>
    public RpcServer(IReadOnlyList<IPEndPoint> endpoints, RpcAuth auth)
    {
        _auth = auth;
        foreach (var endpoint in endpoints)
        {
            string host = endpoint.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
                ? $"[{endpoint.Address}]" : endpoint.Address.ToString();
            _listener.Prefixes.Add($"http://{host}:{endpoint.Port}/");
        }
        _listener.IgnoreWriteExceptions = true;
        _listener.Start();
        Endpoints = endpoints;
    }

    public IReadOnlyList<IPEndPoint> Endpoints { get; }

    public void Serve(RpcDispatcher dispatcher)
    {
        _loop = Task.Run(() => AcceptLoop(dispatcher));
    }

    private async Task AcceptLoop(RpcDispatcher dispatcher)
    {
        while (!_stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                break; // stopped
            }
            var task = Task.Run(() => Handle(context, dispatcher));
            lock (_running)
            {
                _running.RemoveAll(t => t.IsCompleted);
                _running.Add(task);
            }
        }
    }

    private async Task Handle(HttpListenerContext context, RpcDispatcher dispatcher)
    {
        var response = context.Response;
        try
        {
            var request = context.Request;
            if (!_auth.Accepts(request.Headers["Authorization"]))
            {
                if (request.Headers["Authorization"] is not null)
                {
                    Log.Warning("RPC request from {Remote} with wrong credentials", request.RemoteEndPoint);
                    await Task.Delay(250, _stopping.Token).ConfigureAwait(false); // bitcoind: slows down guessing
                }
                response.AddHeader("WWW-Authenticate", "Basic realm=\"jsonrpc\"");
                await Write(response, HttpStatusCode.Unauthorized, null).ConfigureAwait(false);
                return;
            }
            if (request.HttpMethod != "POST")
            {
                await Write(response, HttpStatusCode.MethodNotAllowed, "JSONRPC server handles only POST requests", "text/plain").ConfigureAwait(false);
                return;
            }
            if (request.ContentLength64 > MaxBodyBytes)
            {
                await Write(response, HttpStatusCode.RequestEntityTooLarge, null).ConfigureAwait(false);
                return;
            }
            string body;
            using (var reader = new StreamReader(new LimitedStream(request.InputStream, MaxBodyBytes), Encoding.UTF8))
                body = await reader.ReadToEndAsync(_stopping.Token).ConfigureAwait(false);
            var reply = await dispatcher.HandleAsync(body, _stopping.Token).ConfigureAwait(false);
            await Write(response, reply.Status, reply.Body).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or HttpListenerException or OperationCanceledException or ObjectDisposedException)
        {
            try { response.Abort(); } catch (ObjectDisposedException) { }
        }
    }

    private static async Task Write(HttpListenerResponse response, HttpStatusCode status, string? body, string contentType = "application/json")
    {
        response.StatusCode = (int)status;
        if (body is null)
        {
            response.ContentLength64 = 0;
            response.Close();
            return;
        }
        var bytes = Encoding.UTF8.GetBytes(body + "\n");
        response.ContentType = contentType;
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
        response.Close();
    }

    /// <summary>Stops accepting requests, lets those under way finish for a moment, and closes.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        try { _listener.Stop(); } catch (ObjectDisposedException) { }
        Task[] running;
        lock (_running) running = [.. _running];
        await Task.WhenAny(Task.WhenAll(running), Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null) await Task.WhenAny(_loop, Task.Delay(TimeSpan.FromSeconds(1))).ConfigureAwait(false);
        _listener.Close();
        _stopping.Dispose();
    }

    /// <summary>Refuses to read past a limit (a body without Content-Length could otherwise be endless).</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long _read;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        private int Count(int n)
        {
            _read += n;
            if (_read > limit) throw new IOException("request body too large");
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
