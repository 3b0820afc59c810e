using System.Buffers;
using System.Runtime.InteropServices;
using ActorNode.Wire.Primitives;

namespace ActorNode.Chain.Headers;

/// <summary>The block index and the two best chains of a node, without any I/O or actors: every known header with
/// its height, cumulative work and status; the best header chain (most work, first seen on a tie) and the best block
/// chain (the most-work chain whose blocks are all stored and none is invalid); header acceptance by the rules of
/// btcd blockchain/validate.go, blockchain/accept.go (btcd blockchain maybeAcceptBlockHeader, checkBlockHeaderSanity, checkBlockHeaderContext,
/// calcNextRequiredDifficulty; Core validation.cpp AcceptBlockHeader, ContextualCheckBlockHeader, pow.cpp
/// GetNextWorkRequired); and Core's minimum-chain-work rule for storing headers (see <see cref="HeaderPresync"/>).
/// <para>Not thread-safe: one owner (the SyncActor) calls it. docs/chain.md describes the rules and decisions.</para>
/// </summary>
public sealed class HeaderChain
{
    /// <summary>How far ahead of our clock a header's timestamp may be (btcd MaxTimeOffsetSeconds, Core
    /// MAX_FUTURE_BLOCK_TIME): 2 hours.</summary>
    public const long MaxFutureBlockTimeSeconds = 2 * 60 * 60;

    /// <summary>BIP94: the first block of a retarget period may be at most this much before its parent (Core
    /// MAX_TIMEWARP).</summary>
    public const long MaxTimewarpSeconds = 600;

    private const int WorkCacheLimit = 4096;

    // The block index: a set of nodes keyed by their hash (16 bytes an entry, against 48 for a dictionary from
    // Hash256 to node), looked up by hash through an alternate lookup.
    private readonly HashSet<BlockNode> _index = new(NodeHashComparer.Instance);
    private readonly HashSet<BlockNode>.AlternateLookup<Hash256> _byHash;
    private readonly Dictionary<int, Hash256> _checkpoints = [];
    private readonly Dictionary<uint, UInt256> _workCache = [];
    private readonly Dictionary<BlockNode, List<BlockNode>> _unlinked = new(ReferenceEqualityComparer.Instance);
    private readonly TimeProvider _clock;
    private readonly UInt256 _powLimit;
    private readonly int _retargetInterval;
    private readonly long _minDiffSeconds;
    private readonly long _targetTimespanSeconds;
    private Checkpoint? _lastCheckpoint;
    private int _sequence;

    /// <param name="chain">The network's rules.</param>
    /// <param name="clock">The clock that "2 hours in the future" is measured against (system clock when null).
    /// </param>
    public HeaderChain(ChainParams chain, TimeProvider? clock = null)
    {
        Params = chain;
        _clock = clock ?? TimeProvider.System;
        _powLimit = UInt256.FromBigInteger(chain.PowLimit);
        MinimumChainWork = UInt256.FromBigInteger(chain.MinimumChainWork);
        _retargetInterval = chain.BlocksPerRetarget;
        _minDiffSeconds = (long)chain.MinDiffReductionTime.TotalSeconds;
        _targetTimespanSeconds = (long)chain.TargetTimespan.TotalSeconds;
        foreach (var checkpoint in chain.Checkpoints) _checkpoints[checkpoint.Height] = checkpoint.Hash;

        var genesisHeader = chain.GenesisBlock.Header;
        var genesis = new BlockNode(genesisHeader, chain.GenesisHash, null, WorkOf(genesisHeader.Bits), _sequence++)
        {
            Status = BlockStatus.HeaderValid | BlockStatus.DataStored,
            HasChainData = true,
        };
        _byHash = _index.GetAlternateLookup<Hash256>();
        _index.Add(genesis);
        Headers = new ChainView(genesis, Find);
        Blocks = new ChainView(genesis, Find);
    }

    public ChainParams Params { get; }

    /// <summary>The best header chain: most cumulative work among valid headers, the first seen on a tie. Serve
    /// getheaders from it while syncing, and build getheaders locators from it.</summary>
    public ChainView Headers { get; }

    /// <summary>The best block chain: most work among chains whose blocks are all stored and none is invalid.</summary>
    public ChainView Blocks { get; }

    public BlockNode Genesis => Headers.Genesis;

    public BlockNode BestHeader => Headers.Tip;

    public BlockNode BestBlock => Blocks.Tip;

