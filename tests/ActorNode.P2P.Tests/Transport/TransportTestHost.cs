using ActorNode.P2P.Transport;
using Akka.Actor;

namespace ActorNode.P2P.Tests.Transport;

/// <summary>The smallest owner of a <see cref="TcpTransport"/>: it turns commands into adapter calls and adapter
/// events into messages to a reporter (the test). Stands in for the PeerActor.</summary>
internal sealed class TransportTestHost : UntypedActor, IWithTimers, ITransportEvents
{
    private readonly IActorRef _reporter;
    private readonly TcpTransport _transport;

    public TransportTestHost(IActorRef connection, IActorRef reporter, TransportOptions? options)
    {
        _reporter = reporter;
        _transport = new TcpTransport(Context, connection, Timers, this, options);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef connection, IActorRef reporter, TransportOptions? options = null) =>
        Akka.Actor.Props.Create(() => new TransportTestHost(connection, reporter, options));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case SendFrame send:
                Sender.Tell(_transport.Send(send.Frame, send.Priority));
                break;
            case CloseTransport:
                _transport.Close();
                break;
            case AbortTransport:
                _transport.Abort();
                break;
            case HoldReading hold:
                _transport.ReadingHeld = hold.Held;
                break;
            case GetStats:
                Sender.Tell(new Stats(_transport.QueuedFrames, _transport.QueuedBytes, _transport.UnackedWrites,
                    _transport.IsOpen, _transport.IsClosed));
                break;
            default:
                if (!_transport.Handle(message))
                    Unhandled(message);
                break;
        }
    }

    protected override void PostStop() => _transport.Abort();

    void ITransportEvents.OnReceived(ReadOnlySpan<byte> data) => _reporter.Tell(new DataReceived(data.ToArray()));

    void ITransportEvents.OnSlowPeer(SlowPeerReason reason) => _reporter.Tell(new SlowPeer(reason));

    void ITransportEvents.OnClosed(TransportClosed closed) => _reporter.Tell(closed);

    public sealed record SendFrame(byte[] Frame, SendPriority Priority = SendPriority.Normal);

    public sealed record HoldReading(bool Held);

    public sealed record CloseTransport
    {
        public static readonly CloseTransport Instance = new();
    }

    public sealed record AbortTransport
    {
        public static readonly AbortTransport Instance = new();
    }

    public sealed record GetStats
    {
        public static readonly GetStats Instance = new();
    }

    public sealed record Stats(int QueuedFrames, long QueuedBytes, int UnackedWrites, bool IsOpen, bool IsClosed);

    public sealed record DataReceived(byte[] Data);

    public sealed record SlowPeer(SlowPeerReason Reason);
}
