using ActorNode.Wire.Primitives;

namespace ActorNode.Chain.Headers;

/// <summary>Why a header (or a <c>headers</c> batch) was refused. <see cref="HeaderRejectReasons.IsPeerFault"/>
/// tells which ones a peer should be scored for.</summary>
public enum HeaderRejectReason : byte
{
    None = 0,

    /// <summary>The target is zero, negative, above the proof-of-work limit, or the hash is above the target
    /// (btcd ErrUnexpectedDifficulty / ErrHighHash, Core "high-hash").</summary>
    InvalidProofOfWork,

    /// <summary>The bits are not the required next difficulty (btcd ErrUnexpectedDifficulty, Core "bad-diffbits").
    /// </summary>
    BadDifficulty,

    /// <summary>Timestamp not after the median of the previous 11 (btcd ErrTimeTooOld, Core "time-too-old").</summary>
    TimeTooOld,

    /// <summary>Timestamp more than 2 hours ahead of our clock (btcd ErrTimeTooNew, Core "time-too-new",
    /// BLOCK_TIME_FUTURE). Not the peer's fault: our clock may be behind; ignore the header, it may be fine later.
    /// </summary>
    TimeTooNew,

    /// <summary>BIP94 (testnet4): the first block of a retarget period is more than 600 s before its parent
    /// (btcd ErrTimewarpAttack, Core "time-timewarp-attack").</summary>
    TimewarpAttack,

    /// <summary>Version below the floor of BIP34/66/65 at this height (btcd ErrBlockVersionTooOld, Core
    /// "bad-version").</summary>
    VersionTooOld,

    /// <summary>A header at a checkpoint height with another hash (btcd ErrBadCheckpoint, Core "checkpoint
    /// mismatch").</summary>
    CheckpointMismatch,

    /// <summary>A new header forking below the newest checkpoint our best header chain has passed (btcd
    /// ErrForkTooOld, Core "bad-fork-prior-to-checkpoint").</summary>
    ForkTooOld,

    /// <summary>A header of the batch does not link to the one before it (Core "non-continuous headers
    /// sequence"). Nothing of the batch is taken.</summary>
    NonContinuous,

    /// <summary>The first header's parent is unknown: no orphan headers are kept (btcd ErrPreviousBlockUnknown).
    /// Not a fault by itself: ask the peer for headers from our locator.</summary>
    Orphan,

    /// <summary>The header, or an ancestor, is already known to be invalid (Core BLOCK_CACHED_INVALID).</summary>
    KnownInvalid,

    /// <summary>The chain these headers build has less cumulative work than <see cref="ChainParams.MinimumChainWork"/>
    /// (Core's anti-DoS threshold): not stored. Hand the batch to the peer's <see cref="HeaderPresync"/>.</summary>
    BelowMinimumWork,

    /// <summary>The peer's presync buffer is full without reaching the minimum chain work.</summary>
    PresyncLimit,
}

public static class HeaderRejectReasons
{
    /// <summary>True when the peer sent something no honest node sends (score or disconnect it). False for
    /// <see cref="HeaderRejectReason.TimeTooNew"/> (our clock may be wrong), <see cref="HeaderRejectReason.Orphan"/>
    /// (ask for more), <see cref="HeaderRejectReason.BelowMinimumWork"/> (presync it) and
    /// <see cref="HeaderRejectReason.PresyncLimit"/> (drop the presync).</summary>
    public static bool IsPeerFault(this HeaderRejectReason reason) => reason switch
    {
        HeaderRejectReason.None or HeaderRejectReason.TimeTooNew or HeaderRejectReason.Orphan
            or HeaderRejectReason.BelowMinimumWork or HeaderRejectReason.PresyncLimit => false,
        _ => true,
    };
}

/// <summary>The outcome of a <c>headers</c> batch (<see cref="HeaderChain.ProcessHeaders"/>,
/// <see cref="HeaderPresync.Process"/>). The batch is taken in order and stops at the first refused header.
/// </summary>
public sealed record HeadersResult
{
    /// <summary>Headers from the start of the batch that were taken: newly stored, already known, or buffered by a
    /// presync.</summary>
    public int Accepted { get; init; }

    /// <summary>Of <see cref="Accepted"/>, how many were new to the index.</summary>
    public int Added { get; init; }

    /// <summary>Of <see cref="Accepted"/>, how many a presync holds back until the chain has enough work.</summary>
    public int Buffered { get; init; }

    public HeaderRejectReason Reason { get; init; }

    /// <summary>The refused header's hash, when one was refused.</summary>
    public Hash256? RejectedHash { get; init; }

    /// <summary>The index node of the last header taken into the index (null when none was, or when the last one
    /// is only buffered). The peer has at least this block.</summary>
    public BlockNode? Last { get; init; }

    /// <summary>The hash of the last header taken (stored or buffered): the start of the next getheaders.</summary>
    public Hash256? LastHash { get; init; }

    /// <summary>The best header tip changed.</summary>
    public bool NewBestHeader { get; init; }

    public bool IsSuccess => Reason == HeaderRejectReason.None;

    public override string ToString() =>
        $"accepted {Accepted} (added {Added}, buffered {Buffered}){(IsSuccess ? "" : $", refused {RejectedHash}: {Reason}")}" +
        (NewBestHeader ? ", new best header" : "");
}

/// <summary>A change of the best block tip: the blocks to take back (old tip first, down to but not including the
/// fork point) and the blocks to apply (fork point + 1 up to the new tip). A relay pool puts the transactions of
/// <see cref="Disconnected"/> back and removes those of <see cref="Connected"/>; peers are told of
/// <see cref="NewTip"/>.</summary>
public sealed record BlockTipChange(
    BlockNode OldTip,
    BlockNode NewTip,
    BlockNode Fork,
    IReadOnlyList<BlockNode> Disconnected,
    IReadOnlyList<BlockNode> Connected)
{
    public bool IsReorganisation => Disconnected.Count > 0;
}

/// <summary>The outcome of <see cref="HeaderChain.Restore"/>: how many stored headers were taken, and the first
/// problem, when the store held something inconsistent (the rest is not taken).</summary>
public sealed record RestoreResult(int Restored, string? Error)
{
    public bool IsSuccess => Error is null;
}
