using ActorNode.Wire.Primitives;

namespace ActorNode.Chain.Headers;

/// <summary>One chain of the block index, genesis to a tip, with O(1) lookup by height: the best header chain or the
/// best block chain of a <see cref="HeaderChain"/> (btcd blockchain.chainView, Core CChain). Also builds block
/// locators and answers getheaders/getblocks (btcd blockchain/chainview.go, blockchain/chain.go).</summary>
public sealed class ChainView
{
    /// <summary>The most headers one <c>headers</c> message carries (btcd wire.MaxBlockHeadersPerMsg).</summary>
    public const int MaxHeadersPerMessage = 2000;

    /// <summary>The most block hashes a getblocks answer carries (btcd wire.MaxBlocksPerMsg).</summary>
    public const int MaxBlocksPerMessage = 500;

    private readonly List<BlockNode> _nodes = [];
    private readonly Func<Hash256, BlockNode?> _lookup;

    internal ChainView(BlockNode genesis, Func<Hash256, BlockNode?> lookup)
    {
        _lookup = lookup;
        _nodes.Add(genesis);
    }

    public BlockNode Genesis => _nodes[0];

    public BlockNode Tip => _nodes[^1];

    public int Height => _nodes.Count - 1;

    /// <summary>The node at <paramref name="height"/> on this chain, or null when the chain is shorter.</summary>
    public BlockNode? this[int height] => (uint)height < (uint)_nodes.Count ? _nodes[height] : null;

    public bool Contains(BlockNode node) => node.Height < _nodes.Count && ReferenceEquals(_nodes[node.Height], node);

    /// <summary>The node after <paramref name="node"/> on this chain, or null at the tip or when the node is not on
    /// it.</summary>
    public BlockNode? Next(BlockNode node) => Contains(node) ? this[node.Height + 1] : null;

    /// <summary>The newest node of this chain that is also an ancestor of (or is) <paramref name="node"/>
    /// (Core CChain::FindFork).</summary>
    public BlockNode FindFork(BlockNode node)
    {
        BlockNode? walk = node.Height > Height ? node.GetAncestor(Height) : node;
        while (walk is not null && !Contains(walk)) walk = walk.Parent;
        return walk ?? Genesis;
    }

    /// <summary>Makes <paramref name="tip"/> the tip, rewriting only the heights that differ.</summary>
    internal void SetTip(BlockNode tip)
    {
        if (_nodes.Count > tip.Height + 1) _nodes.RemoveRange(tip.Height + 1, _nodes.Count - tip.Height - 1);
        int oldCount = _nodes.Count;
        while (_nodes.Count < tip.Height + 1) _nodes.Add(tip);
        for (BlockNode? n = tip; n is not null; n = n.Parent)
        {
            if (n.Height < oldCount && ReferenceEquals(_nodes[n.Height], n)) break;
            _nodes[n.Height] = n;
        }
    }

    /// <summary>A block locator from <paramref name="node"/> (the tip when null): the node, then one step back each
    /// for the first entries, then doubling steps, always ending with genesis (btcd chainView.blockLocator).</summary>
    public IReadOnlyList<Hash256> GetLocator(BlockNode? node = null)
    {
        node ??= Tip;
        var locator = new List<Hash256>(node.Height <= 12 ? node.Height + 1 : 12 + (int)Math.Log2(node.Height - 10));
        int step = 1;
        for (BlockNode? n = node; n is not null;)
        {
            locator.Add(n.Hash);
            if (n.Height == 0) break;
            int height = Math.Max(n.Height - step, 0);
            n = Contains(n) ? _nodes[height] : n.GetAncestor(height);
            if (locator.Count > 10) step *= 2;
        }
        return locator;
    }

    /// <summary>The headers a getheaders asks for: after the first locator hash on this chain (genesis when none is)
    /// up to and including <paramref name="stop"/> when it is on this chain and not before the start, at most
    /// <paramref name="max"/>. An empty locator asks for the <paramref name="stop"/> header alone, wherever it is
    /// (btcd BlockChain.LocateHeaders / locateInventory).</summary>
    public List<BlockHeader> LocateHeaders(IReadOnlyList<Hash256> locator, Hash256 stop, int max = MaxHeadersPerMessage)
    {
        var (start, count) = Locate(locator, stop, max);
        var headers = new List<BlockHeader>(count);
        for (BlockNode? n = start; n is not null && headers.Count < count; n = this[n.Height + 1])
            headers.Add(n.Header);
        return headers;
    }

    /// <summary>The block hashes a getblocks asks for, as <see cref="LocateHeaders"/> with a cap of 500
    /// (btcd BlockChain.LocateBlocks).</summary>
    public List<Hash256> LocateBlocks(IReadOnlyList<Hash256> locator, Hash256 stop, int max = MaxBlocksPerMessage)
    {
        var (start, count) = Locate(locator, stop, max);
        var hashes = new List<Hash256>(count);
        for (BlockNode? n = start; n is not null && hashes.Count < count; n = this[n.Height + 1])
            hashes.Add(n.Hash);
        return hashes;
    }

    /// <summary>The first locator hash on this chain (genesis when none is): where a peer's chain meets ours.</summary>
    public BlockNode FindLocatorFork(IReadOnlyList<Hash256> locator)
    {
        foreach (var hash in locator)
        {
            var node = _lookup(hash);
            if (node is not null && Contains(node)) return node;
        }
        return Genesis;
    }

    private (BlockNode? Start, int Count) Locate(IReadOnlyList<Hash256> locator, Hash256 stop, int max)
    {
        var stopNode = _lookup(stop);
        if (locator.Count == 0) return stopNode is null || max < 1 ? (null, 0) : (stopNode, 1);
        var start = Next(FindLocatorFork(locator));
        if (start is null) return (null, 0);
        int total = Height - start.Height + 1;
        if (stopNode is not null && Contains(stopNode) && stopNode.Height >= start.Height)
            total = stopNode.Height - start.Height + 1;
        return (start, Math.Min(total, max));
    }
}
