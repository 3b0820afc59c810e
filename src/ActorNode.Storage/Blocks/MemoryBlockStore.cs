using ActorNode.Wire.Primitives;

namespace ActorNode.Storage.Blocks;

/// <summary>An <see cref="IBlockStore"/> in memory, for the lab and fast tests: the same rules as
/// <see cref="BlockStore"/> (header first, bytes verified against the hash, the tip only on a stored block, an
/// existing entry keeps its bytes) without files. Locations are synthetic: one endless file 0, records laid out as
/// <see cref="BlockStore"/> would lay them out without rolling. Nothing survives <see cref="Dispose"/>.</summary>
public sealed class MemoryBlockStore : IBlockStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<Hash256, StoredHeader> headers = new();
    private readonly Dictionary<Hash256, byte[]> blocks = new();
    private readonly Dictionary<string, byte[]> state = new(StringComparer.Ordinal);
    private long end;
    private Hash256? tip;

    public MemoryBlockStore(uint magic)
    {
        Magic = magic;
    }

    public uint Magic { get; }

    public Hash256? Tip
    {
        get { lock (gate) return tip; }
    }

    public void PutHeaders(IEnumerable<HeaderEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var list = entries.ToList();
        foreach (var h in list)
            BlockStore.CheckHeader(h);
        lock (gate)
        {
            foreach (var h in list)
            {
                var location = headers.TryGetValue(h.Hash, out var old) ? old.Location : null;
                headers[h.Hash] = new StoredHeader(h.Hash, h.Header, h.Height, h.Status, location);
            }
        }
    }

    public bool UpdateStatus(Hash256 hash, byte status)
    {
        lock (gate)
        {
            if (!headers.TryGetValue(hash, out var h))
                return false;
            headers[hash] = h with { Status = status };
            return true;
        }
    }

    public bool TryGetHeader(Hash256 hash, out StoredHeader header)
    {
        lock (gate) return headers.TryGetValue(hash, out header);
    }

    public IReadOnlyList<StoredHeader> LoadHeaders()
    {
        lock (gate)
            return headers.Values.OrderBy(h => h.Height).ThenBy(h => h.Hash).ToList();
    }

    public BlockLocation StoreBlock(Hash256 hash, ReadOnlySpan<byte> rawBlock)
    {
        lock (gate)
        {
            var (location, bytes) = Check(hash, rawBlock, new Dictionary<Hash256, BlockLocation>(), end);
            if (bytes is not null)
                Add(hash, location, bytes);
            return location;
        }
    }

    public void StoreBlocks(IEnumerable<(Hash256 Hash, ReadOnlyMemory<byte> RawBlock)> items) => StoreBlocks(items, null);

    public void StoreBlocks(IEnumerable<(Hash256 Hash, ReadOnlyMemory<byte> RawBlock)> items, Hash256? newTip)
    {
        ArgumentNullException.ThrowIfNull(items);
        var list = items as IReadOnlyList<(Hash256 Hash, ReadOnlyMemory<byte> RawBlock)> ?? items.ToList();
        lock (gate)
        {
            if (newTip is { } t && !blocks.ContainsKey(t) && !list.Any(b => b.Hash == t))
                throw new InvalidOperationException($"block {t} is neither stored nor in the batch; the tip must be a stored block");
            // All or none, as the durable store: check everything before changing anything.
            var pending = new Dictionary<Hash256, BlockLocation>();
            var added = new List<(Hash256, BlockLocation, byte[])>();
            long position = end;
            foreach (var (hash, raw) in list)
            {
                var (location, bytes) = Check(hash, raw.Span, pending, position);
                if (bytes is null)
                    continue;
                pending[hash] = location;
                added.Add((hash, location, bytes));
                position = location.Offset + location.Length;
            }
            foreach (var (hash, location, bytes) in added)
                Add(hash, location, bytes);
            if (newTip is not null)
                tip = newTip;
        }
    }

    /// <summary>The location the block has or would get, and its bytes when it is new.</summary>
    private (BlockLocation, byte[]?) Check(Hash256 hash, ReadOnlySpan<byte> raw, Dictionary<Hash256, BlockLocation> pending, long position)
    {
        if (!headers.TryGetValue(hash, out var h))
            throw new KeyNotFoundException($"block {hash} is not in the index: put its header first");
        if (h.Location is { } existing)
            return (existing, null);
        if (pending.TryGetValue(hash, out var inBatch))
            return (inBatch, null);
        if (raw.Length < BlockHeader.Size || Hash256.DoubleSha256(raw[..BlockHeader.Size]) != hash)
            throw new ArgumentException($"the bytes given for block {hash} do not start with its header", nameof(raw));
        if (raw.Length > BlockStoreOptions.MaxBlockLength)
            throw new ArgumentException($"block {hash} is {raw.Length} bytes, more than {BlockStoreOptions.MaxBlockLength}", nameof(raw));
        return (new BlockLocation(0, position + 8, raw.Length), raw.ToArray());
    }

    private void Add(Hash256 hash, BlockLocation location, byte[] bytes)
    {
        blocks[hash] = bytes;
        headers[hash] = headers[hash] with { Location = location };
        end = location.Offset + location.Length;
    }

    public bool HasBlock(Hash256 hash)
    {
        lock (gate) return blocks.ContainsKey(hash);
    }

    public bool TryReadBlock(Hash256 hash, out byte[] rawBlock)
    {
        lock (gate)
        {
            if (blocks.TryGetValue(hash, out var bytes))
            {
                rawBlock = bytes.ToArray(); // a copy: the caller may not change what is stored
                return true;
            }
        }
        rawBlock = [];
        return false;
    }

    public void SetTip(Hash256 hash)
    {
        lock (gate)
        {
            if (!blocks.ContainsKey(hash))
                throw new InvalidOperationException($"block {hash} is not stored; the tip must be a stored block");
            tip = hash;
        }
    }

    public void PutState(string key, ReadOnlySpan<byte> value)
    {
        _ = IndexCodec.StateKey(key); // the same key rules as the durable store
        lock (gate) state[key] = value.ToArray();
    }

    public bool TryGetState(string key, out byte[] value)
    {
        _ = IndexCodec.StateKey(key);
        lock (gate)
        {
            if (state.TryGetValue(key, out var stored))
            {
                value = stored.ToArray();
                return true;
            }
        }
        value = [];
        return false;
    }

    public void Dispose()
    {
    }
}
