using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace ActorNode.Wire.Primitives;

/// <summary>A 32-byte hash in internal (wire) byte order. <see cref="ToString"/> shows Bitcoin's reversed hex,
/// as block explorers and RPC do. Mirrors btcd chainhash.Hash.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct Hash256 : IEquatable<Hash256>, IComparable<Hash256>
{
    public const int Size = 32;

    private readonly ulong _a, _b, _c, _d;

    public static readonly Hash256 Zero = default;

    public Hash256(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size) throw new ArgumentException("a hash has 32 bytes", nameof(bytes));
        _a = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        _b = BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]);
        _c = BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]);
        _d = BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]);
    }

    /// <summary>From the four little-endian 64-bit words of the 32 bytes (bytes 0–7 first), for
    /// <see cref="HeaderHasher"/>.</summary>
    internal Hash256(ulong a, ulong b, ulong c, ulong d)
    {
        _a = a;
        _b = b;
        _c = c;
        _d = d;
    }

    /// <summary>Writes the 32 bytes in internal order.</summary>
    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, _a);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], _d);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        CopyTo(bytes);
        return bytes;
    }

    /// <summary>The hash read as a 256-bit little-endian unsigned number, as proof-of-work compares it.</summary>
    public System.Numerics.BigInteger ToBigInteger()
    {
        Span<byte> bytes = stackalloc byte[Size];
        CopyTo(bytes);
        return new System.Numerics.BigInteger(bytes, isUnsigned: true, isBigEndian: false);
    }

    /// <summary>Parses Bitcoin's reversed display hex (64 characters).</summary>
    public static Hash256 Parse(string reversedHex)
    {
        if (reversedHex.Length != Size * 2) throw new FormatException("a hash is 64 hex characters");
        Span<byte> bytes = stackalloc byte[Size];
        Convert.FromHexString(reversedHex, bytes, out _, out _);
        bytes.Reverse();
        return new Hash256(bytes);
    }

    public static bool TryParse(string? reversedHex, out Hash256 hash)
    {
        hash = default;
        if (reversedHex is null || reversedHex.Length != Size * 2) return false;
        Span<byte> bytes = stackalloc byte[Size];
        if (Convert.FromHexString(reversedHex, bytes, out _, out int written) != System.Buffers.OperationStatus.Done
            || written != Size) return false;
        bytes.Reverse();
        hash = new Hash256(bytes);
        return true;
    }

    /// <summary>SHA-256 applied twice (btcd "DoubleHashH"). One reusable hash object per thread: the one-shot API
    /// sets up a new digest context on every call, which costs more than hashing a small transaction.</summary>
    public static Hash256 DoubleSha256(ReadOnlySpan<byte> data)
    {
        var sha = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> buffer = stackalloc byte[Size];
        sha.AppendData(data);
        sha.GetHashAndReset(buffer);
        sha.AppendData(buffer);
        sha.GetHashAndReset(buffer);
        return new Hash256(buffer);
    }

    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    /// <summary>SHA-256 of SHA-256 over the concatenation of two 32-byte hashes (a merkle tree node).</summary>
    public static Hash256 HashPair(in Hash256 left, in Hash256 right)
    {
        Span<byte> pair = stackalloc byte[Size * 2];
        left.CopyTo(pair);
        right.CopyTo(pair[Size..]);
        return DoubleSha256(pair);
    }

    public bool IsZero => (_a | _b | _c | _d) == 0;

    /// <summary>The first four bytes read little-endian (a frame checksum).</summary>
    internal uint FirstUInt32 => (uint)_a;

    public bool Equals(Hash256 other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;
    public override bool Equals(object? obj) => obj is Hash256 other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(_a, _b, _c, _d);
    public static bool operator ==(Hash256 left, Hash256 right) => left.Equals(right);
    public static bool operator !=(Hash256 left, Hash256 right) => !left.Equals(right);

    /// <summary>Orders hashes as 256-bit little-endian numbers.</summary>
    public int CompareTo(Hash256 other)
    {
        int c = _d.CompareTo(other._d);
        if (c != 0) return c;
        c = _c.CompareTo(other._c);
        if (c != 0) return c;
        c = _b.CompareTo(other._b);
        return c != 0 ? c : _a.CompareTo(other._a);
    }

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        CopyTo(bytes);
        bytes.Reverse();
        return Convert.ToHexStringLower(bytes);
    }
}
