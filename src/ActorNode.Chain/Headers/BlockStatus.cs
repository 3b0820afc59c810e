using ActorNode.Wire.Primitives;

namespace ActorNode.Chain.Headers;

/// <summary>What is known about a block, one byte that the block store persists beside the header (btcd
/// blockchain.blockStatus; Core's BlockStatus keeps the same facts in more bits).</summary>
[Flags]
public enum BlockStatus : byte
{
    None = 0,

    /// <summary>The header passed every header rule and is in the index (Core BLOCK_VALID_TREE).</summary>
    HeaderValid = 1,

    /// <summary>The block's data is stored (btcd statusDataStored, Core BLOCK_HAVE_DATA).</summary>
    DataStored = 2,

    /// <summary>The block itself broke a rule (btcd statusValidateFailed, Core BLOCK_FAILED_VALID).</summary>
    Invalid = 4,

    /// <summary>An ancestor is <see cref="Invalid"/> (btcd statusInvalidAncestor, Core BLOCK_FAILED_CHILD).</summary>
    InvalidAncestor = 8,
}

/// <summary>One entry of the block store's header table, handed to <see cref="HeaderChain.Restore"/> at start in
/// height order: the 80-byte header, its height and the persisted status.</summary>
public readonly record struct StoredHeader(BlockHeader Header, int Height, BlockStatus Status);
