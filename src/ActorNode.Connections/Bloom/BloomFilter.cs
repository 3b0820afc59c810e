using System.Buffers.Binary;
using ActorNode.Wire;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;

namespace ActorNode.Connections.Bloom;

/// <summary>A BIP37 bloom filter as a peer loads it (Bitcoin Core bloom.cpp CBloomFilter, btcd bloom.Filter): a bit
/// field of at most 36,000 bytes, at most 50 hash functions, each MurmurHash3 seeded with
/// <c>n · 0xFBA4C795 + tweak</c>, and the update flags that say which outpoints a match adds.
/// <para>An empty bit field matches everything (Core: a zero-size filter is "match-all"; inserting into it does
/// nothing, CVE-2013-5700).</para></summary>
public sealed class BloomFilter
{
    /// <summary>Core MAX_BLOOM_FILTER_SIZE.</summary>
    public const int MaxSize = WireLimits.MaxFilterLoadFilterSize;

    /// <summary>Core MAX_HASH_FUNCS.</summary>
    public const int MaxHashFuncs = WireLimits.MaxFilterLoadHashFuncs;

    /// <summary>Core MAX_SCRIPT_ELEMENT_SIZE: the largest element filteradd may add.</summary>
    public const int MaxElementSize = WireLimits.MaxFilterAddDataSize;

    private const uint SeedMultiplier = 0xFBA4C795;
    private const double Ln2Squared = 0.4804530139182014246671025263266649717305529515945455;
    private const double Ln2 = 0.6931471805599453094172321214581765680755001343602552;

    private readonly byte[] _data;

    /// <summary>A filter from a <c>filterload</c>: the peer's bytes, hash count, tweak and flags, unchecked (see
    /// <see cref="IsWithinSizeConstraints"/>).</summary>
    public BloomFilter(ReadOnlySpan<byte> data, uint hashFuncs, uint tweak, BloomUpdate flags)
    {
        _data = data.ToArray();
        HashFuncs = hashFuncs;
        Tweak = tweak;
        Flags = flags;
    }

    /// <summary>A filter sized for <paramref name="elements"/> elements at a false-positive rate (Core's
    /// CBloomFilter(nElements, nFPRate, nTweak, nFlags), for tests and clients).</summary>
    public BloomFilter(int elements, double falsePositiveRate, uint tweak, BloomUpdate flags)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(elements);
        double bits = -1 / Ln2Squared * elements * Math.Log(falsePositiveRate);
        int size = (int)(Math.Min(bits, MaxSize * 8) / 8);
        _data = new byte[size];
        HashFuncs = (uint)Math.Min(_data.Length * 8 / elements * Ln2, MaxHashFuncs);
        Tweak = tweak;
        Flags = flags;
    }

    public static BloomFilter FromMessage(FilterLoadMessage message) =>
        new(message.Filter.Span, message.HashFuncs, message.Tweak, message.Flags);

    public uint HashFuncs { get; }
    public uint Tweak { get; }
    public BloomUpdate Flags { get; }
    public ReadOnlySpan<byte> Data => _data;

    /// <summary>Core IsWithinSizeConstraints: at most 36,000 bytes and 50 hash functions.</summary>
    public bool IsWithinSizeConstraints => _data.Length <= MaxSize && HashFuncs <= MaxHashFuncs;

    /// <summary>The filter as a filterload message (Core serialises CBloomFilter the same way).</summary>
    public FilterLoadMessage ToMessage() => new(_data.ToArray(), HashFuncs, Tweak, Flags);

    private uint Hash(uint n, ReadOnlySpan<byte> data) =>
        (uint)(Murmur3.Hash(unchecked(n * SeedMultiplier + Tweak), data) % ((ulong)_data.Length * 8));

    public void Insert(ReadOnlySpan<byte> element)
    {
        if (_data.Length == 0) return;
        for (uint i = 0; i < HashFuncs; i++)
        {
            uint index = Hash(i, element);
            _data[index >> 3] |= (byte)(1 << (int)(7 & index));
        }
    }

    public void Insert(Hash256 hash)
    {
        Span<byte> bytes = stackalloc byte[Hash256.Size];
        hash.CopyTo(bytes);
        Insert(bytes);
    }

    /// <summary>An outpoint as Core serialises COutPoint: the 32 hash bytes, then the index (uint32 LE).</summary>
    public void Insert(OutPoint outPoint)
    {
        Span<byte> bytes = stackalloc byte[OutPoint.Size];
        Write(outPoint, bytes);
        Insert(bytes);
    }

    public bool Contains(ReadOnlySpan<byte> element)
    {
        if (_data.Length == 0) return true;
        for (uint i = 0; i < HashFuncs; i++)
        {
            uint index = Hash(i, element);
            if ((_data[index >> 3] & (byte)(1 << (int)(7 & index))) == 0) return false;
        }
        return true;
    }

    public bool Contains(Hash256 hash)
    {
        Span<byte> bytes = stackalloc byte[Hash256.Size];
        hash.CopyTo(bytes);
        return Contains(bytes);
    }

    public bool Contains(OutPoint outPoint)
    {
        Span<byte> bytes = stackalloc byte[OutPoint.Size];
        Write(outPoint, bytes);
        return Contains(bytes);
    }

    /// <summary>Empties the bit field (Core clear(); the size, hash count, tweak and flags stay).</summary>
    public void Clear() => Array.Clear(_data);

    /// <summary>Whether <paramref name="tx"/> is relevant to the filter, adding the outpoints of matched outputs as
    /// the flags say (Core CBloomFilter::IsRelevantAndUpdate, in its order):
    /// <list type="number">
    /// <item>the txid;</item>
    /// <item>each output script's data pushes: the first that matches marks the transaction and, with
    /// BLOOM_UPDATE_ALL (or with P2PUBKEY_ONLY when the output is pay-to-pubkey or bare multisig), adds that output's
    /// outpoint so that a spend of it matches later; every output is looked at;</item>
    /// <item>only when nothing matched so far: each input's previous outpoint, then its scriptSig's data pushes.</item>
    /// </list></summary>
    public bool IsRelevantAndUpdate(Transaction tx)
    {
        if (_data.Length == 0) return true; // match-all
        bool found = false;
        var txid = tx.Txid;
        if (Contains(txid)) found = true;

        var update = (BloomUpdate)((byte)Flags & 3); // Core BLOOM_UPDATE_MASK
        for (int i = 0; i < tx.Outputs.Length; i++)
        {
            var script = tx.Outputs[i].PkScript.Span;
            int position = 0;
            while (ScriptPushes.TryReadOp(script, ref position, out _, out var data))
            {
                if (data.Length == 0 || !Contains(data)) continue;
                found = true;
                if (update == BloomUpdate.All
                    || update == BloomUpdate.P2PubKeyOnly && (ScriptPushes.IsPayToPubKey(script) || ScriptPushes.IsMultisig(script)))
                    Insert(new OutPoint(txid, (uint)i));
                break;
            }
        }
        if (found) return true;

        foreach (var input in tx.Inputs)
        {
            if (Contains(input.PreviousOutput)) return true;
            var script = input.ScriptSig.Span;
            int position = 0;
            while (ScriptPushes.TryReadOp(script, ref position, out _, out var data))
                if (data.Length != 0 && Contains(data)) return true;
        }
        return false;
    }

    private static void Write(OutPoint outPoint, Span<byte> destination)
    {
        outPoint.Hash.CopyTo(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[Hash256.Size..], outPoint.Index);
    }
}
