namespace ActorNode.Wire;

/// <summary>Protocol versions and the gates they open (btcd wire/protocol.go).</summary>
public static class ProtocolVersion
{
    /// <summary>What ActorNode advertises: 70016, as btcd does (addrv2, wtxidrelay).</summary>
    public const uint Current = AddrV2;

    public const uint MultipleAddress = 209;
    public const uint NetAddressTime = 31402;
    /// <summary>Ping carries a nonce and pong exists only when the version is strictly above this.</summary>
    public const uint Bip0031 = 60000;
    public const uint Bip0035 = 60002;
    public const uint Bip0037 = 70001;
    public const uint Reject = 70002;
    public const uint Bip0111 = 70011;
    public const uint SendHeaders = 70012;
    public const uint FeeFilter = 70013;
    /// <summary>BIP152 compact blocks (Core's SHORT_IDS_BLOCKS_VERSION).</summary>
    public const uint CompactBlocks = 70014;
    public const uint AddrV2 = 70016;
    /// <summary>BIP339 wtxidrelay (Core WTXID_RELAY_VERSION); the same version as addrv2.</summary>
    public const uint WtxidRelay = 70016;
}

/// <summary>Whether transactions are written with their witness data (BIP144). btcd's MessageEncoding.</summary>
public enum WireEncoding
{
    Base = 1,
    Witness = 2,
}

/// <summary>What a payload is read or written against: the negotiated protocol version and the tx encoding.</summary>
public readonly record struct WireContext(uint ProtocolVersion, WireEncoding Encoding = WireEncoding.Witness)
{
    public static readonly WireContext Latest = new(Wire.ProtocolVersion.Current);
}

/// <summary>Service bits a node advertises (btcd wire/protocol.go).</summary>
[Flags]
public enum ServiceFlags : ulong
{
    None = 0,
    Network = 1 << 0,
    GetUtxo = 1 << 1,
    Bloom = 1 << 2,
    Witness = 1 << 3,
    XThin = 1 << 4,
    Bit5 = 1 << 5,
    CompactFilters = 1 << 6,
    Segwit2X = 1 << 7,
    NetworkLimited = 1 << 10,
    P2PV2 = 1 << 11,
}

/// <summary>Protocol-wide limits (btcd wire, btcd wire/message.go and btcd wire/msg*.go).</summary>
public static class WireLimits
{
    public const int MessageHeaderSize = 24;
    public const int CommandSize = 12;
    /// <summary>No p2p message may exceed this (Core MAX_PROTOCOL_MESSAGE_LENGTH, btcd MaxProtocolMessageLength).</summary>
    public const int MaxProtocolMessageLength = 4_000_000;
    /// <summary>The generic serialisation bound (btcd MaxMessagePayload, 32 MiB).</summary>
    public const int MaxMessagePayload = 32 * 1024 * 1024;
    public const int MaxUserAgentLength = 256;
    public const int MaxInvPerMessage = 50_000;
    public const int MaxAddrPerMessage = 1000;
    public const int MaxBlockHeadersPerMessage = 2000;
    public const int MaxBlockLocatorsPerMessage = 500;
    public const int MaxBlocksPerMessage = 500;
    public const int MaxBlockPayload = 4_000_000;
    public const int MaxTxPerBlock = MaxBlockPayload / 10 + 1;
    public const int MaxFilterLoadHashFuncs = 50;
    public const int MaxFilterLoadFilterSize = 36_000;
    public const int MaxFilterAddDataSize = 520;
    public const int MaxCFHeadersPerMessage = 2000;
    public const int MaxCFilterDataSize = 256 * 1024;
    public const int MaxCFCheckpointsPerMessage = 100_000;
    public const int CFCheckpointInterval = 1000;
    public const int MaxGetCFiltersRange = 1000;
}
