using System.Net;
using ActorNode.P2P.Transport;
using Akka.Actor;
using Akka.IO;

namespace ActorNode.P2P.Tests.Transport;

/// <summary>Who ends a loopback connection, and how.</summary>
public enum CloseBy
{
    DiallerClose,
    AcceptorClose,
    DiallerAbort,
    AcceptorAbort,
}

public enum Side
{
    Dialler,
    Acceptor,
}

/// <summary>A host's report, sent once its transport reported the close AND its connection actor terminated.</summary>
public sealed record HostDone(Side Side, int Index, CloseBy? Plan, TransportClosed Closed, int RawCloseEvents,
    int ClosedCalls, bool SlowReported, bool DataOk, int BytesReceived);

public sealed record DialFailed(int Index, string Cause);

public sealed record Dial(int Index, CloseBy Plan);

public sealed record GetCounts
{
    public static readonly GetCounts Instance = new();
}

/// <summary>Connections seen by a supervising actor, children it saw terminate, and children still alive.</summary>
public sealed record Counts(int Started, int Terminated, int LiveChildren);

public sealed record UnbindListener
{
    public static readonly UnbindListener Instance = new();
}

/// <summary>One end of a loopback connection, owning a <see cref="TcpTransport"/> as a PeerActor will. The dialler
/// sends a hello (its index and plan) and 3,000 bytes in three frames; the acceptor checks them and answers 3,000
/// bytes in three frames; then whichever side the plan names closes or aborts. A host reports when its transport
/// reported the close and its connection actor has terminated, then stops.</summary>
internal sealed class LoopbackHost : UntypedActor, IWithTimers, ITransportEvents
{
    public const int HelloLength = 8;
    public const int PayloadLength = 3000;
    public const int ReplyLength = 3000;

    private readonly Side _side;
    private readonly IActorRef _collector;
    private readonly EndPoint? _remote;
    private readonly List<byte> _received = new();
    private TcpTransport? _transport;
    private IActorRef? _connection;
    private int _index;
    private CloseBy? _plan;
    private bool _dataOk = true;
    private bool _acted;
    private int _rawCloseEvents;
    private int _closedCalls;
    private bool _slowReported;
    private bool _connectionTerminated;
    private TransportClosed? _closed;
    private bool _done;

    public LoopbackHost(Side side, int index, CloseBy? plan, EndPoint? remote, IActorRef? connection, IActorRef collector)
    {
        _side = side;
        _index = index;
        _plan = plan;
        _remote = remote;
        _collector = collector;
        if (connection is not null)
            StartTransport(connection);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Dialler(int index, CloseBy plan, EndPoint remote, IActorRef collector) =>
        Props.Create(() => new LoopbackHost(Side.Dialler, index, plan, remote, null, collector));

    public static Props Acceptor(IActorRef connection, IActorRef collector) =>
        Props.Create(() => new LoopbackHost(Side.Acceptor, -1, null, null, connection, collector));

    /// <summary>Deterministic bytes, different per connection and direction.</summary>
    public static byte[] Pattern(int seed, int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
            bytes[i] = (byte)(seed * 31 + i * 7 + (i >> 8));
        return bytes;
    }

    protected override void PreStart()
    {
        if (_side == Side.Dialler)
            Context.System.Tcp().Tell(new Tcp.Connect(_remote!, timeout: TimeSpan.FromSeconds(10)));
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Tcp.Connected when _transport is null:
                StartTransport(Sender);
                SendFrames(HelloFrame());
                SendFrames(Split(Pattern(_index, PayloadLength)));
                return;
            case Tcp.CommandFailed { Cmd: Tcp.Connect } failed:
                _collector.Tell(new DialFailed(_index, failed.ToString()));
                Context.Stop(Self);
                return;
            case Tcp.ConnectionClosed:
                _rawCloseEvents++;
                break;
            case Terminated terminated when terminated.ActorRef.Equals(_connection):
                _connectionTerminated = true;
                break;
        }

        if (_transport is null || !_transport.Handle(message))
            Unhandled(message);
        TryFinish();
    }

    protected override void PostStop() => _transport?.Abort();

    void ITransportEvents.OnReceived(ReadOnlySpan<byte> data)
    {
        _received.AddRange(data.ToArray());
        if (_side == Side.Acceptor)
            OnAcceptorData();
        else
            OnDiallerData();
    }

    void ITransportEvents.OnSlowPeer(SlowPeerReason reason)
    {
        _slowReported = true;
        _transport!.Abort();
    }

    void ITransportEvents.OnClosed(TransportClosed closed)
    {
        _closedCalls++;
        _closed ??= closed;
    }

    private void StartTransport(IActorRef connection)
    {
        _connection = connection;
        _transport = new TcpTransport(Context, connection, Timers, this, new TransportOptions
        {
            MaxUnackedWrites = 1, SlowPeerDeadline = TimeSpan.FromSeconds(20),
        });
    }