    /// <summary>Headers in the index, genesis included.</summary>
    public int Count => _index.Count;

    /// <summary><see cref="ChainParams.MinimumChainWork"/>: headers chains with less work are not stored.</summary>
    public UInt256 MinimumChainWork { get; }

    /// <summary>Added to our clock before the 2-hour future check: btcd's network-adjusted time offset (median of
    /// peers' offsets), zero by default as Core ≥ 27 does (it stopped adjusting).</summary>
    public TimeSpan NetworkTimeOffset { get; set; }

    /// <summary>The newest checkpoint on the best header chain: no new header may fork below it.</summary>
    public Checkpoint? LastCheckpoint => _lastCheckpoint;

    /// <summary>btcd's BFNoPoWCheck, for tests only: lets constructed mainnet/testnet headers reach the contextual
    /// rules without mining them at real difficulty.</summary>
    internal bool SkipProofOfWorkForTests { get; set; }

    public BlockNode? Find(Hash256 hash) => _byHash.TryGetValue(hash, out var node) ? node : null;

    public bool TryGetNode(Hash256 hash, out BlockNode node) => _byHash.TryGetValue(hash, out node!);

    public bool Contains(Hash256 hash) => _byHash.Contains(hash);

    /// <summary>The work of a block with these bits, 2^256 / (target + 1) (btcd CalcWork, Core GetBlockProof);
    /// cached, as bits change once per 2016 blocks.</summary>
    public UInt256 WorkOf(uint bits)
    {
        if (bits == _lastWorkBits) return _lastWork; // bits 0 (the initial value) has work 0, which is right
        if (!_workCache.TryGetValue(bits, out var work)) work = ComputeWork(bits);
        _lastWorkBits = bits;
        _lastWork = work;
        return work;
    }

    private UInt256 _lastWork;
    private uint _lastWorkBits;

    // The target of the last bits decoded by CheckHeader (bits change once per 2016 blocks on mainnet).
    private UInt256 _lastTarget;
    private uint _lastTargetBits;
    private bool _lastTargetValid;

    private UInt256 ComputeWork(uint bits)
    {
        UInt256 work;
        if (_workCache.Count >= WorkCacheLimit) _workCache.Clear();
        work = UInt256.FromBigInteger(ProofOfWork.CalcWork(bits));
        _workCache[bits] = work;
        return work;
    }

    /// <summary>Takes the headers of a <c>headers</c> message: the batch must link up (each header's previous hash
    /// is the one before it), its first header must connect to a known header, and every header must pass the
    /// rules. Stops at the first refused header; the headers before it stay. Already known headers are fine. A
    /// chain whose work stays below <see cref="MinimumChainWork"/> is refused with
    /// <see cref="HeaderRejectReason.BelowMinimumWork"/>: hand it to the peer's <see cref="HeaderPresync"/>.
    /// </summary>
    public HeadersResult ProcessHeaders(IReadOnlyList<BlockHeader> headers)
    {
        if (headers.Count == 0) return new HeadersResult();
        var hashes = ArrayPool<Hash256>.Shared.Rent(headers.Count);
        try
        {
            var span = hashes.AsSpan(0, headers.Count);
            var refused = HashAndLink(headers, span);
            return refused ?? Accept(headers, span, 0, checkMinimumWork: true);
        }
        finally
        {
            ArrayPool<Hash256>.Shared.Return(hashes);
        }
    }

    /// <summary>One header (a <c>headers</c> message of one, or a block's header).</summary>
    public HeadersResult ProcessHeader(in BlockHeader header) => ProcessHeaders([header]);

    /// <summary>Hashes the batch (all at once, <see cref="HeaderHasher"/>) and checks that it links up; a result when it
    /// does not.</summary>
    internal static HeadersResult? HashAndLink(IReadOnlyList<BlockHeader> headers, Span<Hash256> hashes)
    {
        HeaderHasher.Hash(headers, hashes);
        for (int i = 1; i < headers.Count; i++)
        {
            if (headers[i].PreviousBlock != hashes[i - 1])
                return new HeadersResult { Reason = HeaderRejectReason.NonContinuous, RejectedHash = hashes[i] };
        }
        return null;
    }

