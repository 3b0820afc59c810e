using System.Buffers;
using ActorNode.Wire.Encoding;

namespace ActorNode.Wire.Primitives;

/// <summary>A block: header and transactions (btcd MsgBlock). Transactions decoded from a buffer reference it.</summary>
public sealed class Block(BlockHeader header, Transaction[] transactions)
{
    public BlockHeader Header { get; } = header;
    public Transaction[] Transactions { get; } = transactions;

    public Hash256 GetHash() => Header.GetHash();

    public static Block Read(ref WireReader reader, WireEncoding encoding)
    {
        var header = BlockHeader.Read(ref reader);
        int count = reader.ReadCount(WireLimits.MaxTxPerBlock, 10, "block transactions");
        var transactions = new Transaction[count];
        for (int i = 0; i < count; i++) transactions[i] = Transaction.Read(ref reader, encoding);
        return new Block(header, transactions);
    }

    public void Write(WireWriter writer, WireEncoding encoding)
    {
        Header.Write(writer);
        writer.WriteCompactSize((ulong)Transactions.Length);
        foreach (var tx in Transactions) tx.Write(writer, encoding);
    }

    /// <summary>Parses one whole block; every byte must be used.</summary>
    public static Block Parse(ReadOnlyMemory<byte> bytes, WireEncoding encoding = WireEncoding.Witness)
    {
        var reader = new WireReader(bytes);
        var block = Read(ref reader, encoding);
        reader.EnsureEnd("block");
        return block;
    }

    public byte[] ToArray(WireEncoding encoding = WireEncoding.Witness)
    {
        var buffer = new ArrayBufferWriter<byte>(GetSerializedSize(encoding));
        Write(new WireWriter(buffer), encoding);
        return buffer.WrittenSpan.ToArray();
    }

    public int GetSerializedSize(WireEncoding encoding)
    {
        int size = BlockHeader.Size + CompactSize.SizeOf((ulong)Transactions.Length);
        foreach (var tx in Transactions) size += tx.GetSerializedSize(encoding);
        return size;
    }

    /// <summary>BIP141 block weight.</summary>
    public int Weight => GetSerializedSize(WireEncoding.Base) * 3 + GetSerializedSize(WireEncoding.Witness);
}
