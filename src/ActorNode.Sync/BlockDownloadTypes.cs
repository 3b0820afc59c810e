using ActorNode.Wire.Primitives;

namespace ActorNode.Sync;

/// <summary>One block to ask a peer for with <c>getdata</c> (as <c>MSG_WITNESS_BLOCK</c>: the scheduler is only given
/// peers that can serve witnesses, Core's <c>CanServeWitnesses</c>).</summary>
public readonly record struct BlockRequest(int Height, Hash256 Hash);

/// <summary>What a received block was to the scheduler.</summary>
public enum BlockReceipt
{
    /// <summary>It was in flight from this very peer: take it.</summary>
    Requested,

    /// <summary>We did not ask this peer for it (never, no longer, or it already came): drop it and score the peer
    /// (btcd handleBlockMsg disconnects such a peer; the issue asks us to drop and score).</summary>
    Unrequested,
}

/// <summary>Why the scheduler wants a peer disconnected.</summary>
public enum DownloadFault
{
    /// <summary>The peer holds the lowest block of the download window and every other peer has waited for it
    /// longer than the stalling timeout (Core SendMessages "Peer is stalling block download").</summary>
    StallingWindow,

    /// <summary>The oldest block in flight from the peer has not come within the block download timeout
    /// (Core SendMessages "Timeout downloading block").</summary>
    BlockDownloadTimeout,
}

/// <summary>A peer the caller must disconnect. The scheduler has already dropped it: <paramref name="Released"/>
/// are the blocks it held, now free for other peers (the caller asks <see cref="BlockDownloadScheduler.NextRequests"/>
/// or <see cref="BlockDownloadScheduler.ScheduleAll"/> of the others).</summary>
public sealed record PeerFault(long PeerId, DownloadFault Fault, IReadOnlyList<BlockRequest> Released);
