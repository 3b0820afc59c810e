using ActorNode.Connections.Bloom;
using ActorNode.Connections.Inventory;
using ActorNode.Wire;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using Akka.Actor;

namespace ActorNode.P2P.Peers;

/// <summary>The PeerActor's announcements: inventory through the trickle (btcd's fixed tick or Core's Poisson
/// rounds), transactions by txid or wtxid, blocks at once, BIP37 filtered blocks and the pool for <c>mempool</c>.</summary>
public sealed partial class PeerActor
{
    private void Announce(InvVector item)
    {
        if (_known.Contains(item)) return;
        if (item.Type is InvType.Block or InvType.WitnessBlock)
        {
            // Blocks skip the trickle (btcd QueueInventory).
            _known.Add(item);
            Send(new InvMessage([item]));
            return;
        }
        if (!_relayTxs) return; // the peer asked for no transaction announcements (BIP37 relay flag)
        if (_trickle.Enqueue(item) && TrickleImmediately && !_flushQueued)
        {
            // No trickle: the queue goes out as soon as the announcements already in our mailbox are queued too,
            // so a burst still shares inv messages.
            _flushQueued = true;
            Self.Tell(TrickleTick.Instance);
        }
    }

    private bool TrickleImmediately => _settings.Relay == RelayPolicy.FixedInterval && _settings.TrickleInterval <= TimeSpan.Zero;

    // Core's timing (net_processing.cpp SendMessages): the next round of an outbound peer is its own Poisson draw
    // (mean 2 s); inbound peers share the node's schedule (mean 5 s), so reconnecting often tells a spy nothing new.
    private void ScheduleCoreRound()
    {
        TimeSpan delay;
        if (_settings.Inbound)
        {
            long now = Now.UtcTicks;
            delay = TimeSpan.FromTicks(Math.Max(0, InboundSchedule.Next(now) - now));
        }
        else delay = CoreRelayTiming.ExponentialDelay(CoreRelayTiming.OutboundMean, Random.Shared.NextDouble());
        // A zero delay would be a zero single timer: go at the next millisecond instead.
        Timers.StartSingleTimer(TrickleTimer, TrickleTick.Instance, delay < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : delay);
    }

    private SharedPoissonSchedule InboundSchedule =>
        _inboundSchedule ??= _settings.InboundSchedule ?? new SharedPoissonSchedule(CoreRelayTiming.InboundMean, Random.Shared.NextDouble);

    private SharedPoissonSchedule? _inboundSchedule;

    private InvVector TransactionItem(Hash256 txid, Hash256 wtxid) =>
        _ready!.WantsWtxidRelay ? new InvVector(InvType.Wtx, wtxid) : new InvVector(InvType.Tx, txid);

    private void AnnounceTx(AnnounceTransaction announce)
    {
        var item = TransactionItem(announce.Txid, announce.Wtxid);
        if (_known.Contains(item)) return;
        // A peer with a filter hears only of what matches it (Core: IsRelevantAndUpdate before the inv).
        if (_bloom is { IsLoaded: true } && (announce.Transaction is not { } tx || !_bloom.Matches(tx))) return;
        Announce(item);
    }

    // ---- BIP37 (only with PeerBloomFilters) ----------------------------------------------------------------------

    /// <summary>filterload/filteradd/filterclear (Core net_processing FILTERLOAD/FILTERADD/FILTERCLEAR): a fault is
    /// Misbehaving 100 and a disconnect.</summary>
    private void OnFilterMessage(PeerBloomFilter bloom, IWireMessage message)
    {
        string? fault = null;
        switch (message)
        {
            case FilterLoadMessage load:
                fault = bloom.Load(load);
                break;
            case FilterAddMessage add:
                fault = bloom.Add(add);
                break;
            case FilterClearMessage:
                bloom.Clear();
                break;
        }
        if (fault is not null)
        {
            Misbehaved(PeerFault.BloomFilter, null, $"{message.Command}: {fault}");
            return;
        }
        if (bloom.RelayTurnedOn) _relayTxs = true;
    }

    private void SendMerkleBlock(Block block)
    {
        if (_bloom?.Filter is not { } filter) return; // Core and btcd send nothing without a filter
        var filtered = MerkleBlockBuilder.Build(block, filter);
        Send(filtered.Message);
        foreach (var (_, tx) in filtered.Matched) Send(new Sync.TransactionWithoutWitness(tx));
    }

    private void AnnouncePool(IReadOnlyList<Transaction> transactions)
    {
        var items = new List<InvVector>();
        foreach (var tx in transactions)
        {
            if (_bloom is not null && !_bloom.Matches(tx)) continue;
            var item = TransactionItem(tx.Txid, tx.Wtxid);
            _known.Add(item);
            items.Add(item);
            if (items.Count == WireLimits.MaxInvPerMessage)
            {
                Send(new InvMessage([.. items]));
                items.Clear();
            }
        }
        if (items.Count > 0) Send(new InvMessage([.. items]));
    }

    private void AnnounceNewBlock(BlockHeader header)
    {
        var item = new InvVector(InvType.Block, header.GetHash());
        if (_known.Contains(item)) return;
        _known.Add(item);
        Send(_prefersHeaders ? new HeadersMessage([header]) : new InvMessage([item]));
    }
}
