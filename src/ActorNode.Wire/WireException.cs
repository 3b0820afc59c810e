namespace ActorNode.Wire;

/// <summary>Why bytes could not be decoded (or a message could not be encoded). The peer layer maps these to
/// disconnects and ban scores, so each reason names one kind of fault.</summary>
public enum WireError
{
    /// <summary>The frame's magic is not our network's.</summary>
    BadMagic,
    /// <summary>The payload's double-SHA-256 does not start with the frame's checksum.</summary>
    BadChecksum,
    /// <summary>A declared length is above the protocol limit (4,000,000 bytes, or the message's own maximum).</summary>
    Oversized,
    /// <summary>The command field is not NUL-padded printable ASCII.</summary>
    InvalidCommand,
    /// <summary>The bytes end before the structure does.</summary>
    Truncated,
    /// <summary>A CompactSize used more bytes than its value needs.</summary>
    NonCanonical,
    /// <summary>A count or length is above its limit, or larger than the remaining bytes could hold.</summary>
    TooMany,
    /// <summary>Bytes remain after the message was decoded.</summary>
    TrailingBytes,
    /// <summary>The message does not exist at the negotiated protocol version.</summary>
    UnsupportedVersion,
    /// <summary>Any other structural fault (a field with a forbidden value).</summary>
    Malformed,
}

/// <summary>The one error the codec raises. Whatever the input, no other exception escapes a decoder.</summary>
public sealed class WireException(WireError reason, string message) : Exception(message)
{
    public WireError Reason { get; } = reason;

    public override string ToString() => $"{Reason}: {Message}";
}
