using System.Net;

namespace ActorNode.Connections.Requests;

/// <summary>The state of a connection request (btcd connmgr ConnState).</summary>
public enum ConnState
{
    Pending,
    Failing,
    Canceled,
    Established,
    Disconnected,
}

/// <summary>One outbound connection request (btcd connmgr ConnReq): an id from a counter, the address, whether it is
/// permanent (<c>--connect</c>, <c>--addnode</c>: redialled forever) and its retry count.</summary>
public sealed class ConnRequest(long id, IPEndPoint address, bool permanent)
{
    public long Id { get; } = id;
    public IPEndPoint Address { get; } = address;
    public bool Permanent { get; } = permanent;
    public ConnState State { get; internal set; } = ConnState.Pending;
    public int RetryCount { get; internal set; }

    public override string ToString() => $"{Id} ({Address}, {State}{(Permanent ? ", permanent" : "")})";
}

/// <summary>What the connection manager must do next.</summary>
public abstract record ConnAction
{
    /// <summary>Dial the request's address now.</summary>
    public sealed record Dial(ConnRequest Request) : ConnAction;

    /// <summary>Dial the request's address again after <paramref name="Delay"/> (linear backoff).</summary>
    public sealed record DialLater(ConnRequest Request, TimeSpan Delay) : ConnAction;

    /// <summary>Start a new automatic request (ask the address book for an address) after <paramref name="Delay"/>.</summary>
    public sealed record NewAutomatic(TimeSpan Delay) : ConnAction;

    /// <summary>A dial succeeded for a request that was canceled meanwhile: close that connection.</summary>
    public sealed record CloseUnwanted(ConnRequest Request) : ConnAction;
}

/// <summary>Tunables of <see cref="ConnectionRequests"/> (btcd connmgr.Config and its constants, btcd connmgr/connmanager.go).</summary>
public sealed record ConnectionRequestOptions
{
    public int TargetOutbound { get; init; } = 8;
    public TimeSpan RetryDuration { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan MaxRetryDuration { get; init; } = TimeSpan.FromMinutes(5);
    public int MaxFailedAttempts { get; init; } = 25;
    /// <summary>Whether automatic outbound dialling from the address book is on (off with <c>--connect</c>).</summary>
    public bool Automatic { get; init; } = true;
}

/// <summary>btcd connmgr's connHandler state as a plain class (btcd connmgr/connmanager.go): requests with ids move through
/// Pending, Failing, Canceled, Established and Disconnected; permanent requests are redialled with linear backoff
/// (5 s, 10 s, … 5 min); automatic ones are replaced by fresh requests, and after 25 consecutive failures only every
/// 5 seconds. Each event returns the actions for the owner to carry out; there is no I/O and no clock here.</summary>
public sealed class ConnectionRequests(ConnectionRequestOptions options)
{
    private readonly Dictionary<long, ConnRequest> _pending = [];
    private readonly Dictionary<long, ConnRequest> _established = [];
    private long _nextId;
    private int _failedAttempts;

    public ConnectionRequestOptions Options { get; } = options;
    public int FailedAttempts => _failedAttempts;
    public IReadOnlyCollection<ConnRequest> Pending => _pending.Values;
    public IReadOnlyCollection<ConnRequest> Established => _established.Values;

    public ConnRequest? Find(long id) =>
        _pending.GetValueOrDefault(id) ?? _established.GetValueOrDefault(id);

    /// <summary>The automatic requests to start with (btcd Start: TargetOutbound of them).</summary>
    public IReadOnlyList<ConnAction> Start() =>
        Options.Automatic ? [.. Enumerable.Repeat<ConnAction>(new ConnAction.NewAutomatic(TimeSpan.Zero), Options.TargetOutbound)] : [];

    /// <summary>Registers a request for <paramref name="address"/> (btcd Connect of a new request) and dials it.</summary>
    public IReadOnlyList<ConnAction> Connect(IPEndPoint address, bool permanent, out ConnRequest request)
    {
        request = new ConnRequest(++_nextId, address, permanent);
        _pending[request.Id] = request;
        return [new ConnAction.Dial(request)];
    }

    /// <summary>A retry timer fired: dial again unless the request was canceled meanwhile (btcd Connect).</summary>
    public IReadOnlyList<ConnAction> Redial(long id)
    {
        if (!_pending.TryGetValue(id, out var request) || request.State == ConnState.Canceled) return [];
        request.State = ConnState.Pending;
        return [new ConnAction.Dial(request)];
    }

    /// <summary>The address book had no address for an automatic request: it counts as a failed attempt.</summary>
    public IReadOnlyList<ConnAction> NoAddress() => AutomaticFailed();

    /// <summary>A dial succeeded (btcd handleConnected).</summary>
    public IReadOnlyList<ConnAction> Connected(long id)
    {
        if (!_pending.Remove(id, out var request)) return [];
        if (request.State == ConnState.Canceled) return [new ConnAction.CloseUnwanted(request)];
        request.State = ConnState.Established;
        request.RetryCount = 0;
        _failedAttempts = 0;
        _established[id] = request;
        return [];
    }

    /// <summary>A dial failed (btcd handleFailed).</summary>
    public IReadOnlyList<ConnAction> Failed(long id)
    {
        if (!_pending.TryGetValue(id, out var request) || request.State == ConnState.Canceled) return [];
        request.State = ConnState.Failing;
        return HandleFailedConnection(request);
    }

    /// <summary>An established connection ended, or the owner asks to drop it. With <paramref name="retry"/> it is
    /// redialled (btcd Disconnect); without, forgotten (btcd Remove, which also cancels a pending dial).</summary>
    public IReadOnlyList<ConnAction> Disconnected(long id, bool retry)
    {
        if (!_established.Remove(id, out var request))
        {
            if (_pending.TryGetValue(id, out var pending))
            {
                // Canceled: a dial still in flight will be closed when it lands.
                pending.State = ConnState.Canceled;
                if (!retry) _pending.Remove(id);
                return [];
            }
            return [];
        }
        if (!retry)
        {
            request.State = ConnState.Disconnected;
            return [];
        }
        if (_established.Count < Options.TargetOutbound || request.Permanent)
        {
            request.State = ConnState.Pending;
            _pending[id] = request;
            if (request.Permanent) return HandleFailedConnection(request);
            // An automatic request that ended is replaced, not counted as a failure.
            _pending.Remove(id);
            request.State = ConnState.Disconnected;
            return Options.Automatic ? [new ConnAction.NewAutomatic(TimeSpan.Zero)] : [];
        }
        request.State = ConnState.Disconnected;
        return [];
    }

    /// <summary>btcd handleFailedConn: permanent requests back off linearly; automatic ones are replaced.</summary>
    private IReadOnlyList<ConnAction> HandleFailedConnection(ConnRequest request)
    {
        if (request.Permanent)
        {
            request.RetryCount++;
            var delay = request.RetryCount * Options.RetryDuration;
            if (delay > Options.MaxRetryDuration) delay = Options.MaxRetryDuration;
            return [new ConnAction.DialLater(request, delay)];
        }
        _pending.Remove(request.Id);
        request.State = ConnState.Disconnected;
        return AutomaticFailed();
    }

    private IReadOnlyList<ConnAction> AutomaticFailed()
    {
        if (!Options.Automatic) return [];
        _failedAttempts++;
        return [new ConnAction.NewAutomatic(_failedAttempts >= Options.MaxFailedAttempts ? Options.RetryDuration : TimeSpan.Zero)];
    }
}
