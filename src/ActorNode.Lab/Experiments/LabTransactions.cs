using System.Buffers.Binary;
using System.Security.Cryptography;
using ActorNode.Wire.Primitives;

namespace ActorNode.Lab.Experiments;

/// <summary>The transactions a run injects: structurally valid, standard-sized, final, without witness (so txid and
/// wtxid are the same hash, whatever relay the peers negotiate), and distinct per run seed and index. Each spends an
/// output that does not exist: the nodes keep no UTXO set, so they relay it as Bitcoin Core relays a transaction
/// whose inputs it cannot check only when it has them (the README says so).</summary>
public static class LabTransactions
{
    /// <summary>The smallest transaction <see cref="Create(int, int, int)"/> can make, and the size of
    /// <see cref="Create(int, int)"/>'s: one input whose script is a 32-byte push and OP_TRUE, one output.</summary>
    public const int MinSize = 95;

    /// <summary>The largest: the filler is one OP_PUSHDATA2 push, under 64 KiB (mainnet's largest in
    /// <see cref="MainnetTxSizes"/> is 17,096 bytes).</summary>
    public const int MaxSize = 65_000;

    public static Transaction Create(int seed, int index) => Create(seed, index, MinSize);

    /// <summary>A lab transaction of exactly <paramref name="size"/> serialised bytes: after its 32-byte marker the
    /// input script carries one push of filler bytes, then OP_TRUE. The same (seed, index) with another size is
    /// another transaction; at <see cref="MinSize"/> it is <see cref="Create(int, int)"/>'s.</summary>
    public static Transaction Create(int seed, int index, int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, MinSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, MaxSize);
        Span<byte> material = stackalloc byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(material, seed);
        BinaryPrimitives.WriteInt32LittleEndian(material[4..], index);
        var prevout = new Hash256(SHA256.HashData(material));

        // size = 60 fixed bytes + the script's CompactSize length (1 byte below 253, else 3) + the script, plus any
        // extra OP_TRUEs in the output script. Sizes whose script would be 253 or 254 bytes long with a 1-byte
        // length cannot be written canonically either way: two more output bytes make the script 251 or 252.
        int extra = size - 61 is 253 or 254 ? 2 : 0;
        int scriptLength = size - 61 - extra < 253 ? size - 61 - extra : size - 63;
        var scriptSig = new byte[scriptLength];
        scriptSig[0] = 32; // one push of 32 bytes
        SHA256.HashData(prevout.ToArray(), scriptSig.AsSpan(1, 32));
        WriteFillerPush(scriptSig.AsSpan(33, scriptLength - 34), (byte)size);
        scriptSig[^1] = 0x51; // OP_TRUE
        var outputScript = new byte[1 + extra];
        outputScript.AsSpan().Fill(0x51);
        return new Transaction(2,
            [new TxIn(new OutPoint(prevout, (uint)(index & 0xff)), scriptSig)],
            [new TxOut(10_000, outputScript)],
            0);
    }

    // Fills `push` with one push operation of its whole length: nothing for 0 bytes, OP_0 for 1, a direct push
    // (length byte, then data) up to 76, OP_PUSHDATA1 up to 257, OP_PUSHDATA2 beyond.
    private static void WriteFillerPush(Span<byte> push, byte filler)
    {
        int n = push.Length;
        if (n == 0) return;
        if (n == 1) { push[0] = 0x00; return; }
        int header = n - 1 <= 75 ? 1 : n - 2 <= 255 ? 2 : 3;
        int data = n - header;
        if (header == 1) push[0] = (byte)data;
        else if (header == 2) { push[0] = 0x4c; push[1] = (byte)data; }
        else { push[0] = 0x4d; BinaryPrimitives.WriteUInt16LittleEndian(push[1..], (ushort)data); }
        push[header..].Fill(filler);
    }
}
