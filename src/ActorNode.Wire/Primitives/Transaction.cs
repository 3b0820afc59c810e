using System.Buffers;
using System.Security.Cryptography;
using ActorNode.Wire.Encoding;

namespace ActorNode.Wire.Primitives;

/// <summary>A reference to an output of an earlier transaction.</summary>
public readonly record struct OutPoint(Hash256 Hash, uint Index)
{
    public const int Size = 36;
    /// <summary>The null outpoint a coinbase input spends.</summary>
    public static readonly OutPoint Null = new(Hash256.Zero, uint.MaxValue);
    public bool IsNull => Index == uint.MaxValue && Hash.IsZero;
    public override string ToString() => $"{Hash}:{Index}";
}

/// <summary>A transaction input. <see cref="ScriptSig"/> and the witness items may be slices of the received
/// buffer (zero-copy); treat them as read-only.</summary>
public readonly record struct TxIn(OutPoint PreviousOutput, ReadOnlyMemory<byte> ScriptSig, uint Sequence,
    ReadOnlyMemory<byte>[] Witness)
{
    public const uint MaxSequence = uint.MaxValue;

    public TxIn(OutPoint previousOutput, ReadOnlyMemory<byte> scriptSig, uint sequence = MaxSequence)
        : this(previousOutput, scriptSig, sequence, []) { }

    public bool HasWitness => Witness is { Length: > 0 };
}

/// <summary>A transaction output: value in satoshis and the locking script.</summary>
public readonly record struct TxOut(long Value, ReadOnlyMemory<byte> PkScript);

/// <summary>A Bitcoin transaction, with and without witness (BIP144, btcd wire/msgtx.go).
/// <para>A decoded transaction remembers where its bytes lie in the received buffer, so its txid and wtxid are
/// hashed straight from those bytes without re-serialising. Both are computed on first use and cached.</para></summary>
public sealed class Transaction
{
    /// <summary>btcd's bounds: inputs ≤ 32 MiB / 41 + 1, outputs ≤ 32 MiB / 9 + 1.</summary>
    public const int MaxInputs = WireLimits.MaxMessagePayload / 41 + 1;
    public const int MaxOutputs = WireLimits.MaxMessagePayload / 9 + 1;
    public const int MaxWitnessItems = 4_000_000;
    public const int MaxScriptSize = 4_000_000;
    /// <summary>All scripts and witness items of one transaction together (btcd's 4 MiB scratch slab).</summary>
    public const int MaxTotalScriptBytes = 1 << 22;
    public const int MinInputSize = 32 + 4 + 1 + 4;
    public const int MinOutputSize = 8 + 1;

    // Where the transaction's bytes lie in a received buffer (decoded transactions only).
    private readonly ReadOnlyMemory<byte> _raw;
    private readonly int _bodyStart; // after version (and marker+flag): the input count
    private readonly int _bodyEnd;   // after the outputs: the first witness byte or the lock time
    private readonly bool _rawHasWitness;

    private Hash256 _txid, _wtxid;
    private volatile bool _hasTxid, _hasWtxid;

    public Transaction(int version, TxIn[] inputs, TxOut[] outputs, uint lockTime)
    {
        Version = version;
        Inputs = inputs;
        Outputs = outputs;
        LockTime = lockTime;
    }

    private Transaction(int version, TxIn[] inputs, TxOut[] outputs, uint lockTime,
        ReadOnlyMemory<byte> raw, int bodyStart, int bodyEnd, bool hasWitness)
        : this(version, inputs, outputs, lockTime)
    {
        _raw = raw;
        _bodyStart = bodyStart;
        _bodyEnd = bodyEnd;
        _rawHasWitness = hasWitness;
    }

    public int Version { get; }
    public TxIn[] Inputs { get; }
    public TxOut[] Outputs { get; }
    public uint LockTime { get; }

    /// <summary>True when any input carries witness items (the transaction is then written with marker and flag
    /// under witness encoding).</summary>
    public bool HasWitness => _raw.IsEmpty ? Inputs.Any(i => i.HasWitness) : _rawHasWitness;

    public bool IsCoinbase => Inputs.Length == 1 && Inputs[0].PreviousOutput.IsNull;

