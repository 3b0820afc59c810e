using ActorNode.Wire.Primitives;

namespace ActorNode.Storage.Blocks;

/// <summary>Accepted blocks on their way to an <see cref="IBlockStore"/>, written in batches by a
/// <see cref="BlockFlushPolicy"/>: each flush is one <see cref="IBlockStore.StoreBlocks(IEnumerable{ValueTuple{Hash256, ReadOnlyMemory{byte}}}, Hash256?)"/>
/// (the bytes synced once, then one synced index commit that names them and moves the tip).
/// <para>Two tips (docs/storage.md, "Batched writes"): <see cref="DurableTip"/> is the store's, a block whose bytes
/// and ancestors are on disk, the one to report (<c>getblockcount</c>, the height in a version message) and up to
/// which blocks may be served; <see cref="PendingTip"/> is where the chain is in memory, written by the next flush.
/// A waiting block is not in the store: <see cref="IBlockStore.HasBlock"/> and <see cref="IBlockStore.TryReadBlock"/>
/// say no until it is flushed, so a peer asking for it gets <c>notfound</c>, never bytes that a crash could take
/// back. After a crash the waiting blocks are gone (at most <see cref="BlockFlushPolicy.MaxBlocks"/>) and the
/// store's index says they are not stored, so they are downloaded again.</para>
/// <para>Not thread-safe: one owner (the store actor) calls it. The store's reads stay safe from any thread.</para></summary>
public sealed class BlockWriteBuffer
{
    private readonly IBlockStore store;
    private readonly TimeProvider time;
    private readonly List<(Hash256 Hash, ReadOnlyMemory<byte> RawBlock)> blocks = [];
    private readonly Dictionary<Hash256, ReadOnlyMemory<byte>> byHash = [];
    private long lastFlush;

    public BlockWriteBuffer(IBlockStore store, BlockFlushPolicy? policy = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        this.store = store;
        Policy = policy ?? BlockFlushPolicy.Default;
        Policy.Validate();
        this.time = time ?? TimeProvider.System;
        lastFlush = this.time.GetTimestamp();
    }

    public BlockFlushPolicy Policy { get; }

    /// <summary>Blocks accepted and not yet flushed.</summary>
    public int PendingBlocks => blocks.Count;

    /// <summary>Their bytes.</summary>
    public long PendingBytes { get; private set; }

    /// <summary>The tip the next flush writes, or null when it does not move the tip.</summary>
    public Hash256? PendingTip { get; private set; }

    /// <summary>The store's tip: durable, with every block up to it.</summary>
    public Hash256? DurableTip => store.Tip;

    /// <summary>The tip as the chain sees it: <see cref="PendingTip"/>, else <see cref="DurableTip"/>.</summary>
    public Hash256? Tip => PendingTip ?? store.Tip;

    /// <summary>Flushes so far, and the blocks they wrote (for the benchmark's fsyncs per 1,000 blocks).</summary>
    public long Flushes { get; private set; }

    public long FlushedBlocks { get; private set; }

    /// <summary>True while <paramref name="hash"/> waits in the buffer.</summary>
    public bool IsPending(Hash256 hash) => byHash.ContainsKey(hash);

    /// <summary>The bytes of a waiting block, for the node's own use (a reorganisation that disconnects it, the relay
    /// pool); never to serve a peer, as they are not durable.</summary>
    public bool TryGetPending(Hash256 hash, out ReadOnlyMemory<byte> rawBlock) => byHash.TryGetValue(hash, out rawBlock);

    /// <summary>Takes an accepted block. The bytes are kept as given (not copied): the caller must not change them.
    /// Its header must be in the store's index and hash to <paramref name="hash"/> (checked here, so that a flush
    /// does not fail later for a block that was never storable). A block already stored or waiting is ignored.</summary>
    /// <returns>True when a flush is now due (<see cref="FlushIfDue"/>).</returns>
    /// <exception cref="ArgumentException">The bytes do not start with the header of <paramref name="hash"/>, or are
    /// longer than <see cref="BlockStoreOptions.MaxBlockLength"/>.</exception>
    /// <exception cref="KeyNotFoundException">The hash is not in the index.</exception>
    public bool Add(Hash256 hash, ReadOnlyMemory<byte> rawBlock)
    {
        if (!store.TryGetHeader(hash, out var header))
            throw new KeyNotFoundException($"block {hash} is not in the index: put its header first");
        if (rawBlock.Length < BlockHeader.Size || Hash256.DoubleSha256(rawBlock.Span[..BlockHeader.Size]) != hash)
            throw new ArgumentException($"the bytes given for block {hash} do not start with its header", nameof(rawBlock));
        if (rawBlock.Length > BlockStoreOptions.MaxBlockLength)
            throw new ArgumentException($"block {hash} is {rawBlock.Length} bytes, more than {BlockStoreOptions.MaxBlockLength}", nameof(rawBlock));
        if (!header.HasData && byHash.TryAdd(hash, rawBlock))
        {
            blocks.Add((hash, rawBlock));
            PendingBytes += rawBlock.Length;
        }
        return IsDue;
    }

    /// <summary>Moves the tip that the next flush writes. It must be a stored or waiting block by then.</summary>
    public void MoveTip(Hash256 tip) => PendingTip = tip == store.Tip && blocks.Count == 0 ? null : tip;

    /// <summary>The policy says flush now.</summary>
    public bool IsDue => Policy.IsDue(blocks.Count, PendingBytes, time.GetElapsedTime(lastFlush));

    /// <summary>How long until a flush is due if nothing more arrives (null: nothing waits). For the owner's timer.</summary>
    public TimeSpan? DueIn => Policy.DueIn(blocks.Count, PendingBytes, time.GetElapsedTime(lastFlush));

    /// <summary><see cref="Flush"/> when the policy says so; else null.</summary>
    public BlockFlush? FlushIfDue() => IsDue ? Flush() : null;

    /// <summary>Writes every waiting block and the pending tip in one store write (also when the policy would
    /// wait: at shutdown, or when the chain has caught up and the new tip should be announced). Null when there
    /// is nothing to write. On an exception nothing is written and the blocks still wait (the next flush tries
    /// again, or <see cref="Discard"/> drops them).</summary>
    public BlockFlush? Flush()
    {
        if (blocks.Count == 0 && PendingTip is null)
            return null;
        var tip = PendingTip;
        store.StoreBlocks(blocks, tip);
        var done = new BlockFlush(blocks.Count, PendingBytes, store.Tip);
        Flushes++;
        FlushedBlocks += blocks.Count;
        Clear();
        return done;
    }

    /// <summary>Drops every waiting block and the pending tip (after a flush failed); returns the dropped hashes,
    /// which the owner must treat as not stored (download again).</summary>
    public IReadOnlyList<Hash256> Discard()
    {
        var dropped = blocks.Select(b => b.Hash).ToList();
        Clear();
        return dropped;
    }

    private void Clear()
    {
        blocks.Clear();
        byHash.Clear();
        PendingBytes = 0;
        PendingTip = null;
        lastFlush = time.GetTimestamp();
    }
}

/// <summary>What one <see cref="BlockWriteBuffer.Flush"/> made durable: <paramref name="Blocks"/> blocks of
/// <paramref name="Bytes"/> bytes, and the store's tip after it.</summary>
public readonly record struct BlockFlush(int Blocks, long Bytes, Hash256? DurableTip);
