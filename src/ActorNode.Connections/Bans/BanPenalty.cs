using ActorNode.Wire;

namespace ActorNode.Connections.Bans;

/// <summary>Points to add to a peer's <see cref="DynamicBanScore"/> for one offence: <paramref name="Persistent"/>
/// never decays, <paramref name="Transient"/> halves every minute. <paramref name="Detail"/> is the text for the
/// log (btcd's <c>reason</c> argument of <c>addBanScore</c>, e.g. "3 blocks not found"). The factories below are
/// the only place the point values live; docs/peers.md ("Ban scores") lists them with the reasoning.</summary>
public readonly record struct BanPenalty(BanScoreReason Reason, uint Persistent, uint Transient, string Detail)
{
    /// <summary>btcd <c>wire.MaxInvPerMsg</c>: the getdata size that scores 99.</summary>
    public const int MaxInvPerMessage = 50_000;

    /// <summary>Transient points of a burst-prone framing fault that an honest peer may still produce (another
    /// network's magic, a BIP324 initiator's first bytes, a message below its protocol version, Core-tolerated
    /// trailing bytes): a dozen or so in quick succession ban (the 11th at one a second), one a minute never does.</summary>
    public const uint LenientWirePoints = 10;

    /// <summary>Transient points of a framing or payload fault that no correct encoder produces (bad checksum,
    /// invalid command, oversized frame, truncated/non-canonical/malformed payload): five in a few seconds ban,
    /// a permanent peer redialled with btcd's 5 s linear backoff never reaches the threshold.</summary>
    public const uint GarbageWirePoints = 25;

    /// <summary>Persistent points of a count above a protocol limit (<see cref="WireError.TooMany"/>), as Bitcoin
    /// Core's former <c>Misbehaving(pfrom, 20, "inv message size = …")</c> (also addr, getdata, headers). Core banned
    /// at ≥ 100, so five did; with btcd's strict &gt; 100 the sixth within a day bans.</summary>
    public const uint TooManyPersistentPoints = 20;

    /// <summary>A <c>mempool</c> message (bloom enabled): 0 + 33, so the fourth within a second passes 100.</summary>
    public static BanPenalty Mempool() => new(BanScoreReason.Mempool, 0, 33, "mempool");

    /// <summary>A <c>getdata</c> with <paramref name="entries"/> entries: 0 + ⌊entries·99/50,000⌋ (computed in
    /// uint32 as btcd does; a decoded getdata has at most 50,000 entries).</summary>
    public static BanPenalty GetData(int entries)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(entries);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(entries, MaxInvPerMessage);
        return new(BanScoreReason.GetData, 0, (uint)entries * 99 / MaxInvPerMessage, "getdata");
    }

    /// <summary>A <c>notfound</c> naming <paramref name="blocks"/> blocks (MSG_BLOCK or MSG_WITNESS_BLOCK): 20 per block,
    /// persistent. btcd applies this before <see cref="NotFoundTransactions"/> and stops if it bans.</summary>
    public static BanPenalty NotFoundBlocks(int blocks)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blocks);
        return new(BanScoreReason.NotFoundBlocks, SaturatingMultiply(20, blocks), 0,
            $"{blocks} {(blocks == 1 ? "block" : "blocks")} not found");
    }

    /// <summary>A <c>notfound</c> naming <paramref name="transactions"/> transactions (MSG_TX or MSG_WITNESS_TX):
    /// 10 per transaction, transient.</summary>
    public static BanPenalty NotFoundTransactions(int transactions)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(transactions);
        return new(BanScoreReason.NotFoundTransactions, 0, SaturatingMultiply(10, transactions),
            $"{transactions} {(transactions == 1 ? "transaction" : "transactions")} not found");
    }

    /// <summary>A bloom filter message (<paramref name="command"/>) while bloom filtering is disabled, from a peer
    /// at protocol version ≥ 70011: 100 persistent. btcd disconnects it in any case; 100 alone does not exceed the
    /// threshold of 100 (btcd quirk, kept), so the first violation disconnects and the second from the same IP bans.</summary>
    public static BanPenalty BloomWhileDisabled(string command) =>
        new(BanScoreReason.BloomWhileDisabled, 100, 0, command);

    /// <summary>A bloom filter message against the rules while we offer NODE_BLOOM (Core Misbehaving 100 for a
    /// too-large filterload and a bad filteradd): 100 persistent.</summary>
    public static BanPenalty BadBloomFilter(string detail) => new(BanScoreReason.BadBloomFilter, 100, 0, detail);

    /// <summary>An invalid header (Core: 100, so the first disconnects and the second from one IP bans).</summary>
    public static BanPenalty InvalidHeader(string detail) => new(BanScoreReason.InvalidHeader, 100, 0, detail);

    /// <summary>An invalid or mutated block (Core: 100).</summary>
    public static BanPenalty InvalidBlock(string detail) => new(BanScoreReason.InvalidBlock, 100, 0, detail);

    /// <summary>A consensus-invalid transaction (Core: 100).</summary>
    public static BanPenalty InvalidTransaction(string detail) => new(BanScoreReason.InvalidTransaction, 100, 0, detail);

    /// <summary>An unrequested block: 0 + 20, so five within a minute or so ban.</summary>
    public static BanPenalty UnrequestedBlock() => new(BanScoreReason.UnrequestedBlock, 0, 20, "unrequested block");

    /// <summary>The penalty for a codec error. Every codec error also disconnects the peer (btcd sends
    /// <c>reject(MALFORMED)</c> and disconnects), so these points only add up across reconnections from the same
    /// IP, which is why <see cref="BanScoreTable"/> keys scores by IP.</summary>
    public static BanPenalty ForWireError(WireError error, string? detail = null)
    {
        (BanScoreReason reason, uint persistent, uint transient) = error switch
        {
            WireError.BadMagic => (BanScoreReason.WireBadMagic, 0u, LenientWirePoints),
            WireError.UnsupportedVersion => (BanScoreReason.WireUnsupportedVersion, 0u, LenientWirePoints),
            WireError.TrailingBytes => (BanScoreReason.WireTrailingBytes, 0u, LenientWirePoints),
            WireError.BadChecksum => (BanScoreReason.WireBadChecksum, 0u, GarbageWirePoints),
            WireError.Oversized => (BanScoreReason.WireOversized, 0u, GarbageWirePoints),
            WireError.InvalidCommand => (BanScoreReason.WireInvalidCommand, 0u, GarbageWirePoints),
            WireError.Truncated => (BanScoreReason.WireTruncated, 0u, GarbageWirePoints),
            WireError.NonCanonical => (BanScoreReason.WireNonCanonical, 0u, GarbageWirePoints),
            WireError.Malformed => (BanScoreReason.WireMalformed, 0u, GarbageWirePoints),
            WireError.TooMany => (BanScoreReason.WireTooMany, TooManyPersistentPoints, 0u),
            _ => throw new ArgumentOutOfRangeException(nameof(error), error, "a WireError without a ban score"),
        };
        return new(reason, persistent, transient, detail ?? $"undecodable message ({error})");
    }

    /// <summary>The penalty for <paramref name="exception"/>'s reason, with its message as the detail.</summary>
    public static BanPenalty ForWireError(WireException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return ForWireError(exception.Reason, $"undecodable message ({exception.Reason}): {exception.Message}");
    }

    private static uint SaturatingMultiply(uint points, int count) =>
        (ulong)points * (ulong)count > uint.MaxValue ? uint.MaxValue : points * (uint)count;
}
