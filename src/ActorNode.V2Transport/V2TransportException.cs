namespace ActorNode.V2Transport;

/// <summary>Why a v2 session failed. Every one is a disconnect: the stream has no recoverable boundary after it.</summary>
public enum V2Error
{
    /// <summary>No garbage terminator within 4,095 bytes of garbage (4,111 bytes scanned): garbage without a
    /// terminator, a wrong terminator (a peer on another network derives other keys), or not a BIP324 peer.</summary>
    MissingGarbageTerminator,
    /// <summary>The packet after the garbage terminator did not authenticate with the garbage as AAD.</summary>
    GarbageAuthenticationFailed,
    /// <summary>A packet's tag did not authenticate (tampering, a lying length field, wrong keys).</summary>
    BadTag,
    /// <summary>A packet's decrypted length is above the contents limit (4,000,013 bytes by default).</summary>
    PacketTooLarge,
    /// <summary>A call after the session had already failed.</summary>
    Faulted,
}

/// <summary>The one exception a <see cref="V2Session"/> raises for bad input from the peer.</summary>
public sealed class V2TransportException(V2Error reason, string message) : Exception(message)
{
    public V2Error Reason { get; } = reason;

    public override string ToString() => $"{Reason}: {Message}";
}
