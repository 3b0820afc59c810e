namespace ActorNode.Connections.Bans;

/// <summary>Why a peer's ban score is raised. The first five are every scoring site of btcd's server.go
/// (btcd server.go); the <c>Wire*</c> ones are ours: one per <see cref="ActorNode.Wire.WireError"/>, so that a
/// peer sending undecodable bytes is scored as well as disconnected. Points are in <see cref="BanPenalty"/>; the
/// table with the reasoning is in docs/peers.md ("Ban scores").</summary>
public enum BanScoreReason
{
    /// <summary>A <c>mempool</c> request while we serve bloom filters (btcd <c>OnMemPool</c>): 0 + 33.</summary>
    Mempool,
    /// <summary>A <c>getdata</c> of n entries (btcd <c>OnGetData</c>): 0 + ⌊n·99/50,000⌋.</summary>
    GetData,
    /// <summary>A <c>notfound</c> listing n blocks (btcd <c>OnNotFound</c>): 20·n + 0.</summary>
    NotFoundBlocks,
    /// <summary>A <c>notfound</c> listing n transactions (btcd <c>OnNotFound</c>): 0 + 10·n.</summary>
    NotFoundTransactions,
    /// <summary><c>filterload</c>/<c>filteradd</c>/<c>filterclear</c> while we do not offer NODE_BLOOM, from a peer
    /// whose protocol version (≥ 70011, BIP111) says it knows better (btcd <c>enforceNodeBloomFlag</c>): 100 + 0.</summary>
    BloomWhileDisabled,

    /// <summary>Frame magic of another network, or bytes that are no v1 frame at all (a BIP324 handshake, a
    /// scanner): <see cref="ActorNode.Wire.WireError.BadMagic"/>.</summary>
    WireBadMagic,
    /// <summary><see cref="ActorNode.Wire.WireError.BadChecksum"/>.</summary>
    WireBadChecksum,
    /// <summary><see cref="ActorNode.Wire.WireError.Oversized"/>.</summary>
    WireOversized,
    /// <summary><see cref="ActorNode.Wire.WireError.InvalidCommand"/>.</summary>
    WireInvalidCommand,
    /// <summary><see cref="ActorNode.Wire.WireError.Truncated"/>.</summary>
    WireTruncated,
    /// <summary><see cref="ActorNode.Wire.WireError.NonCanonical"/>.</summary>
    WireNonCanonical,
    /// <summary><see cref="ActorNode.Wire.WireError.TooMany"/>.</summary>
    WireTooMany,
    /// <summary><see cref="ActorNode.Wire.WireError.TrailingBytes"/>.</summary>
    WireTrailingBytes,
    /// <summary><see cref="ActorNode.Wire.WireError.UnsupportedVersion"/>.</summary>
    WireUnsupportedVersion,
    /// <summary><see cref="ActorNode.Wire.WireError.Malformed"/>.</summary>
    WireMalformed,

    /// <summary>A header that breaks a consensus rule (bad proof of work or difficulty, checkpoint, too old a
    /// version, a non-continuous batch): Core's Misbehaving 100. btcd disconnects without a score.</summary>
    InvalidHeader,
    /// <summary>A block that breaks a consensus rule, or a copy whose body does not match its header (mutated):
    /// Core's Misbehaving 100 for both.</summary>
    InvalidBlock,
    /// <summary>A block we did not ask for (btcd disconnects; Core takes it if it is a new tip): a few are
    /// tolerated, a stream of them bans.</summary>
    UnrequestedBlock,
    /// <summary>A transaction that breaks a consensus rule (Core's Misbehaving 100 for TX_CONSENSUS).</summary>
    InvalidTransaction,
    /// <summary>A bloom filter message against the rules while we offer NODE_BLOOM: a filterload over the size
    /// limits, a filteradd over 520 bytes or with no filter loaded (Core Misbehaving 100): 100 + 0.</summary>
    BadBloomFilter,
}