    /// <summary>Takes an already hashed, linked batch from <paramref name="start"/> on.</summary>
    internal HeadersResult Accept(IReadOnlyList<BlockHeader> headers, ReadOnlySpan<Hash256> hashes, int start,
        bool checkMinimumWork)
    {
        // The rules read each header several times: from a span, without an interface call and an 80-byte copy
        // each time.
        if (headers is List<BlockHeader> list) return Accept(CollectionsMarshal.AsSpan(list), hashes, start, checkMinimumWork);
        if (headers is BlockHeader[] array) return Accept(array.AsSpan(), hashes, start, checkMinimumWork);
        var copy = ArrayPool<BlockHeader>.Shared.Rent(headers.Count);
        try
        {
            for (int i = 0; i < headers.Count; i++) copy[i] = headers[i];
            return Accept(copy.AsSpan(0, headers.Count), hashes, start, checkMinimumWork);
        }
        finally
        {
            ArrayPool<BlockHeader>.Shared.Return(copy);
        }
    }

    private HeadersResult Accept(ReadOnlySpan<BlockHeader> headers, ReadOnlySpan<Hash256> hashes, int start,
        bool checkMinimumWork)
    {
        long maxTime = MaxTimestamp();
        // The index is not pre-sized from the batch: measured, growing it ahead of need (still doubling) ended at a
        // larger table and allocated more per header than letting it double by itself.
        int accepted = 0, added = 0;
        bool newBest = false;
        BlockNode? last = null;
        var reason = HeaderRejectReason.None;
        int i = start;
        for (; i < headers.Length; i++)
        {
            ref readonly var header = ref headers[i];
            if (_byHash.TryGetValue(hashes[i], out var known))
            {
                if (known.IsInvalid)
                {
                    reason = HeaderRejectReason.KnownInvalid;
                    break;
                }
                last = known;
                accepted++;
                continue;
            }
            var parent = last ?? Find(header.PreviousBlock);
            if (parent is null) reason = HeaderRejectReason.Orphan;
            else if (parent.IsInvalid) reason = HeaderRejectReason.KnownInvalid;
            else if (checkMinimumWork && !IsEnoughWork(parent, headers, i, hashes[^1]))
                reason = HeaderRejectReason.BelowMinimumWork;
            else reason = CheckHeader(header, hashes[i], parent, maxTime);
            checkMinimumWork = false;
            if (reason != HeaderRejectReason.None) break;

            var node = new BlockNode(header, hashes[i], parent!, WorkOf(header.Bits), _sequence++, Headers)
            {
                Status = BlockStatus.HeaderValid,
            };
            _index.Add(node);
            last = node;
            accepted++;
            added++;
            if (node.ChainWork > BestHeader.ChainWork)
            {
                SetBestHeader(node);
                newBest = true;
            }
        }
        return new HeadersResult
        {
            Accepted = accepted, Added = added, Last = last, LastHash = last?.Hash, NewBestHeader = newBest,
            Reason = reason, RejectedHash = reason == HeaderRejectReason.None ? null : hashes[i],
        };
    }

    /// <summary>Core's anti-DoS test (net_processing TryLowWorkHeadersSync): the work the chain would have after the
    /// whole batch — the parent's work plus the work the headers claim — must reach the minimum. A batch whose last
    /// header is already stored is not tested.</summary>
    private bool IsEnoughWork(BlockNode parent, ReadOnlySpan<BlockHeader> headers, int from, in Hash256 lastHash)
    {
        if (parent.ChainWork >= MinimumChainWork) return true;
        var work = parent.ChainWork;
        for (int i = from; i < headers.Length; i++) work += WorkOf(headers[i].Bits);
        return work >= MinimumChainWork || Contains(lastHash);
    }

    /// <summary>The latest timestamp a header may carry now: our clock plus <see cref="NetworkTimeOffset"/> plus
    /// 2 hours.</summary>
    internal long MaxTimestamp() =>
        _clock.GetUtcNow().ToUnixTimeSeconds() + (long)NetworkTimeOffset.TotalSeconds + MaxFutureBlockTimeSeconds;

    /// <summary>All header rules for a header on <paramref name="parent"/>, computing its hash (for tests and
    /// callers that hold a single header).</summary>
    public HeaderRejectReason CheckHeader(in BlockHeader header, BlockNode parent) =>
        CheckHeader(header, header.GetHash(), parent, MaxTimestamp());

