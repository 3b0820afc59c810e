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
    public static Transaction Create(int seed, int index)
    {
        Span<byte> material = stackalloc byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(material, seed);
        BinaryPrimitives.WriteInt32LittleEndian(material[4..], index);
        var prevout = new Hash256(SHA256.HashData(material));
        var scriptSig = new byte[34];
        scriptSig[0] = 32; // one push of 32 bytes
        SHA256.HashData(prevout.ToArray(), scriptSig.AsSpan(1, 32));
        scriptSig[33] = 0x51; // OP_TRUE
        return new Transaction(2,
            [new TxIn(new OutPoint(prevout, (uint)(index & 0xff)), scriptSig)],
            [new TxOut(10_000, new byte[] { 0x51 })],
            0);
    }
}
