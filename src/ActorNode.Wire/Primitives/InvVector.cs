using ActorNode.Wire.Encoding;

namespace ActorNode.Wire.Primitives;

/// <summary>What an inventory entry names (btcd InvType, Core GetDataMsg). A uint32 on the wire; values we do not
/// know decode fine and keep their number, since a peer may announce types newer than ours.
/// <para>btcd knows 0-3 and the witness variants only. <see cref="CompactBlock"/> (BIP152, getdata only) and
/// <see cref="Wtx"/> (BIP339) are Bitcoin Core's.</para></summary>
public enum InvType : uint
{
    Error = 0,
    Tx = 1,
    Block = 2,
    FilteredBlock = 3,
    /// <summary>BIP152 MSG_CMPCT_BLOCK: getdata asks for a cmpctblock instead of a block.</summary>
    CompactBlock = 4,
    /// <summary>BIP339 MSG_WTX: the hash is a wtxid. Used only between peers that both sent wtxidrelay.</summary>
    Wtx = 5,
    /// <summary>MSG_TX with the witness flag (1 &lt;&lt; 30): getdata asks for the transaction with its witness.</summary>
    WitnessTx = InvVector.WitnessFlag | Tx,
    WitnessBlock = InvVector.WitnessFlag | Block,
    FilteredWitnessBlock = InvVector.WitnessFlag | FilteredBlock,
}

/// <summary>One inventory entry: a type and a 32-byte hash, 36 bytes on the wire (btcd InvVect, Core CInv).</summary>
public readonly record struct InvVector(InvType Type, Hash256 Hash)
{
    /// <summary>Bytes on the wire: uint32 type + hash (btcd maxInvVectPayload).</summary>
    public const int Size = 4 + Hash256.Size;

    /// <summary>The bit that asks for witness data (btcd InvWitnessFlag, Core MSG_WITNESS_FLAG).</summary>
    public const uint WitnessFlag = 1u << 30;

    public static InvVector Read(ref WireReader reader) => new((InvType)reader.ReadUInt32(), reader.ReadHash());

    public void Write(WireWriter writer)
    {
        writer.WriteUInt32((uint)Type);
        writer.WriteHash(Hash);
    }

    public override string ToString() => $"{Type} {Hash}";
}
