using System.Globalization;
using ActorNode.P2P.Connections;
using ActorNode.P2P.Sync;
using ActorNode.Sync;
using Akka.Actor;
using Serilog;

namespace ActorNode.Host.Node;

/// <summary>The sync progress a person reads while the node catches up: on a terminal, one line rewritten in place
/// every second (<c>sync 1,234/5,000 (24.7 %) · 345 blocks/s · ETA 0:00:11 · 3 peers</c>); otherwise (output
/// redirected, a service) a log line every 10 seconds. Quiet when the best block is the best header.</summary>
internal sealed class ProgressReporter : IAsyncDisposable
{
    private static readonly ILogger Log = Serilog.Log.ForContext<ProgressReporter>();
    private readonly IActorRef _sync;
    private readonly IActorRef _connManager;
    private readonly TextWriter _terminal;
    private readonly bool _interactive;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private bool _lineOpen;

    public ProgressReporter(IActorRef sync, IActorRef connManager, TextWriter terminal, bool interactive)
    {
        _sync = sync;
        _connManager = connManager;
        _terminal = terminal;
        _interactive = interactive;
    }

    public void Start() => _loop = Task.Run(Loop);

    /// <summary>The line a person sees; pure, for tests.</summary>
    public static string Format(SyncProgress progress, int peers)
    {
        var c = CultureInfo.InvariantCulture;
        string eta = progress.EstimatedTimeLeft is { } left
            ? string.Create(c, $"ETA {(int)left.TotalHours}:{left.Minutes:00}:{left.Seconds:00}") : "ETA unknown";
        return string.Create(c, $"sync {progress.Height:N0}/{progress.BestHeaderHeight:N0} ({progress.Fraction * 100:0.0} %) · ") +
               string.Create(c, $"{progress.BlocksPerSecond:N0} blocks/s · {eta} · {peers} peer{(peers == 1 ? "" : "s")}");
    }

    private async Task Loop()
    {
        var interval = _interactive ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(10);
        var timeout = TimeSpan.FromSeconds(4);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, _stop.Token).ConfigureAwait(false);
                var progress = await _sync.Ask<SyncProgress>(GetSyncProgress.Instance, timeout, _stop.Token).ConfigureAwait(false);
                var peers = await _connManager.Ask<ConnectionCount>(GetConnectionCount.Instance, timeout, _stop.Token).ConfigureAwait(false);
                bool syncing = progress.Height < progress.BestHeaderHeight;
                if (!syncing)
                {
                    if (_lineOpen) EndLine();
                    continue;
                }
                if (_interactive)
                {
                    _terminal.Write("\r" + Format(progress, peers.Total).PadRight(79));
                    _terminal.Flush();
                    _lineOpen = true;
                }
                else
                {
                    Log.Information("Sync: height {Height}/{Headers} ({Percent:0.0} %), {Rate:0} blocks/s, ETA {Eta}, {Peers} peers",
                        progress.Height, progress.BestHeaderHeight, progress.Fraction * 100, progress.BlocksPerSecond,
                        progress.EstimatedTimeLeft, peers.Total);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is AskTimeoutException or OperationCanceledException or ActorNotFoundException)
            {
                // The node is busy or stopping: skip this sample.
            }
        }
        if (_lineOpen) EndLine();
    }

    private void EndLine()
    {
        _terminal.WriteLine();
        _terminal.Flush();
        _lineOpen = false;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null) await _loop;
        _stop.Dispose();
    }
}