    /// <summary>The header rules (btcd blockchain/validate.go), in btcd's order except that "too far in the future",
    /// which is not the peer's fault, is reported only when nothing else is wrong (Core checks it last too).
    /// </summary>
    internal HeaderRejectReason CheckHeader(in BlockHeader header, in Hash256 hash, BlockNode parent, long maxTime)
    {
        // btcd blockchain/validate.go: the target is in range and the hash meets it (btcd checkProofOfWork, Core CheckProofOfWork).
        if (header.Bits != _lastTargetBits || !_lastTargetValid)
        {
            var decoded = UInt256.FromCompact(header.Bits, out bool negative, out bool overflow);
            _lastTargetBits = header.Bits;
            _lastTarget = decoded;
            _lastTargetValid = !(negative || overflow || decoded.IsZero || decoded > _powLimit);
            if (!_lastTargetValid) return HeaderRejectReason.InvalidProofOfWork;
        }
        if (!SkipProofOfWorkForTests && UInt256.FromHash(hash) > _lastTarget) return HeaderRejectReason.InvalidProofOfWork;

        // btcd blockchain/validate.go: the contextual rules (btcd checkBlockHeaderContext, Core ContextualCheckBlockHeader).
        int height = parent.Height + 1;
        if (header.Bits != GetNextRequiredBits(parent, header.Timestamp)) return HeaderRejectReason.BadDifficulty;
        if (header.Timestamp <= parent.GetMedianTimePast()) return HeaderRejectReason.TimeTooOld;
        if (Params.EnforceBip94 && height % _retargetInterval == 0 &&
            (long)header.Timestamp < (long)parent.Timestamp - MaxTimewarpSeconds)
            return HeaderRejectReason.TimewarpAttack;
        if ((header.Version < 2 && height >= Params.Bip34Height) ||
            (header.Version < 3 && height >= Params.Bip66Height) ||
            (header.Version < 4 && height >= Params.Bip65Height))
            return HeaderRejectReason.VersionTooOld;
        if (_checkpoints.TryGetValue(height, out var checkpointHash) && checkpointHash != hash)
            return HeaderRejectReason.CheckpointMismatch;
        if (_lastCheckpoint is { } last && height < last.Height) return HeaderRejectReason.ForkTooOld;

        if (header.Timestamp > maxTime) return HeaderRejectReason.TimeTooNew;
        return HeaderRejectReason.None;
    }

    /// <summary>The bits a child of <paramref name="parent"/> with timestamp <paramref name="timestamp"/> must have
    /// (btcd calcNextRequiredDifficulty, Core GetNextWorkRequired/CalculateNextWorkRequired): no retargeting on
    /// regtest; between retargets the parent's bits, or on the test networks the minimum difficulty when the block
    /// comes more than 20 minutes after its parent and otherwise the bits of the last block that did not use that
    /// exception; at a retarget the old target scaled by the time the last 2015 intervals took, clamped to a factor
    /// of 4, with BIP94's old target taken from the first block of the period.</summary>
    public uint GetNextRequiredBits(BlockNode parent, uint timestamp)
    {
        if (Params.PoWNoRetargeting) return Params.PowLimitBits;
        if ((parent.Height + 1) % _retargetInterval != 0)
        {
            if (!Params.ReduceMinDifficulty) return parent.Bits;
            if (timestamp > (long)parent.Timestamp + _minDiffSeconds) return Params.PowLimitBits;
            var walk = parent;
            while (walk.Parent is not null && walk.Height % _retargetInterval != 0 && walk.Bits == Params.PowLimitBits)
                walk = walk.Parent;
            return walk.Bits;
        }

        var first = parent.GetAncestor(parent.Height - (_retargetInterval - 1))!;
        long actual = (long)parent.Timestamp - first.Timestamp;
        long factor = Params.RetargetAdjustmentFactor;
        long adjusted = Math.Clamp(actual, _targetTimespanSeconds / factor, _targetTimespanSeconds * factor);
        var oldTarget = ProofOfWork.CompactToBig(Params.EnforceBip94 ? first.Bits : parent.Bits);
        var newTarget = oldTarget * adjusted / _targetTimespanSeconds;
        if (newTarget > Params.PowLimit) newTarget = Params.PowLimit;
        return ProofOfWork.BigToCompact(newTarget);
    }

    private void SetBestHeader(BlockNode node)
    {
        var previous = Headers.Tip;
        Headers.SetTip(node);
        if (ReferenceEquals(node.Parent, previous))
        {
            if (_checkpoints.TryGetValue(node.Height, out var hash) && hash == node.Hash)
                _lastCheckpoint = new Checkpoint(node.Height, hash);
        }
        else
        {
            UpdateLastCheckpoint();
        }
    }

