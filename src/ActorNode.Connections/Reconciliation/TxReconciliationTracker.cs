using System.Buffers.Binary;
using System.Security.Cryptography;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;

namespace ActorNode.Connections.Reconciliation;

/// <summary>Where a peer's current reconciliation round stands.</summary>
public enum ReconciliationPhase
{
    /// <summary>No round in progress.</summary>
    None,

    /// <summary>Initiator: reqrecon sent, waiting for the sketch. Responder: reqrecon received, sketch not yet sent.</summary>
    Requested,

    /// <summary>Responder: sketch sent, waiting for reconcildiff.</summary>
    Responded,
}

/// <summary>What <see cref="TxReconciliationTracker.AddToSet"/> did.</summary>
public enum AddToSetOutcome
{
    /// <summary>In the set: the transaction is announced by reconciliation.</summary>
    Added,

    /// <summary>Already in the set.</summary>
    AlreadyInSet,

    /// <summary>The peer does not reconcile: announce by inv.</summary>
    NotRegistered,

    /// <summary>The set holds <see cref="ReconciliationConstants.MaxSetSize"/>: announce by inv (Core: fanout).</summary>
    SetFull,

    /// <summary>Another wtxid in the set has the same short id: announce both by inv (Core: both fanout), the other
    /// is taken out of the set.</summary>
    Collision,
}

public readonly record struct AddToSetResult(AddToSetOutcome Outcome, Hash256? CollidingWtxid = null);

/// <summary>The initiator's answer to a sketch.</summary>
public abstract record SketchResult
{
    /// <summary>Send <paramref name="Difference"/> (success or failure) and an inv of <paramref name="Announce"/>
    /// (what the peer lacks; on failure the whole set, the fallback to flooding).</summary>
    public sealed record Done(ReconciliationDifferenceMessage Difference, IReadOnlyList<Hash256> Announce) : SketchResult;

    public sealed record Violation(string Reason) : SketchResult;
}

/// <summary>The responder's answer to a reconcildiff.</summary>
public abstract record DifferenceResult
{
    /// <summary>Send an inv of <paramref name="Announce"/>. <paramref name="UnknownShortIds"/> asked-for ids were
    /// not in the snapshot (a collision on their side, or a hostile peer): they are skipped.</summary>
    public sealed record Done(IReadOnlyList<Hash256> Announce, int UnknownShortIds) : DifferenceResult;

    public sealed record Violation(string Reason) : DifferenceResult;
}

/// <summary>A round abandoned after <see cref="ReconciliationConstants.RoundTimeout"/>: announce its transactions
/// to the peer by inv.</summary>
public sealed record StalledRound(long PeerId, ReconciliationRole Role, IReadOnlyList<Hash256> Announce);

/// <summary>Which reconciling peers a transaction is flooded to instead of reconciled.</summary>
public sealed record FanoutTargets(IReadOnlySet<long> Peers);

/// <summary>Every reconciling peer's state, the initiator's request queue and the fanout choice: Bitcoin Core's
/// TxReconciliationTracker (node/txreconciliation.cpp of the Erlay PR) as a plain class with no I/O. Not
/// thread-safe: one actor owns it. Rounds follow BIP330 without sketch extensions (reqsketchext, see docs/erlay.md):
/// a failed decode ends the round with reconcildiff success=0 and both sides flood their sets by inv.</summary>
public sealed class TxReconciliationTracker
{
    private sealed class PeerState(ReconciliationRole role, ReconciliationKeys keys)
    {
        public ReconciliationRole Role { get; } = role;
        public ReconciliationKeys Keys { get; } = keys;
        public ReconciliationPhase Phase { get; set; }
        public DateTimeOffset PhaseSince { get; set; }
        /// <summary>The reconciliation set: short id → wtxid (the map doubles as the collision check).</summary>
        public Dictionary<uint, Hash256> Set { get; } = new();
        public HashSet<Hash256> Members { get; } = new();
        /// <summary>Responder: the set as sketched, kept until reconcildiff.</summary>
        public Dictionary<uint, Hash256> Snapshot { get; set; } = new();
        /// <summary>Responder: snapshot transactions the peer announced to us during the round.</summary>
        public HashSet<Hash256> AnnouncedDuringRound { get; } = new();
        public ushort RemoteSetSize { get; set; }
        public double RemoteQ { get; set; }
        public DateTimeOffset LastResponse { get; set; } = DateTimeOffset.MinValue;
    }

