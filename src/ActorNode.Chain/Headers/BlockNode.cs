using ActorNode.Wire.Primitives;

namespace ActorNode.Chain.Headers;

/// <summary>One known header in the block index: its hash, height, cumulative work, status and parent (btcd
/// blockchain.blockNode, Core CBlockIndex). The header fields are kept without the previous-block hash, which is
/// the parent's hash.
/// <para>Nodes are created and changed only by <see cref="HeaderChain"/> (and, detached from the index, by
/// <see cref="HeaderPresync"/>); callers read them.</para></summary>
public sealed class BlockNode
{
    internal BlockNode(in BlockHeader header, in Hash256 hash, BlockNode? parent, in UInt256 work, int sequence,
        ChainView? parentView = null)
    {
        Hash = hash;
        Parent = parent;
        Height = parent is null ? 0 : parent.Height + 1;
        Version = header.Version;
        MerkleRoot = header.MerkleRoot;
        Timestamp = header.Timestamp;
        Bits = header.Bits;
        Nonce = header.Nonce;
        ChainWork = parent is null ? work : UInt256.SaturatingAdd(parent.ChainWork, work);
        Sequence = sequence;
        // The skip target is found in O(1) when the parent is on a chain view (the common case: extending a tip).
        int skipHeight = GetSkipHeight(Height);
        Skip = parent is null ? null
            : parentView is not null && parentView.Contains(parent) ? parentView[skipHeight] : parent.GetAncestor(skipHeight);
    }

    public Hash256 Hash { get; }

    /// <summary>The previous block; null only for genesis.</summary>
    public BlockNode? Parent { get; }

    public int Height { get; }

    /// <summary>The sum of the work of this block and all its ancestors (btcd workSum, Core nChainWork).</summary>
    public UInt256 ChainWork { get; }

    public BlockStatus Status { get; internal set; }

    public int Version { get; }
    public Hash256 MerkleRoot { get; }
    public uint Timestamp { get; }
    public uint Bits { get; }
    public uint Nonce { get; }

    /// <summary>Order of arrival in the index: the tie-break between chains of equal work (first seen wins).
    /// </summary>
    internal int Sequence { get; set; }

    /// <summary>This block and all its ancestors have their data stored (Core: nChainTx != 0).</summary>
    internal bool HasChainData { get; set; }

    /// <summary>Core's pskip: an ancestor further back, so <see cref="GetAncestor"/> takes O(log n) steps.</summary>
    internal BlockNode? Skip { get; }

    public bool IsInvalid => (Status & (BlockStatus.Invalid | BlockStatus.InvalidAncestor)) != 0;

    public bool HasData => (Status & BlockStatus.DataStored) != 0;

    public BlockHeader Header => new(Version, Parent?.Hash ?? Hash256.Zero, MerkleRoot, Timestamp, Bits, Nonce);

    /// <summary>The ancestor at <paramref name="height"/> (this node at its own height), or null when the height
    /// is negative or above this node (Core CBlockIndex::GetAncestor, with the skip list).</summary>
    public BlockNode? GetAncestor(int height)
    {
        if (height > Height || height < 0) return null;
        BlockNode walk = this;
        int heightWalk = Height;
        while (heightWalk > height)
        {
            int heightSkip = GetSkipHeight(heightWalk);
            int heightSkipPrev = GetSkipHeight(heightWalk - 1);
            if (walk.Skip is not null && (heightSkip == height ||
                (heightSkip > height && !(heightSkipPrev < heightSkip - 2 && heightSkipPrev >= height))))
            {
                walk = walk.Skip;
                heightWalk = heightSkip;
            }
            else
            {
                walk = walk.Parent!;
                heightWalk--;
            }
        }
        return walk;
    }

    /// <summary>True when <paramref name="other"/> is this node or one of its ancestors.</summary>
    public bool Descends(BlockNode other) => other.Height <= Height && ReferenceEquals(GetAncestor(other.Height), other);

    /// <summary>The median timestamp of this block and up to ten before it (btcd CalcPastMedianTime, Core
    /// GetMedianTimePast): a new child must be strictly later.</summary>
    public uint GetMedianTimePast()
    {
        // Insertion sort, descending, as the ancestors are read newest first: timestamps mostly fall going back,
        // so most values go straight to the end (a per-header hot path; a general sort costs several times more).
        Span<uint> times = stackalloc uint[MedianTimeBlocks];
        int count = 0;
        for (BlockNode? n = this; n is not null && count < MedianTimeBlocks; n = n.Parent)
        {
            uint time = n.Timestamp;
            int j = count++;
            for (; j > 0 && times[j - 1] < time; j--) times[j] = times[j - 1];
            times[j] = time;
        }
        // The element at count / 2 in ascending order (the upper median when count is even, as btcd and Core).
        return times[count - 1 - count / 2];
    }

    /// <summary>Blocks in the median-time-past window (btcd medianTimeBlocks, Core's 11).</summary>
    public const int MedianTimeBlocks = 11;

    private static int InvertLowestOne(int n) => n & (n - 1);

    internal static int GetSkipHeight(int height)
    {
        if (height < 2) return 0;
        return (height & 1) != 0 ? InvertLowestOne(InvertLowestOne(height - 1)) + 1 : InvertLowestOne(height);
    }

    public override string ToString() => $"{Hash} at {Height}";
}
