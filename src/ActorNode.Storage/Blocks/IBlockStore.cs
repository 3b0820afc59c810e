using ActorNode.Wire.Primitives;

namespace ActorNode.Storage.Blocks;

/// <summary>The block index, the blocks' bytes and the chain state of one network. Two implementations behave
/// alike: <see cref="BlockStore"/> (flat files and a RocksDB index, durable, crash-safe) and
/// <see cref="MemoryBlockStore"/> (for the lab and fast tests). Writes are serialised by the store; reads may
/// run on any thread, also during a write.
/// <para>The order of things follows Core: a header enters the index first (<see cref="PutHeaders"/>), its block's
/// bytes later (<see cref="StoreBlock"/>), and the tip moves only to a block whose bytes are stored.</para></summary>
public interface IBlockStore : IDisposable
{
    /// <summary>The network magic that starts every flat-file record (and that the store was created with).</summary>
    uint Magic { get; }

    /// <summary>The best block tip as last set by <see cref="SetTip"/> or by <see cref="StoreBlocks(IEnumerable{ValueTuple{Hash256, ReadOnlyMemory{byte}}}, Hash256?)"/>,
    /// or null before the first. Always a block whose bytes are durable: the tip to report.</summary>
    Hash256? Tip { get; }

    /// <summary>Adds or updates index entries in one atomic, durable commit. An entry that exists keeps its stored
    /// block location; its height and status are replaced.</summary>
    /// <exception cref="ArgumentException">A hash is not the hash of its header, or a height is negative.</exception>
    void PutHeaders(IEnumerable<HeaderEntry> headers);

    /// <summary>Replaces the status byte of a known block. False when the hash is not in the index.</summary>
    bool UpdateStatus(Hash256 hash, byte status);

    /// <summary>The index entry of <paramref name="hash"/>, if any.</summary>
    bool TryGetHeader(Hash256 hash, out StoredHeader header);

    /// <summary>Every index entry, ordered by height (then by hash), for rebuilding the header chain at start.</summary>
    IReadOnlyList<StoredHeader> LoadHeaders();

    /// <summary>Stores a block's raw serialised bytes (with witness, as received). Its header must be in the index
    /// already and hash to <paramref name="hash"/>. A block that is stored already is left as it is. Durable when
    /// this returns: bytes appended and flushed first, index commit after.</summary>
    /// <returns>Where the bytes are.</returns>
    /// <exception cref="ArgumentException">The bytes do not start with the header of <paramref name="hash"/>, or
    /// are longer than <see cref="BlockStoreOptions.MaxBlockLength"/>.</exception>
    /// <exception cref="KeyNotFoundException">The hash is not in the index.</exception>
    BlockLocation StoreBlock(Hash256 hash, ReadOnlySpan<byte> rawBlock);

    /// <summary><see cref="StoreBlock"/> for several blocks with one flush and one index commit (the batched
    /// fsync policy); all or none become visible.</summary>
    void StoreBlocks(IEnumerable<(Hash256 Hash, ReadOnlyMemory<byte> RawBlock)> blocks);

    /// <summary><see cref="StoreBlocks(IEnumerable{ValueTuple{Hash256, ReadOnlyMemory{byte}}})"/> that also moves the
    /// tip to <paramref name="newTip"/> (when not null) in the same commit: the blocks' bytes are flushed first, then
    /// one durable index commit names them and moves the tip. All or none: after a crash the store has either the
    /// old tip without these blocks or the new tip with all of them. This is the write of a
    /// <see cref="BlockWriteBuffer"/> flush.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="newTip"/> is neither stored nor in the batch
    /// (nothing is written).</exception>
    void StoreBlocks(IEnumerable<(Hash256 Hash, ReadOnlyMemory<byte> RawBlock)> blocks, Hash256? newTip);

    /// <summary>True when the block's bytes are stored.</summary>
    bool HasBlock(Hash256 hash);

    /// <summary>Reads a stored block's bytes and verifies them (record magic and length, checksum, and that the
    /// header hashes to <paramref name="hash"/>). False when the bytes are not stored.</summary>
    /// <exception cref="BlockStoreCorruptException">They are stored but do not verify; the message names the file.</exception>
    bool TryReadBlock(Hash256 hash, out byte[] rawBlock);

    /// <summary>Moves the best block tip, durably.</summary>
    /// <exception cref="InvalidOperationException">The block's bytes are not stored: the tip never points to a
    /// block whose data is not durable.</exception>
    void SetTip(Hash256 hash);

    /// <summary>Puts a small chain-state value under <paramref name="key"/> (replacing any), durably.</summary>
    void PutState(string key, ReadOnlySpan<byte> value);

    /// <summary>Reads a chain-state value.</summary>
    bool TryGetState(string key, out byte[] value);
}