    private readonly Dictionary<long, PeerState> _peers = new();
    private readonly LinkedList<long> _queue = new();
    private readonly TimeProvider _time;
    private readonly ulong _fanoutK0, _fanoutK1;
    private DateTimeOffset _nextRequest = DateTimeOffset.MinValue;
    private int _inboundCount;

    public TxReconciliationTracker(TimeProvider? time = null, CapacityFormula formula = CapacityFormula.CoreMinimum)
    {
        _time = time ?? TimeProvider.System;
        Formula = formula;
        _fanoutK0 = NewSalt();
        _fanoutK1 = NewSalt();
    }

    public CapacityFormula Formula { get; }

    /// <summary>Number of registered peers.</summary>
    public int PeerCount => _peers.Count;

    /// <summary>A fresh random salt for our sendtxrcncl.</summary>
    public static ulong NewSalt()
    {
        Span<byte> b = stackalloc byte[8];
        RandomNumberGenerator.Fill(b);
        return BinaryPrimitives.ReadUInt64LittleEndian(b);
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    // ---- Peers ----------------------------------------------------------------------------------------------------

    /// <summary>Starts tracking a peer the handshake registered. False if it is already tracked.</summary>
    public bool RegisterPeer(long peerId, ReconciliationRegistration.Registered registration)
    {
        if (_peers.ContainsKey(peerId)) return false;
        _peers.Add(peerId, new PeerState(registration.Role, registration.Keys));
        if (registration.Role == ReconciliationRole.Initiator) _queue.AddLast(peerId);
        else _inboundCount++;
        return true;
    }

    public void ForgetPeer(long peerId)
    {
        if (!_peers.Remove(peerId, out var state)) return;
        if (state.Role == ReconciliationRole.Initiator) _queue.Remove(peerId);
        else _inboundCount--;
    }

    public bool IsRegistered(long peerId) => _peers.ContainsKey(peerId);

    public ReconciliationRole? RoleOf(long peerId) => _peers.TryGetValue(peerId, out var s) ? s.Role : null;

    public ReconciliationPhase? PhaseOf(long peerId) => _peers.TryGetValue(peerId, out var s) ? s.Phase : null;

    /// <summary>The size of the peer's reconciliation set (0 when not registered).</summary>
    public int SetSize(long peerId) => _peers.TryGetValue(peerId, out var s) ? s.Set.Count : 0;

    /// <summary>The short id of a wtxid on this peer's connection.</summary>
    public uint? ShortIdFor(long peerId, in Hash256 wtxid) => _peers.TryGetValue(peerId, out var s) ? s.Keys.ShortId(wtxid) : null;

    // ---- The reconciliation set ------------------------------------------------------------------------------------

    /// <summary>Queues a transaction we would have announced to the peer (Core AddToSet).</summary>
    public AddToSetResult AddToSet(long peerId, in Hash256 wtxid)
    {
        if (!_peers.TryGetValue(peerId, out var state)) return new(AddToSetOutcome.NotRegistered);
        if (state.Members.Contains(wtxid)) return new(AddToSetOutcome.AlreadyInSet);
        uint shortId = state.Keys.ShortId(wtxid);
        if (state.Set.Remove(shortId, out var other))
        {
            state.Members.Remove(other);
            return new(AddToSetOutcome.Collision, other);
        }
        if (state.Set.Count >= ReconciliationConstants.MaxSetSize) return new(AddToSetOutcome.SetFull);
        state.Set.Add(shortId, wtxid);
        state.Members.Add(wtxid);
        return new(AddToSetOutcome.Added);
    }

    /// <summary>The peer announced the transaction to us (or we flooded it to them): it no longer needs reconciling.
    /// True when it was in the set.</summary>
    public bool TryRemoveFromSet(long peerId, in Hash256 wtxid)
    {
        if (!_peers.TryGetValue(peerId, out var state)) return false;
        uint shortId = state.Keys.ShortId(wtxid);
        if (state.Snapshot.TryGetValue(shortId, out var snap) && snap == wtxid) state.AnnouncedDuringRound.Add(wtxid);
        if (!state.Members.Remove(wtxid)) return false;
        state.Set.Remove(shortId);
        return true;
    }

    public bool IsInSet(long peerId, in Hash256 wtxid) => _peers.TryGetValue(peerId, out var s) && s.Members.Contains(wtxid);

    // ---- Initiator ------------------------------------------------------------------------------------------------

    /// <summary>The outbound peer to send the next reqrecon to, or null when it is not time yet. One peer at a time,
    /// in a fixed rotation, one request every RECON_REQUEST_INTERVAL / (number of peers we initiate with), so each
    /// peer is asked once per 8 s (Core IsPeerNextToReconcileWith). Peers still in a round are skipped.</summary>
    public long? NextPeerToReconcile()
    {
        var now = Now;
        if (_queue.Count == 0 || now < _nextRequest) return null;
        for (int i = 0; i < _queue.Count; i++)
        {
            long peer = _queue.First!.Value;
            _queue.RemoveFirst();
            _queue.AddLast(peer);
            if (_peers[peer].Phase != ReconciliationPhase.None) continue;
            _nextRequest = now + ReconciliationConstants.RequestInterval / _queue.Count;
            return peer;
        }
        return null;
    }

    /// <summary>Starts a round with a peer we initiate with: the reqrecon to send, or null (not registered, we are
    /// its responder, or a round is in progress).</summary>
    public RequestReconciliationMessage? InitiateReconciliation(long peerId)
    {
        if (!_peers.TryGetValue(peerId, out var state) || state.Role != ReconciliationRole.Initiator) return null;
        if (state.Phase != ReconciliationPhase.None) return null;
        state.Phase = ReconciliationPhase.Requested;
        state.PhaseSince = Now;
        ushort size = (ushort)Math.Min(state.Set.Count, ushort.MaxValue);
        return new RequestReconciliationMessage(size, SketchCapacity.EncodeQ(ReconciliationConstants.Q));
    }

    /// <summary>The responder's sketch arrived: merge with ours over the same capacity, decode, and say what each side
    /// lacks (Core HandleSketch / HandleInitialSketch, without the extension step).</summary>
    public SketchResult HandleSketch(long peerId, SketchMessage sketch)
    {
        if (!_peers.TryGetValue(peerId, out var state)) return new SketchResult.Violation("sketch from a peer that does not reconcile");
        if (state.Role != ReconciliationRole.Initiator) return new SketchResult.Violation("sketch from the peer that initiates");
        if (state.Phase != ReconciliationPhase.Requested) return new SketchResult.Violation("sketch without a reqrecon");
        int capacity = sketch.SketchData.Length / SketchMessage.BytesPerCapacity;
        if (capacity > ReconciliationConstants.MaxSketchCapacity || sketch.SketchData.Length % SketchMessage.BytesPerCapacity != 0)
            return new SketchResult.Violation($"sketch of {sketch.SketchData.Length} bytes");

        // The round ends here whatever the outcome (no extension): the set is taken out for this round.
        var all = state.Set.Values.ToList();
        state.Phase = ReconciliationPhase.None;
        if (capacity == 0 || all.Count == 0)
        {
            // Nothing to reconcile on one side: end the round, both flood (Core: "terminated due to empty sketch").
            ClearSet(state);
            return new SketchResult.Done(new ReconciliationDifferenceMessage(false, []), all);
        }
        var remote = Minisketch.Minisketch.Deserialize(ReconciliationConstants.FieldBits, capacity, sketch.SketchData.Span);
        var ours = Minisketch.Minisketch.Create(ReconciliationConstants.FieldBits, capacity);
        var byShortId = new Dictionary<uint, Hash256>(all.Count);
        foreach (var wtxid in all)
        {
            uint id = state.Keys.ShortId(wtxid);
            byShortId[id] = wtxid;
            ours.Add(id);
        }
        ours.Merge(remote);
        ClearSet(state);
        if (!ours.TryDecode(SketchCapacity.MaxDifferences(capacity), out var differences))
            return new SketchResult.Done(new ReconciliationDifferenceMessage(false, []), all);

        var ask = new List<uint>();
        var announce = new List<Hash256>();
        foreach (ulong d in differences)
        {
            if (byShortId.TryGetValue((uint)d, out var wtxid)) announce.Add(wtxid);
            else ask.Add((uint)d);
        }
        return new SketchResult.Done(new ReconciliationDifferenceMessage(true, ask.ToArray()), announce);
    }

    private static void ClearSet(PeerState state)
    {
        state.Set.Clear();
        state.Members.Clear();
    }

    // ---- Responder ------------------------------------------------------------------------------------------------

    /// <summary>A reqrecon from a peer we respond to. Null when accepted (answer later with
    /// <see cref="RespondToRequest"/>), else the violation.</summary>
    public string? HandleRequest(long peerId, RequestReconciliationMessage request)
    {
        if (!_peers.TryGetValue(peerId, out var state)) return "reqrecon from a peer that does not reconcile";
        if (state.Role != ReconciliationRole.Responder) return "reqrecon from the peer we initiate with";
        if (state.Phase != ReconciliationPhase.None) return "reqrecon during a round";
        if (request.Q > ReconciliationConstants.QPrecision) return $"reqrecon q {request.Q} above {ReconciliationConstants.QPrecision}";
        state.RemoteSetSize = request.SetSize;
        state.RemoteQ = SketchCapacity.DecodeQ(request.Q);
        state.Phase = ReconciliationPhase.Requested;
        state.PhaseSince = Now;
        return null;
    }

    /// <summary>The sketch answering a pending reqrecon, or null when there is none or the peer was answered less than
    /// RECON_RESPONSE_INTERVAL ago (call again on the next tick). The set moves to the round's snapshot; transactions
    /// added from now on wait for the next round. Empty when either set is empty (Core: "reconciliation can't help").</summary>
    public SketchMessage? RespondToRequest(long peerId)
    {
        if (!_peers.TryGetValue(peerId, out var state) || state.Role != ReconciliationRole.Responder) return null;
        if (state.Phase != ReconciliationPhase.Requested) return null;
        var now = Now;
        if (now - state.LastResponse < ReconciliationConstants.ResponseInterval) return null;
        state.LastResponse = now;

        byte[] data = [];
        if (state.RemoteSetSize > 0 && state.Set.Count > 0)
        {
            int capacity = SketchCapacity.Estimate(state.Set.Count, state.RemoteSetSize, state.RemoteQ, Formula);
            var sketch = Minisketch.Minisketch.Create(ReconciliationConstants.FieldBits, capacity);
            foreach (uint id in state.Set.Keys) sketch.Add(id);
            data = sketch.Serialize();
        }
        state.Snapshot = new Dictionary<uint, Hash256>(state.Set);
        state.AnnouncedDuringRound.Clear();
        ClearSet(state);
        state.Phase = ReconciliationPhase.Responded;
        state.PhaseSince = now;
        return new SketchMessage(data);
    }

    /// <summary>The initiator's reconcildiff: on success announce the snapshot transactions it asked for; on failure
    /// the whole snapshot (the fallback to flooding), less what the peer announced to us meanwhile.</summary>
    public DifferenceResult HandleDifference(long peerId, ReconciliationDifferenceMessage difference)
    {
        if (!_peers.TryGetValue(peerId, out var state)) return new DifferenceResult.Violation("reconcildiff from a peer that does not reconcile");
        if (state.Role != ReconciliationRole.Responder) return new DifferenceResult.Violation("reconcildiff from the peer we initiate with");
        if (state.Phase != ReconciliationPhase.Responded) return new DifferenceResult.Violation("reconcildiff without a sketch");

        var announce = new List<Hash256>();
        int unknown = 0;
        if (difference.Success)
        {
            var seen = new HashSet<uint>();
            foreach (uint id in difference.AskShortIds)
            {
                if (!seen.Add(id)) continue;
                if (state.Snapshot.TryGetValue(id, out var wtxid))
                {
                    if (!state.AnnouncedDuringRound.Contains(wtxid)) announce.Add(wtxid);
                }
                else unknown++;
            }
        }
        else
        {
            foreach (var wtxid in state.Snapshot.Values)
                if (!state.AnnouncedDuringRound.Contains(wtxid)) announce.Add(wtxid);
        }
        EndResponderRound(state);
        return new DifferenceResult.Done(announce, unknown);
    }

    private static void EndResponderRound(PeerState state)
    {
        state.Snapshot = new Dictionary<uint, Hash256>();
        state.AnnouncedDuringRound.Clear();
        state.Phase = ReconciliationPhase.None;
    }

    // ---- Timeouts -------------------------------------------------------------------------------------------------

    /// <summary>Ends every round that has waited longer than <see cref="ReconciliationConstants.RoundTimeout"/> for
    /// the peer (initiator: no sketch; responder: no reconcildiff), returning what to flood to each.</summary>
    public IReadOnlyList<StalledRound> ExpireStalledRounds()
    {
        var now = Now;
        var stalled = new List<StalledRound>();
        foreach (var (peer, state) in _peers)
        {
            if (now - state.PhaseSince < ReconciliationConstants.RoundTimeout) continue;
            if (state.Role == ReconciliationRole.Initiator && state.Phase == ReconciliationPhase.Requested)
            {
                var all = state.Set.Values.ToList();
                ClearSet(state);
                state.Phase = ReconciliationPhase.None;
                stalled.Add(new StalledRound(peer, state.Role, all));
            }
            else if (state.Role == ReconciliationRole.Responder && state.Phase == ReconciliationPhase.Responded)
            {
                var all = state.Snapshot.Values.Where(w => !state.AnnouncedDuringRound.Contains(w)).ToList();
                EndResponderRound(state);
                stalled.Add(new StalledRound(peer, state.Role, all));
            }
        }
        return stalled;
    }

    // ---- Fanout ---------------------------------------------------------------------------------------------------

    /// <summary>The reconciling peers this transaction is flooded to (Core GetFanoutTargets): OUTBOUND_FANOUT_DESTINATIONS
    /// outbound peers less the outbound tx-relay peers that do not reconcile (they are flooded anyway), and 10 % of all
    /// inbound tx-relay peers less the non-reconciling inbound ones, the fraction rounded up or down at random
    /// deterministically per transaction. Peers are picked in an order salted per transaction, so every transaction
    /// takes a different subset, and every call for the same transaction gives the same one.</summary>
    public FanoutTargets GetFanoutTargets(in Hash256 wtxid, int inboundFloodPeers, int outboundFloodPeers)
    {
        Span<byte> buffer = stackalloc byte[Hash256.Size + 8];
        wtxid.CopyTo(buffer);
        ulong rounding = SipHash.Hash24(_fanoutK0, _fanoutK1, buffer[..Hash256.Size]);

        int outboundTargets = Math.Max(0, ReconciliationConstants.OutboundFanoutDestinations - outboundFloodPeers);
        double inboundTargets = (inboundFloodPeers + _inboundCount) * ReconciliationConstants.InboundFanoutFraction;
        double n = Math.Max(0, inboundTargets - inboundFloodPeers);
        int inboundTargetCount = (int)(((rounding & 0xFFFF_FFFF) + (ulong)(n * 4294967296.0)) >> 32);

        var inbound = new List<(ulong Key, long Peer)>();
        var outbound = new List<(ulong Key, long Peer)>();
        foreach (var (peer, state) in _peers)
        {
            BinaryPrimitives.WriteInt64LittleEndian(buffer[Hash256.Size..], peer);
            ulong key = SipHash.Hash24(_fanoutK0, _fanoutK1, buffer);
            (state.Role == ReconciliationRole.Initiator ? outbound : inbound).Add((key, peer));
        }
        inbound.Sort();
        outbound.Sort();
        var targets = new HashSet<long>();
        foreach (var (_, peer) in inbound.Take(inboundTargetCount)) targets.Add(peer);
        foreach (var (_, peer) in outbound.Take(outboundTargets)) targets.Add(peer);
        return new FanoutTargets(targets);
    }

    /// <summary>Flood (inv) rather than reconcile: true for a peer that does not reconcile, or one of the
    /// transaction's fanout targets.</summary>
    public bool ShouldFanoutTo(long peerId, FanoutTargets targets) => !_peers.ContainsKey(peerId) || targets.Peers.Contains(peerId);
}
