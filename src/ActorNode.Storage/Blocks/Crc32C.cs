using System.Buffers.Binary;
using System.Numerics;

namespace ActorNode.Storage.Blocks;

/// <summary>CRC-32C (Castagnoli), the checksum RocksDB and LevelDB put on their blocks, computed with the CPU's
/// crc32 instruction through <see cref="BitOperations.Crc32C(uint, ulong)"/> (SSE4.2 / ARMv8; a table fallback
/// elsewhere). It guards the flat-file bytes of each block and every index value.</summary>
internal static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (byte b in data)
            crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }
}
