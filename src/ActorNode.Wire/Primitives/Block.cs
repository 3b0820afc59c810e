using System.Buffers;
using ActorNode.Wire.Encoding;

namespace ActorNode.Wire.Primitives;

/// <summary>A block: header and transactions (btcd MsgBlock). Transactions decoded from a buffer reference it, and so
/// does the block (<see cref="GetRawBytes"/>).</summary>
public sealed class Block(BlockHeader header, Transaction[] transactions)
{
    // The bytes it was decoded from (empty for a block built in code).
    private ReadOnlyMemory<byte> _raw;

    public BlockHeader Header { get; } = header;
    public Transaction[] Transactions { get; } = transactions;

    public Hash256 GetHash() => Header.GetHash();

    public static Block Read(ref WireReader reader, WireEncoding encoding)
    {
        int start = reader.Position;
        var header = BlockHeader.Read(ref reader);
        int count = reader.ReadCount(WireLimits.MaxTxPerBlock, 10, "block transactions");
        var transactions = new Transaction[count];
        for (int i = 0; i < count; i++) transactions[i] = Transaction.Read(ref reader, encoding);
        return new Block(header, transactions) { _raw = reader.Buffer[start..reader.Position] };
    }

    /// <summary>The block's serialisation with witness data (what the block store keeps), without a copy when the
    /// block was decoded: the received bytes themselves. They are the same bytes <see cref="ToArray"/> would write,
    /// because decoding accepts only the canonical form (minimal CompactSizes, no witness flag without witnesses),
    /// and a block read without witnesses has none to write.</summary>
    public ReadOnlyMemory<byte> GetRawBytes() => _raw.IsEmpty ? ToArray() : _raw;

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