    private void UpdateLastCheckpoint()
    {
        _lastCheckpoint = null;
        var checkpoints = Params.Checkpoints;
        for (int i = checkpoints.Length - 1; i >= 0; i--)
        {
            var cp = checkpoints[i];
            if (Headers[cp.Height] is { } node && node.Hash == cp.Hash)
            {
                _lastCheckpoint = cp;
                return;
            }
        }
    }

    /// <summary>Records that a block's data is stored (its header must be in the index). When this completes a
    /// chain of stored blocks with more work than the best block chain, that chain becomes the best: the result
    /// lists what was disconnected and connected. Null when the best block tip did not change.</summary>
    /// <exception cref="ArgumentException">The header is not in the index (call <see cref="ProcessHeaders"/>
    /// first).</exception>
    public BlockTipChange? MarkBlockStored(Hash256 hash)
    {
        if (!_byHash.TryGetValue(hash, out var node))
            throw new ArgumentException($"block {hash} is not in the index", nameof(hash));
        if (node.HasData) return null;
        node.Status |= BlockStatus.DataStored;
        var parent = node.Parent!;
        if (!parent.HasChainData)
        {
            if (!_unlinked.TryGetValue(parent, out var waiting)) _unlinked[parent] = waiting = [];
            waiting.Add(node);
            return null;
        }

        BlockNode? best = null;
        var queue = new Queue<BlockNode>();
        queue.Enqueue(node);
        while (queue.TryDequeue(out var n))
        {
            n.HasChainData = true;
            if (!n.IsInvalid && (best is null || n.ChainWork > best.ChainWork)) best = n;
            if (_unlinked.Remove(n, out var children))
                foreach (var child in children) queue.Enqueue(child);
        }
        return best is not null && best.ChainWork > BestBlock.ChainWork ? SetBestBlock(best) : null;
    }

    /// <summary>Records that a block broke a rule: it and every descendant become invalid, and both best chains
    /// move off them if they were on them. Returns the change of the best block tip, if any.</summary>
    public BlockTipChange? MarkBlockInvalid(Hash256 hash)
    {
        if (!_byHash.TryGetValue(hash, out var node))
            throw new ArgumentException($"block {hash} is not in the index", nameof(hash));
        if (node.Parent is null) throw new ArgumentException("genesis cannot be invalid", nameof(hash));
        if ((node.Status & BlockStatus.Invalid) != 0) return null;
        node.Status |= BlockStatus.Invalid;
        foreach (var n in _index)
        {
            if (n.Height > node.Height && (n.Status & BlockStatus.InvalidAncestor) == 0 && n.Descends(node))
                n.Status |= BlockStatus.InvalidAncestor;
        }

        if (BestHeader.IsInvalid)
        {
            Headers.SetTip(FindBest(n => true));
            UpdateLastCheckpoint();
        }
        return BestBlock.IsInvalid ? SetBestBlock(FindBest(n => n.HasChainData)) : null;
    }

    /// <summary>The valid node with most work that <paramref name="filter"/> allows, the first seen on a tie.
    /// A full scan: used only after an invalidation.</summary>
    private BlockNode FindBest(Func<BlockNode, bool> filter)
    {
        var best = Genesis;
        foreach (var n in _index)
        {
            if (n.IsInvalid || !filter(n)) continue;
            int c = n.ChainWork.CompareTo(best.ChainWork);
            if (c > 0 || (c == 0 && n.Sequence < best.Sequence)) best = n;
        }
        return best;
    }

    private BlockTipChange SetBestBlock(BlockNode tip)
    {
        var old = Blocks.Tip;
        var fork = Blocks.FindFork(tip);
        var disconnected = new List<BlockNode>(old.Height - fork.Height);
        for (var n = old; n != fork; n = n.Parent!) disconnected.Add(n);
        var connected = new List<BlockNode>(tip.Height - fork.Height);
        for (var n = tip; n != fork; n = n.Parent!) connected.Add(n);
        connected.Reverse();
        Blocks.SetTip(tip);
        return new BlockTipChange(old, tip, fork, disconnected, connected);
    }

    /// <summary>The next blocks to fetch for the best header chain: after the point where it meets the best block
    /// chain, in height order, those whose data is not stored, at most <paramref name="max"/> and not above
    /// <paramref name="maxHeight"/> (the download window).</summary>
    public List<BlockNode> GetBlocksToDownload(int max, int maxHeight = int.MaxValue)
    {
        var result = new List<BlockNode>(Math.Min(max, 1024));
        var fork = Headers.FindFork(BestBlock);
        int end = Math.Min(Headers.Height, maxHeight);
        for (int h = fork.Height + 1; h <= end && result.Count < max; h++)
        {
            var n = Headers[h]!;
            if (!n.HasData) result.Add(n);
        }
        return result;
    }

