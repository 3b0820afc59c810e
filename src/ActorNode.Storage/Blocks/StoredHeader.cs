using ActorNode.Wire.Primitives;

namespace ActorNode.Storage.Blocks;

/// <summary>Where a block's bytes are: file <c>blk{FileNumber:D5}.dat</c>, <paramref name="Offset"/> of the first block
/// byte (after the 8-byte record prefix, as Core's <c>FlatFilePos.nPos</c> in a block index entry), and
/// <paramref name="Length"/> bytes.</summary>
public readonly record struct BlockLocation(int FileNumber, long Offset, int Length);

/// <summary>One entry of the block index as stored: the header, its height, the caller's status byte (opaque to
/// the store: the header-chain code defines its flags, as Core's <c>CBlockIndex::nStatus</c>), and where the block's
/// bytes are when they are stored. <see cref="Location"/> is non-null exactly when the bytes are durable and
/// <see cref="IBlockStore.TryReadBlock"/> can return them.</summary>
public readonly record struct StoredHeader(Hash256 Hash, BlockHeader Header, int Height, byte Status, BlockLocation? Location)
{
    /// <summary>The block's bytes are stored.</summary>
    public bool HasData => Location is not null;
}

/// <summary>What <see cref="IBlockStore.PutHeaders"/> writes for one block: the header (its hash is the key), its
/// height and the status byte.</summary>
public readonly record struct HeaderEntry(Hash256 Hash, BlockHeader Header, int Height, byte Status);