    /// <summary>The hash of the serialisation without witness data, shown reversed.</summary>
    public Hash256 Txid
    {
        get
        {
            if (!_hasTxid)
            {
                _txid = ComputeTxid();
                _hasTxid = true;
            }
            return _txid;
        }
    }

    /// <summary>The hash of the serialisation with witness data (equals <see cref="Txid"/> without witnesses).</summary>
    public Hash256 Wtxid
    {
        get
        {
            if (!_hasWtxid)
            {
                _wtxid = !HasWitness ? Txid
                    : !_raw.IsEmpty ? Hash256.DoubleSha256(_raw.Span)
                    : Hash256.DoubleSha256(ToArray(WireEncoding.Witness));
                _hasWtxid = true;
            }
            return _wtxid;
        }
    }

    private Hash256 ComputeTxid()
    {
        if (_raw.IsEmpty) return Hash256.DoubleSha256(ToArray(WireEncoding.Base));
        var raw = _raw.Span;
        if (!_rawHasWitness) return Hash256.DoubleSha256(raw);
        // version ‖ inputs and outputs ‖ lock time, taken from the received bytes.
        int bodyLength = _bodyEnd - _bodyStart;
        int length = 4 + bodyLength + 4;
        byte[] rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var buffer = rented.AsSpan(0, length);
            raw[..4].CopyTo(buffer);
            raw[_bodyStart.._bodyEnd].CopyTo(buffer[4..]);
            raw[^4..].CopyTo(buffer[(4 + bodyLength)..]);
            return Hash256.DoubleSha256(buffer);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Size without witness data.</summary>
    public int BaseSize => GetSerializedSize(WireEncoding.Base);

    /// <summary>Size with witness data.</summary>
    public int TotalSize => !_raw.IsEmpty ? _raw.Length : GetSerializedSize(WireEncoding.Witness);

    /// <summary>BIP141 weight: base size × 3 + total size.</summary>
    public int Weight => BaseSize * 3 + TotalSize;

    public int GetSerializedSize(WireEncoding encoding)
    {
        if (encoding == WireEncoding.Base && !_raw.IsEmpty)
            return _rawHasWitness ? 4 + (_bodyEnd - _bodyStart) + 4 : _raw.Length;
        bool witness = encoding == WireEncoding.Witness && HasWitness;
        int size = 4 + CompactSize.SizeOf((ulong)Inputs.Length) + CompactSize.SizeOf((ulong)Outputs.Length) + 4;
        if (witness) size += 2;
        foreach (var input in Inputs)
        {
            size += OutPoint.Size + CompactSize.SizeOf((ulong)input.ScriptSig.Length) + input.ScriptSig.Length + 4;
            if (witness)
            {
                size += CompactSize.SizeOf((ulong)input.Witness.Length);
                foreach (var item in input.Witness) size += CompactSize.SizeOf((ulong)item.Length) + item.Length;
            }
        }
        foreach (var output in Outputs)
            size += 8 + CompactSize.SizeOf((ulong)output.PkScript.Length) + output.PkScript.Length;
        return size;
    }

    /// <summary>Reads a transaction (btcd MsgTx.BtcDecode). With witness encoding a zero input count is the BIP144
    /// marker, and the flag byte must then be 0x01.</summary>
    public static Transaction Read(ref WireReader reader, WireEncoding encoding)
    {
        int start = reader.Position;
        int version = reader.ReadInt32();
        int bodyStart = reader.Position;
        ulong count = reader.ReadCompactSize();
        bool segwit = false;
        if (count == 0 && encoding == WireEncoding.Witness)
        {
            byte flag = reader.ReadByte();
            if (flag != 0x01)
                throw new WireException(WireError.Malformed, $"witness flag must be 0x01, was 0x{flag:x2}");
            segwit = true;
            bodyStart = reader.Position;
            count = reader.ReadCompactSize();
        }
        int inputCount = CheckCount(count, MaxInputs, MinInputSize, reader.Remaining, "tx inputs");

        long scriptBytes = 0;
        var inputs = inputCount == 0 ? [] : new TxIn[inputCount];
        for (int i = 0; i < inputs.Length; i++)
        {
            var prev = new OutPoint(reader.ReadHash(), reader.ReadUInt32());
            var script = ReadScript(ref reader, ref scriptBytes, "signature script");
            inputs[i] = new TxIn(prev, script, reader.ReadUInt32(), []);
        }

        int outputCount = reader.ReadCount(MaxOutputs, MinOutputSize, "tx outputs");
        var outputs = outputCount == 0 ? [] : new TxOut[outputCount];
        for (int i = 0; i < outputs.Length; i++)
        {
            long value = reader.ReadInt64();
            outputs[i] = new TxOut(value, ReadScript(ref reader, ref scriptBytes, "public key script"));
        }
        int bodyEnd = reader.Position;

        if (segwit)
        {
            bool any = false;
            for (int i = 0; i < inputs.Length; i++)
            {
                int items = reader.ReadCount(MaxWitnessItems, 1, "witness items");
                if (items == 0) continue;
                any = true;
                var witness = new ReadOnlyMemory<byte>[items];
                for (int j = 0; j < items; j++) witness[j] = ReadScript(ref reader, ref scriptBytes, "witness item");
                inputs[i] = inputs[i] with { Witness = witness };
            }
            if (!any)
                throw new WireException(WireError.Malformed, "witness flag set but the transaction has no witnesses");
        }

        uint lockTime = reader.ReadUInt32();
        var raw = reader.Buffer.Slice(start, reader.Position - start);
        return new Transaction(version, inputs, outputs, lockTime, raw, bodyStart - start, bodyEnd - start, segwit);
    }

    private static int CheckCount(ulong count, int max, int minSize, int remaining, string what)
    {
        if (count > (ulong)max)
            throw new WireException(WireError.TooMany, $"{what}: count {count} exceeds the limit of {max}");
        if (count > (ulong)(remaining / minSize))
            throw new WireException(WireError.TooMany, $"{what}: count {count} cannot fit in the {remaining} bytes left");
        return (int)count;
    }

    private static ReadOnlyMemory<byte> ReadScript(ref WireReader reader, ref long total, string what)
    {
        var script = reader.ReadVarBytes(MaxScriptSize, what);
        total += script.Length;
        if (total > MaxTotalScriptBytes)
            throw new WireException(WireError.TooMany, "transaction scripts exceed the 4 MiB total");
        return script;
    }

    /// <summary>Writes the transaction; the marker, flag and witnesses only under witness encoding and only when
    /// an input has a witness (btcd MsgTx.BtcEncode).</summary>
    public void Write(WireWriter writer, WireEncoding encoding)
    {
        bool witness = encoding == WireEncoding.Witness && HasWitness;
        if (!_raw.IsEmpty && witness == _rawHasWitness)
        {
            writer.WriteBytes(_raw.Span); // exactly the bytes received
            return;
        }
        writer.WriteInt32(Version);
        if (witness)
        {
            writer.WriteByte(0x00);
            writer.WriteByte(0x01);
        }
        writer.WriteCompactSize((ulong)Inputs.Length);
        foreach (var input in Inputs)
        {
            writer.WriteHash(input.PreviousOutput.Hash);
            writer.WriteUInt32(input.PreviousOutput.Index);
            writer.WriteVarBytes(input.ScriptSig.Span);
            writer.WriteUInt32(input.Sequence);
        }
        writer.WriteCompactSize((ulong)Outputs.Length);
        foreach (var output in Outputs)
        {
            writer.WriteInt64(output.Value);
            writer.WriteVarBytes(output.PkScript.Span);
        }
        if (witness)
        {
            foreach (var input in Inputs)
            {
                writer.WriteCompactSize((ulong)input.Witness.Length);
                foreach (var item in input.Witness) writer.WriteVarBytes(item.Span);
            }
        }
        writer.WriteUInt32(LockTime);
    }

    public byte[] ToArray(WireEncoding encoding = WireEncoding.Witness)
    {
        var buffer = new ArrayBufferWriter<byte>(GetSerializedSize(encoding));
        Write(new WireWriter(buffer), encoding);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Parses one whole transaction; every byte must be used.</summary>
    public static Transaction Parse(ReadOnlyMemory<byte> bytes, WireEncoding encoding = WireEncoding.Witness)
    {
        var reader = new WireReader(bytes);
        var tx = Read(ref reader, encoding);
        reader.EnsureEnd("tx");
        return tx;
    }

    public override string ToString() => Txid.ToString();
}
