using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using BadHttpRequestException = Microsoft.AspNetCore.Http.BadHttpRequestException;
using ILogger = Serilog.ILogger;

namespace ActorNode.Host.Rpc;

/// <summary>The JSON-RPC HTTP server on Kestrel (ASP.NET Core's server, from the <c>Microsoft.AspNetCore.App</c>
/// shared framework; docs/rpc.md "Server" says why not <c>HttpListener</c>). POST only, basic authentication first
/// (401 with <c>WWW-Authenticate</c> and a 250 ms pause on a wrong password, as bitcoind), a 32 MiB body limit, then
/// <see cref="RpcDispatcher"/>. Each request is handled on the thread pool; nothing here runs inside an actor.</summary>
internal sealed class RpcServer : IAsyncDisposable
{
    private const int MaxBodyBytes = 32 * 1024 * 1024;
    private static readonly ILogger Log = Serilog.Log.ForContext<RpcServer>();

    private readonly WebApplication _app;
    private readonly RpcAuth _auth;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<RpcDispatcher> _dispatcher = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Binds the endpoints now (so a port in use is found before the node starts: a
    /// <see cref="SocketException"/>); requests are answered once <see cref="Serve"/> is called.</summary>
    public RpcServer(IReadOnlyList<IPEndPoint> endpoints, RpcAuth auth)
    {
        _auth = auth;
        _app = LoopbackHttpServer.Start(endpoints, Handle, MaxBodyBytes, Serilog.Log.ForContext<RpcServer>());
        Endpoints = endpoints;
    }

    public IReadOnlyList<IPEndPoint> Endpoints { get; }

    public void Serve(RpcDispatcher dispatcher) => _dispatcher.TrySetResult(dispatcher);

    private async Task Handle(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        try
        {
            // Until Serve, requests wait (as they waited in HttpListener's queue before the accept loop ran).
            var dispatcher = await _dispatcher.Task.WaitAsync(_stopping.Token).ConfigureAwait(false);
            string? authorization = request.Headers.Authorization is { Count: > 0 } header ? header.ToString() : null;
            if (!_auth.Accepts(authorization))
            {
                if (authorization is not null)
                {
                    var remote = context.Connection.RemoteIpAddress is { } address ? new IPEndPoint(address, context.Connection.RemotePort) : null;
                    Log.Warning("RPC request from {Remote} with wrong credentials", remote);
                    await Task.Delay(250, _stopping.Token).ConfigureAwait(false); // bitcoind: slows down guessing
                }
                response.Headers.WWWAuthenticate = "Basic realm=\"jsonrpc\"";
                await Write(response, HttpStatusCode.Unauthorized, null).ConfigureAwait(false);
                return;
            }
            if (!HttpMethods.IsPost(request.Method))
            {
                await Write(response, HttpStatusCode.MethodNotAllowed, "JSONRPC server handles only POST requests", "text/plain").ConfigureAwait(false);
                return;
            }
            if (request.ContentLength > MaxBodyBytes)
            {
                await Write(response, HttpStatusCode.RequestEntityTooLarge, null).ConfigureAwait(false);
                return;
            }
            string body;
            // A body without Content-Length (chunked) is cut off by Kestrel's MaxRequestBodySize (the same limit).
            using (var reader = new StreamReader(request.Body, Encoding.UTF8))
                body = await reader.ReadToEndAsync(_stopping.Token).ConfigureAwait(false);
            var reply = await dispatcher.HandleAsync(body, _stopping.Token).ConfigureAwait(false);
            await Write(response, reply.Status, reply.Body).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge && !response.HasStarted)
        {
            await Write(response, HttpStatusCode.RequestEntityTooLarge, null).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            context.Abort();
        }
    }

    private static async Task Write(HttpResponse response, HttpStatusCode status, string? body, string contentType = "application/json")
    {
        response.StatusCode = (int)status;
        if (body is null)
        {
            if (status != HttpStatusCode.NoContent) response.ContentLength = 0;
            return;
        }
        var bytes = Encoding.UTF8.GetBytes(body + "\n");
        response.ContentType = contentType;
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes).ConfigureAwait(false);
    }

    /// <summary>Stops accepting requests, lets those under way finish for a moment (2 s), and closes.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        await LoopbackHttpServer.StopAsync(_app, _stopping).ConfigureAwait(false);
        _stopping.Dispose();
    }
}

/// <summary>The minimal Kestrel setup shared by <see cref="RpcServer"/> and the Prometheus endpoint: HTTP/1.1 on
/// exactly the given endpoints (no <c>ASPNETCORE_URLS</c>, no HTTPS, no <c>Server</c> header), no signal handling
/// of its own (NodeHost handles SIGINT/SIGTERM), and no logging of its own: Microsoft.Extensions.Logging is cleared
/// and Kestrel's warnings and errors go to Serilog under the owner's source context.</summary>
internal static class LoopbackHttpServer
{
    private static readonly TimeSpan DrainTime = TimeSpan.FromSeconds(2);

    /// <summary>Starts listening now. A bind failure is thrown as the <see cref="SocketException"/> under Kestrel's
    /// IOException (e.g. "Address already in use"), as HttpListener threw it, so callers report it the same way.</summary>
    public static WebApplication Start(IEnumerable<IPEndPoint> endpoints, RequestDelegate handler, long? maxBodyBytes, ILogger log)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = "actornode",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddProvider(new SerilogForwarder(log));
        // The generic host logs a failed start with the whole stack; the caller reports that failure in one line.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.Services.AddSingleton<IHostLifetime, SilentLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = DrainTime);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = maxBodyBytes;
            foreach (var endpoint in endpoints)
                kestrel.Listen(endpoint, listen => listen.Protocols = HttpProtocols.Http1);
        });
        var app = builder.Build();
        app.Run(handler);
        try
        {
            app.StartAsync().GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            ((IDisposable)app).Dispose();
            for (var inner = e; inner is not null; inner = inner.InnerException)
                if (inner is SocketException socket) throw socket;
            throw;
        }
        return app;
    }

    /// <summary>Stops accepting, gives requests under way <see cref="DrainTime"/>, then cancels them and closes.</summary>
    public static async Task StopAsync(WebApplication app, CancellationTokenSource stopping)
    {
        using (var drain = new CancellationTokenSource(DrainTime))
        {
            try { await app.StopAsync(drain.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
        await stopping.CancelAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Waits for nothing and listens for no signal (the default console lifetime would take SIGINT/SIGTERM).</summary>
    private sealed class SilentLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Microsoft.Extensions.Logging to Serilog, Warning and above only, as one line with the category.</summary>
    private sealed class SerilogForwarder(ILogger log) : ILoggerProvider
    {
        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => new Forwarder(log, categoryName);
        public void Dispose() { }

        private sealed class Forwarder(ILogger log, string category) : Microsoft.Extensions.Logging.ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && logLevel != LogLevel.None;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (!IsEnabled(logLevel)) return;
                var level = logLevel switch
                {
                    LogLevel.Warning => LogEventLevel.Warning,
                    LogLevel.Error => LogEventLevel.Error,
                    _ => LogEventLevel.Fatal,
                };
                log.Write(level, exception, "{Category}: {Message}", category, formatter(state, exception));
            }
        }
    }
}
