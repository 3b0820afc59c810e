using System.Diagnostics.Metrics;
using ActorNode.P2P.AddrBook;
using ActorNode.P2P.Connections;
using Akka.Actor;
using Serilog;

namespace ActorNode.Host.Metrics;

/// <summary>The node's <see cref="System.Diagnostics.Metrics"/> instruments (meter <c>ActorNode</c>): peer counts,
/// bytes sent and received, bans, address book size, RPC calls. The actors are not asked from inside an observable
/// callback (those must not block): a sampler asks them every <see cref="Interval"/> and the instruments report the
/// last sample. Sync: block and header heights, blocks per second, peers downloading. Peers: bytes per message type
/// and the send queues' depth (actor mailboxes are not measured).</summary>
internal sealed class NodeMetrics : IAsyncDisposable
{
    public const string MeterName = "ActorNode";
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private static readonly ILogger Log = Serilog.Log.ForContext<NodeMetrics>();

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _rpcCalls;
    private readonly IActorRef _connManager;
    private readonly IActorRef _addrBook;
    private readonly IActorRef _sync;
    private readonly NetTotals _totals;
    private readonly CancellationTokenSource _stop = new();
    private Task? _sampler;
    private volatile Sample _last = new(0, 0, 0, 0, 0);
    private volatile PeerTraffic _traffic = new([], 0, 0);
    private volatile SyncSample _syncSample = new(0, 0, 0, 0);

    private sealed record Sample(int Inbound, int Outbound, int Bans, int AddressesNew, int AddressesTried);

    private sealed record PeerTraffic(IReadOnlyList<(string Direction, string Command, long Bytes)> PerMessage, int QueuedFrames, long QueuedBytes);

    private sealed record SyncSample(int Height, int Headers, double BlocksPerSecond, int PeersDownloading);

    public NodeMetrics(IActorRef connManager, IActorRef addrBook, IActorRef sync, NetTotals totals)
    {
        _connManager = connManager;
        _addrBook = addrBook;
        _sync = sync;
        _totals = totals;
        _meter.CreateObservableGauge("actornode.sync.height", () => new[]
        {
            new Measurement<int>(_syncSample.Height, new KeyValuePair<string, object?>("chain", "blocks")),
            new Measurement<int>(_syncSample.Headers, new KeyValuePair<string, object?>("chain", "headers")),
        }, "{block}", "Height of the best block chain and of the best header chain.");
        _meter.CreateObservableGauge("actornode.sync.blocks_per_second", () => _syncSample.BlocksPerSecond, "{block}/s", "Blocks connected per second, recently.");
        _meter.CreateObservableGauge("actornode.sync.peers_downloading", () => _syncSample.PeersDownloading, "{peer}", "Peers with blocks in flight.");

        _meter.CreateObservableGauge("actornode.peers", () => new[]
        {
            new Measurement<int>(_last.Inbound, new KeyValuePair<string, object?>("direction", "inbound")),
            new Measurement<int>(_last.Outbound, new KeyValuePair<string, object?>("direction", "outbound")),
        }, "{peer}", "Peers that completed the handshake.");
        _meter.CreateObservableCounter("actornode.net.bytes_sent", () => _totals.Totals.Sent, "By", "Bytes sent to peers since start.");
        _meter.CreateObservableCounter("actornode.net.bytes_received", () => _totals.Totals.Received, "By", "Bytes received from peers since start.");
        _meter.CreateObservableGauge("actornode.bans", () => _last.Bans, "{address}", "Addresses banned now.");
        _meter.CreateObservableGauge("actornode.addrbook.addresses", () => new[]
        {
            new Measurement<int>(_last.AddressesNew, new KeyValuePair<string, object?>("table", "new")),
            new Measurement<int>(_last.AddressesTried, new KeyValuePair<string, object?>("table", "tried")),
        }, "{address}", "Addresses in the address book.");
        _meter.CreateObservableGauge("actornode.peers.message_bytes", () => _traffic.PerMessage.Select(m => new Measurement<long>(m.Bytes,
            new KeyValuePair<string, object?>("direction", m.Direction), new KeyValuePair<string, object?>("command", m.Command))),
            "By", "Bytes sent and received per message type by the peers connected now (getpeerinfo bytessent_per_msg).");
        _meter.CreateObservableGauge("actornode.peers.send_queue", () => new[]
        {
            new Measurement<long>(_traffic.QueuedFrames, new KeyValuePair<string, object?>("unit", "frames")),
            new Measurement<long>(_traffic.QueuedBytes, new KeyValuePair<string, object?>("unit", "bytes")),
        }, "{item}", "Frames and bytes waiting in the peers' bounded send queues.");
        _rpcCalls = _meter.CreateCounter<long>("actornode.rpc.calls", "{call}", "RPC calls answered.");
    }

    public void RpcCalled(string method) => _rpcCalls.Add(1, new KeyValuePair<string, object?>("method", method));

    public void Start() => _sampler = Task.Run(SampleLoop);

    private static PeerTraffic Traffic(IReadOnlyList<ActorNode.P2P.Peers.PeerStats> peers)
    {
        var sums = new Dictionary<(string, string), long>();
        foreach (var peer in peers)
        {
            foreach (var (command, bytes) in peer.BytesSentPerMessage ?? new Dictionary<string, long>())
                sums[("sent", command)] = sums.GetValueOrDefault(("sent", command)) + bytes;
            foreach (var (command, bytes) in peer.BytesReceivedPerMessage ?? new Dictionary<string, long>())
                sums[("received", command)] = sums.GetValueOrDefault(("received", command)) + bytes;
        }
        return new PeerTraffic([.. sums.Select(s => (s.Key.Item1, s.Key.Item2, s.Value))],
            peers.Sum(p => p.SendQueueFrames), peers.Sum(p => p.SendQueueBytes));
    }

    private async Task SampleLoop()
    {
        var timeout = TimeSpan.FromSeconds(4);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var count = await _connManager.Ask<ConnectionCount>(GetConnectionCount.Instance, timeout, _stop.Token).ConfigureAwait(false);
                var bans = await _connManager.Ask<BanListAnswer>(GetBanList.Instance, timeout, _stop.Token).ConfigureAwait(false);
                var book = await _addrBook.Ask<AddrBookStats>(GetAddrBookStats.Instance, timeout, _stop.Token).ConfigureAwait(false);
                var peers = await _connManager.Ask<PeerInfoList>(GetPeerInfo.Instance, timeout, _stop.Token).ConfigureAwait(false);
                _totals.Observe(peers.Peers);
                _traffic = Traffic(peers.Peers);
                _last = new Sample(count.Inbound, count.Outbound, bans.Bans.Count, book.New, book.Tried);
                var progress = await _sync.Ask<ActorNode.Sync.SyncProgress>(ActorNode.P2P.Sync.GetSyncProgress.Instance, timeout, _stop.Token).ConfigureAwait(false);
                _syncSample = new SyncSample(progress.Height, progress.BestHeaderHeight, progress.BlocksPerSecond, progress.PeersDownloading);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is AskTimeoutException or OperationCanceledException or ActorNotFoundException)
            {
                Log.Debug("Metrics sample skipped: {Reason}", e.Message);
            }
            try
            {
                await Task.Delay(Interval, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_sampler is not null) await _sampler.ConfigureAwait(false);
        _meter.Dispose();
        _stop.Dispose();
    }
}
