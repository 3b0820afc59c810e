using System.Buffers;
using ActorNode.Wire.Primitives;

namespace ActorNode.Chain.Headers;

/// <summary>One peer's headers held back until they prove enough work: the simple form of Bitcoin Core's anti-DoS
/// header sync (net_processing TryLowWorkHeadersSync, headerssync.cpp). Headers whose chain stays below
/// <see cref="HeaderChain.MinimumChainWork"/> are checked by every header rule (proof of work, linkage,
/// difficulty, time, versions, checkpoints) against the chain they fork from, but kept here, not in the index.
/// When the buffered chain reaches the minimum work, all of it goes into the index at once.
/// <para>Core keeps only a commitment per few hundred headers and downloads the chain twice; we keep the headers
/// (about 160 bytes each, bounded by <see cref="MaxHeaders"/>) and download them once. The caller keeps one per
/// peer and should presync with one peer at a time (the sync peer): that bounds memory to one buffer. See
/// docs/chain.md.</para>
/// <para>Use: give every <c>headers</c> message of the peer to <see cref="Process"/> (it forwards to
/// <see cref="HeaderChain.ProcessHeaders"/> when the headers have enough work already), and ask the peer for more
/// with <see cref="GetLocator"/>.</para></summary>
public sealed class HeaderPresync
{
    /// <summary>A mainnet chain from genesis reaches Core's minimum work (September 2025) at about 912,000 headers.
    /// </summary>
    public const int DefaultMaxHeaders = 1_000_000;

    private readonly HeaderChain _chain;
    private readonly List<BlockNode> _buffer = [];