    private byte[][] HelloFrame()
    {
        var hello = new byte[HelloLength];
        BitConverter.TryWriteBytes(hello, _index);
        hello[4] = (byte)_plan!.Value;
        return [hello];
    }

    private static byte[][] Split(byte[] bytes) => bytes.Chunk(bytes.Length / 3).ToArray();

    private void SendFrames(byte[][] frames)
    {
        foreach (var frame in frames)
            _transport!.Send(frame);
    }

    private void OnAcceptorData()
    {
        if (_plan is null && _received.Count >= HelloLength)
        {
            _index = BitConverter.ToInt32(_received.ToArray(), 0);
            _plan = (CloseBy)_received[4];
        }
        if (_received.Count < HelloLength + PayloadLength || _acted)
        {
            return;
        }
        _acted = true;
        _dataOk = _received.Count == HelloLength + PayloadLength
                  && _received.Skip(HelloLength).SequenceEqual(Pattern(_index, PayloadLength));
        SendFrames(Split(Pattern(_index + 1_000_000, ReplyLength)));
        if (_plan == CloseBy.AcceptorClose)
            _transport!.Close();
        else if (_plan == CloseBy.AcceptorAbort)
            _transport!.Abort();
    }

    private void OnDiallerData()
    {
        var expected = Pattern(_index + 1_000_000, ReplyLength);
        _dataOk = _received.Count <= ReplyLength && _received.SequenceEqual(expected.Take(_received.Count));
        if (_received.Count < ReplyLength || _acted)
            return;
        _acted = true;
        if (_plan == CloseBy.DiallerClose)
            _transport!.Close();
        else if (_plan == CloseBy.DiallerAbort)
            _transport!.Abort();
    }

    private void TryFinish()
    {
        if (_done || _closed is null || !_connectionTerminated)
            return;
        _done = true;
        _collector.Tell(new HostDone(_side, _index, _plan, _closed, _rawCloseEvents, _closedCalls, _slowReported,
            _dataOk, _received.Count));
        Context.Stop(Self);
    }
}

/// <summary>Binds 127.0.0.1:0 and spawns one acceptor <see cref="LoopbackHost"/> per <c>Tcp.Connected</c>, as the
/// ConnManagerActor will: stopping supervision plus DeathWatch.</summary>
internal sealed class AcceptorActor : UntypedActor
{
    private readonly IActorRef _collector;
    private IActorRef? _listener;
    private IActorRef? _unbindRequester;
    private int _connected;
    private int _terminated;

    public AcceptorActor(IActorRef collector) => _collector = collector;

    public static Props Props(IActorRef collector) => Akka.Actor.Props.Create(() => new AcceptorActor(collector));

    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;

    protected override void PreStart() =>
        Context.System.Tcp().Tell(new Tcp.Bind(Self, new IPEndPoint(IPAddress.Loopback, 0)));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Tcp.Bound bound:
                _listener = Sender;
                _collector.Tell(bound);
                break;
            case Tcp.Connected:
                _connected++;
                Context.Watch(Context.ActorOf(LoopbackHost.Acceptor(Sender, _collector)));
                break;
            case Terminated:
                _terminated++;
                break;
            case GetCounts:
                Sender.Tell(new Counts(_connected, _terminated, Context.GetChildren().Count()));
                break;
            case UnbindListener:
                _unbindRequester = Sender;
                _listener!.Tell(Tcp.Unbind.Instance);
                break;
            case Tcp.Unbound unbound:
                _unbindRequester?.Tell(unbound);
                break;
            case Tcp.CommandFailed failed:
                _collector.Tell(failed);
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}

/// <summary>Dials the acceptor: one dialler <see cref="LoopbackHost"/> per <see cref="Dial"/>, each sending its own
/// <c>Tcp.Connect</c>; stopping supervision plus DeathWatch.</summary>
internal sealed class DiallerActor : UntypedActor
{
    private readonly EndPoint _remote;
    private readonly IActorRef _collector;
    private int _dialled;
    private int _terminated;

    public DiallerActor(EndPoint remote, IActorRef collector)
    {
        _remote = remote;
        _collector = collector;
    }

    public static Props Props(EndPoint remote, IActorRef collector) =>
        Akka.Actor.Props.Create(() => new DiallerActor(remote, collector));

    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Dial dial:
                _dialled++;
                Context.Watch(Context.ActorOf(LoopbackHost.Dialler(dial.Index, dial.Plan, _remote, _collector)));
                break;
            case Terminated:
                _terminated++;
                break;
            case GetCounts:
                Sender.Tell(new Counts(_dialled, _terminated, Context.GetChildren().Count()));
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}