    /// <summary>Rebuilds the index at start from the block store, without checking proof of work or any rule
    /// again: each entry's hash is computed from its header, its parent must be an earlier entry (or genesis) and
    /// its height the parent's plus one. Entries must come in height order. Stops at the first inconsistent entry
    /// and reports it; what came before stays. Only on a new chain (genesis alone).</summary>
    public RestoreResult Restore(IEnumerable<StoredHeader> stored)
    {
        if (_index.Count != 1) throw new InvalidOperationException("Restore only into a new chain");
        var added = new List<BlockNode>();
        int restored = 0;
        string? error = null;
        var bestHeader = Genesis;
        // In chunks, so that the hashes are computed many at a time (HeaderHasher) while the entries stream in.
        const int Chunk = ChainView.MaxHeadersPerMessage;
        var entries = new StoredHeader[Chunk];
        var headers = new BlockHeader[Chunk];
        var hashes = new Hash256[Chunk];
        using var source = stored.GetEnumerator();
        bool more = true;
        BlockNode? previous = null;
        while (more && error is null)
        {
            int count = 0;
            while (count < Chunk && (more = source.MoveNext()))
            {
                entries[count] = source.Current;
                headers[count] = entries[count].Header;
                count++;
            }
            HeaderHasher.Hash(headers.AsSpan(0, count), hashes);
            for (int k = 0; k < count; k++)
            {
                var entry = entries[k];
                var hash = hashes[k];
                if (_byHash.Contains(hash))
                {
                    restored++;
                    continue;
                }
                // Entries come in height order: the parent is most often the entry just before.
                var parent = previous is not null && previous.Hash == entry.Header.PreviousBlock
                    ? previous : Find(entry.Header.PreviousBlock);
                if (parent is null)
                {
                    error = $"stored header {hash} at height {entry.Height}: its parent {entry.Header.PreviousBlock} is not among the headers before it";
                    break;
                }
                if (parent.Height + 1 != entry.Height)
                {
                    error = $"stored header {hash}: height {entry.Height}, but its parent is at {parent.Height}";
                    break;
                }
                var status = (entry.Status | BlockStatus.HeaderValid) & ~BlockStatus.InvalidAncestor;
                if (parent.IsInvalid) status |= BlockStatus.InvalidAncestor;
                var node = new BlockNode(entry.Header, hash, parent, WorkOf(entry.Header.Bits), _sequence++)
                {
                    Status = status,
                };
                _index.Add(node);
                previous = node;
                added.Add(node);
                restored++;
                if (!node.IsInvalid && node.ChainWork > bestHeader.ChainWork) bestHeader = node;
            }
        }

        Headers.SetTip(bestHeader);
        UpdateLastCheckpoint();
        var bestBlock = Genesis;
        foreach (var node in added)
        {
            if (!node.HasData) continue;
            if (node.Parent!.HasChainData)
            {
                node.HasChainData = true;
                if (!node.IsInvalid && node.ChainWork > bestBlock.ChainWork) bestBlock = node;
            }
            else
            {
                if (!_unlinked.TryGetValue(node.Parent, out var waiting)) _unlinked[node.Parent] = waiting = [];
                waiting.Add(node);
            }
        }
        Blocks.SetTip(bestBlock);
        return new RestoreResult(restored, error);
    }

    /// <summary>Every node of the index, for the block store to persist or for diagnostics.</summary>
    public IEnumerable<BlockNode> Nodes => _index;

    /// <summary>Nodes are equal when their hashes are; a hash finds its node (the alternate lookup).</summary>
    private sealed class NodeHashComparer : IEqualityComparer<BlockNode>, IAlternateEqualityComparer<Hash256, BlockNode>
    {
        public static readonly NodeHashComparer Instance = new();

        public bool Equals(BlockNode? x, BlockNode? y) =>
            ReferenceEquals(x, y) || (x is not null && y is not null && x.Hash == y.Hash);

        public int GetHashCode(BlockNode node) => node.Hash.GetHashCode();

        public bool Equals(Hash256 hash, BlockNode node) => node.Hash == hash;

        public int GetHashCode(Hash256 hash) => hash.GetHashCode();

        public BlockNode Create(Hash256 hash) => throw new NotSupportedException("index nodes are added whole");
    }
}