    public HeaderPresync(HeaderChain chain, int maxHeaders = DefaultMaxHeaders)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxHeaders, 1);
        _chain = chain;
        MaxHeaders = maxHeaders;
    }

    public int MaxHeaders { get; }

    /// <summary>Headers held back.</summary>
    public int Count => _buffer.Count;

    /// <summary>The hash of the last header held back, or null when nothing is.</summary>
    public Hash256? TipHash => _buffer.Count > 0 ? _buffer[^1].Hash : null;

    /// <summary>The height of the last header held back, or -1.</summary>
    public int TipHeight => _buffer.Count > 0 ? _buffer[^1].Height : -1;

    /// <summary>The cumulative work of the held-back chain (zero when nothing is held).</summary>
    public UInt256 TipWork => _buffer.Count > 0 ? _buffer[^1].ChainWork : UInt256.Zero;

    /// <summary>The locator for the next getheaders to this peer: from the last held-back header when there is one,
    /// otherwise from the best header tip.</summary>
    public IReadOnlyList<Hash256> GetLocator() =>
        _buffer.Count > 0 ? _chain.Headers.GetLocator(_buffer[^1]) : _chain.Headers.GetLocator();

    /// <summary>Drops everything held back (the peer left, or another peer's chain made this one pointless).</summary>
    public void Reset() => _buffer.Clear();

    /// <summary>Takes a <c>headers</c> message from this peer. Headers that continue the held-back chain are checked
    /// and held; headers that connect to the index go to <see cref="HeaderChain.ProcessHeaders"/>, and when it
    /// answers <see cref="HeaderRejectReason.BelowMinimumWork"/> a new held-back chain starts from that fork point
    /// (replacing the old one). When the held-back chain reaches the minimum work it is stored, and the result is
    /// the store's (with <see cref="HeadersResult.NewBestHeader"/> etc.).</summary>
    public HeadersResult Process(IReadOnlyList<BlockHeader> headers)
    {
        if (headers.Count == 0) return new HeadersResult();
        var hashes = ArrayPool<Hash256>.Shared.Rent(headers.Count);
        try
        {
            var span = hashes.AsSpan(0, headers.Count);
            var refused = HeaderChain.HashAndLink(headers, span);
            if (refused is not null) return refused;

            int skipped = 0;
            BlockNode? parent = null;
            if (_buffer.Count > 0) (parent, skipped) = MatchBuffer(headers, span);
            if (parent is null)
            {
                var result = _chain.Accept(headers, span, 0, checkMinimumWork: true);
                if (result.Reason != HeaderRejectReason.BelowMinimumWork)
                {
                    // The peer moved on to a chain with enough work: what it had us hold is moot.
                    if (result.IsSuccess) _buffer.Clear();
                    return result;
                }
                _buffer.Clear();
                skipped = result.Accepted;
                parent = result.Last ?? _chain.Find(headers[skipped].PreviousBlock)!;
            }
            return Extend(headers, span, skipped, parent);
        }
        finally
        {
            ArrayPool<Hash256>.Shared.Return(hashes);
        }
    }

    /// <summary>Where the batch meets the held-back chain: the buffered node its first header builds on and how
    /// many leading headers are already held; buffered headers after a divergence are dropped. (null, 0) when the
    /// batch does not build on the buffer.</summary>
    private (BlockNode? Parent, int Skipped) MatchBuffer(IReadOnlyList<BlockHeader> headers, ReadOnlySpan<Hash256> hashes)
    {
        // at = -1 stands for the index node the held-back chain forks from.
        int at = _buffer.Count - 1;
        while (at >= 0 && _buffer[at].Hash != headers[0].PreviousBlock) at--;
        if (at < 0 && _buffer[0].Parent!.Hash != headers[0].PreviousBlock) return (null, 0);
        var forkPoint = _buffer[0].Parent!;
        int skipped = 0;
        while (skipped < headers.Count && at + 1 < _buffer.Count && _buffer[at + 1].Hash == hashes[skipped])
        {
            at++;
            skipped++;
        }
        if (at + 1 < _buffer.Count && skipped < headers.Count) _buffer.RemoveRange(at + 1, _buffer.Count - at - 1);
        return (at >= 0 ? _buffer[at] : forkPoint, skipped);
    }

    private HeadersResult Extend(IReadOnlyList<BlockHeader> headers, ReadOnlySpan<Hash256> hashes, int start,
        BlockNode parent)
    {
        long maxTime = _chain.MaxTimestamp();
        int accepted = start, buffered = 0;
        for (int i = start; i < headers.Count; i++)
        {
            if (_buffer.Count >= MaxHeaders) return Refused(HeaderRejectReason.PresyncLimit, hashes[i]);
            var reason = _chain.CheckHeader(headers[i], hashes[i], parent, maxTime);
            if (reason != HeaderRejectReason.None) return Refused(reason, hashes[i]);
            var node = new BlockNode(headers[i], hashes[i], parent, _chain.WorkOf(headers[i].Bits), -1, _chain.Headers)
            {
                Status = BlockStatus.HeaderValid,
            };
            _buffer.Add(node);
            parent = node;
            accepted++;
            buffered++;
            if (node.ChainWork >= _chain.MinimumChainWork) return Commit(headers, hashes, i + 1, accepted - buffered);
        }
        return new HeadersResult { Accepted = accepted, Buffered = buffered, LastHash = parent.Hash };

        HeadersResult Refused(HeaderRejectReason why, Hash256 rejected) => new()
        {
            Accepted = accepted, Buffered = buffered, Reason = why, RejectedHash = rejected,
            LastHash = _buffer.Count > 0 ? _buffer[^1].Hash : null,
        };
    }

    /// <summary>Stores the held-back chain and the rest of the batch (from <paramref name="rest"/>) in the index.
    /// The held-back headers are checked again there (cheap: their hashes are known), as the index may have moved
    /// (a newer checkpoint passed) since they were held.</summary>
    private HeadersResult Commit(IReadOnlyList<BlockHeader> headers, ReadOnlySpan<Hash256> hashes, int rest,
        int acceptedBefore)
    {
        int held = _buffer.Count;
        int heldFromBatch = rest - acceptedBefore;
        var all = new BlockHeader[held + headers.Count - rest];
        var allHashes = new Hash256[all.Length];
        for (int i = 0; i < held; i++)
        {
            all[i] = _buffer[i].Header;
            allHashes[i] = _buffer[i].Hash;
        }
        for (int i = rest; i < headers.Count; i++)
        {
            all[held + i - rest] = headers[i];
            allHashes[held + i - rest] = hashes[i];
        }
        _buffer.Clear();
        var result = _chain.Accept(all, allHashes, 0, checkMinimumWork: false);
        int fromOlderBatches = held - heldFromBatch;
        return result with { Accepted = acceptedBefore + Math.Max(0, result.Accepted - fromOlderBatches) };
    }
}
