using System.Buffers.Binary;
using ActorNode.Wire.Tests;

namespace ActorNode.Chain.Tests;

/// <summary>The real block files in shared/data (formats in shared/data/README.md), located and decompressed by the
/// shared <see cref="TestData"/>; the framed records are read here without assuming their magic, which the tests
/// check themselves.</summary>
internal static class SharedData
{
    public static string PathOf(string fileName) => TestData.PathOf(fileName);

    /// <summary>A framed-block record: the magic it carried and the serialised block.</summary>
    public readonly record struct FramedRecord(uint Magic, ReadOnlyMemory<byte> Block);

    /// <summary>Splits a decompressed framed-block stream (magic uint32 LE ‖ length uint32 LE ‖ block) into its
    /// records; the stream must end exactly at a record boundary.</summary>
    public static List<FramedRecord> ReadFramedBlocks(string fileName)
    {
        var bytes = TestData.ReadBZip2(fileName);
        var records = new List<FramedRecord>();
        int offset = 0;
        while (offset < bytes.Length)
        {
            if (bytes.Length - offset < 8) throw new InvalidDataException("truncated record header");
            uint magic = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset));
            int length = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 4)));
            offset += 8;
            if (bytes.Length - offset < length) throw new InvalidDataException("truncated block");
            records.Add(new FramedRecord(magic, bytes.AsMemory(offset, length)));
            offset += length;
        }
        return records;
    }
}
