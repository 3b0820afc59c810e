using System.Buffers.Binary;

namespace ActorNode.Fuzz.Tests;

/// <summary>A small seeded byte mutator in the manner of AFL's havoc stage: bit flips, interesting values, CompactSize
/// and length prefixes, inserts, deletes, duplicated and spliced ranges. Deterministic for a seed.</summary>
internal sealed class Mutator(int seed)
{
    private static readonly ulong[] Interesting =
    [
        0, 1, 0x7f, 0x80, 0xfc, 0xfd, 0xfe, 0xff, 0x100, 0xffff, 0x10000, 24, 80, 2000, 2001, 50_000, 50_001,
        4_000_000, 4_000_001, 0x7fffffff, 0x80000000, 0xffffffff, ulong.MaxValue,
    ];

    private readonly Random _random = new(seed);

    public byte[] Mutate(byte[] input, IReadOnlyList<byte[]> pool)
    {
        var data = new List<byte>(input);
        int rounds = 1 << _random.Next(0, 4);
        for (int r = 0; r < rounds; r++) MutateOnce(data, pool);
        return [.. data];
    }

    private void MutateOnce(List<byte> data, IReadOnlyList<byte[]> pool)
    {
        int at = data.Count == 0 ? 0 : _random.Next(data.Count);
        switch (_random.Next(10))
        {
            case 0 when data.Count > 0:
                data[at] ^= (byte)(1 << _random.Next(8));
                break;
            case 1 when data.Count > 0:
                data[at] = (byte)_random.Next(256);
                break;
            case 2: // an interesting integer, 1, 2, 4 or 8 bytes little-endian
            {
                ulong value = Interesting[_random.Next(Interesting.Length)];
                int width = 1 << _random.Next(4);
                Span<byte> bytes = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
                for (int i = 0; i < width && at + i < data.Count; i++) data[at + i] = bytes[i];
                break;
            }
            case 3: // a CompactSize prefix (count or length) inserted
            {
                ulong value = Interesting[_random.Next(Interesting.Length)];
                byte[] size = value < 0xfd ? [(byte)value]
                    : value <= 0xffff ? [0xfd, (byte)value, (byte)(value >> 8)]
                    : value <= 0xffffffff ? [0xfe, (byte)value, (byte)(value >> 8), (byte)(value >> 16), (byte)(value >> 24)]
                    : [0xff, .. BitConverter.GetBytes(value)];
                data.InsertRange(at, size);
                break;
            }
            case 4 when data.Count > 0: // delete a range
                data.RemoveRange(at, Math.Min(data.Count - at, 1 + _random.Next(Math.Max(1, data.Count / 8))));
                break;
            case 5 when data.Count > 0: // duplicate a range
            {
                int length = Math.Min(data.Count - at, 1 + _random.Next(64));
                data.InsertRange(_random.Next(data.Count + 1), data.GetRange(at, length));
                break;
            }
            case 6: // random bytes inserted
            {
                var bytes = new byte[1 + _random.Next(16)];
                _random.NextBytes(bytes);
                data.InsertRange(at, bytes);
                break;
            }
            case 7 when pool.Count > 0: // splice from another input
            {
                var other = pool[_random.Next(pool.Count)];
                if (other.Length == 0) break;
                int from = _random.Next(other.Length);
                int length = Math.Min(other.Length - from, 1 + _random.Next(256));
                if (data.Count > 0 && _random.Next(2) == 0) data.RemoveRange(at, data.Count - at);
                data.InsertRange(Math.Min(at, data.Count), other.AsSpan(from, length).ToArray());
                break;
            }
            case 8 when data.Count > 0: // truncate
                data.RemoveRange(at, data.Count - at);
                break;
            default: // the header bytes that pick the command, context or chunks
                if (data.Count > 0) data[_random.Next(Math.Min(2, data.Count))] = (byte)_random.Next(256);
                break;
        }
    }
}
