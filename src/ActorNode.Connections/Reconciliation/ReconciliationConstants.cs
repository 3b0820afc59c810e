namespace ActorNode.Connections.Reconciliation;

/// <summary>BIP330 / Erlay constants, as Bitcoin Core's txreconciliation sets them (node/txreconciliation.cpp and
/// txreconciliation_impl.h of the open Erlay PR; sendtxrcncl's rules from net_processing.cpp). docs/erlay.md lists
/// where each comes from.</summary>
public static class ReconciliationConstants
{
    /// <summary>TXRECONCILIATION_VERSION: the only reconciliation protocol version.</summary>
    public const uint Version = 1;

    /// <summary>RECON_STATIC_SALT, the tag of the tagged hash that combines the two salts.</summary>
    public const string StaticSalt = "Tx Relay Salting";

    /// <summary>RECON_FIELD_SIZE: short ids and sketches live in GF(2^32).</summary>
    public const int FieldBits = 32;

    /// <summary>MAX_RECONSET_SIZE: wtxids kept per peer; beyond it transactions are flooded (fanout).</summary>
    public const int MaxSetSize = 3000;

    /// <summary>MAX_SKETCH_CAPACITY = 2 &lt;&lt; 12: the largest sketch sent or accepted.</summary>
    public const int MaxSketchCapacity = 2 << 12;

    /// <summary>RECON_FALSE_POSITIVE_COEF: a decode of a sketch that holds more than its capacity is accepted as a
    /// (wrong) set with probability at most 2^−16.</summary>
    public const int FalsePositiveBits = 16;

    /// <summary>Q: the default set-difference coefficient, sent as Q·QPrecision.</summary>
    public const double Q = 0.25;

    /// <summary>Q_PRECISION = (2 &lt;&lt; 14) − 1.</summary>
    public const ushort QPrecision = (2 << 14) - 1;

    /// <summary>RECON_REQUEST_INTERVAL: each outbound reconciling peer is asked once per 8 s; with n of them one
    /// request goes out every 8 s / n ("~7 tx/s × 8 s transactions per reconciliation").</summary>
    public static readonly TimeSpan RequestInterval = TimeSpan.FromSeconds(8);

    /// <summary>RECON_RESPONSE_INTERVAL: a responder answers one peer's requests at most once a second.</summary>
    public static readonly TimeSpan ResponseInterval = TimeSpan.FromSeconds(1);

    /// <summary>Ours (Core has none): a round not finished after this long is abandoned, its set flooded by inv and
    /// the peer free for the next round, so a peer that never answers holds neither state nor transactions.</summary>
    public static readonly TimeSpan RoundTimeout = TimeSpan.FromSeconds(30);

    /// <summary>INBOUND_FANOUT_DESTINATIONS_FRACTION: the share of inbound peers a transaction is flooded to.</summary>
    public const double InboundFanoutFraction = 0.1;

    /// <summary>OUTBOUND_FANOUT_DESTINATIONS: outbound peers a transaction is flooded to (counting outbound peers that
    /// do not reconcile, which are always flooded).</summary>
    public const int OutboundFanoutDestinations = 1;
}
