using System.Buffers.Binary;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace ActorNode.V2Transport.Crypto;

/// <summary>BIP324's FSChaCha20: one ChaCha20 keystream (nonce = 4 zero bytes ‖ rekey count LE64, block counter
/// from 0) used across consecutive chunks (the 3-byte packet lengths); after every 224 chunks the next 32 keystream
/// bytes become the key and the block counter restarts. The keystream is BouncyCastle's RFC 8439
/// <see cref="ChaCha7539Engine"/>; only the rekeying wrapper is ours. (224 × 3 + 32 = 704 = 11 blocks, so no
/// keystream is left over at a rekey.) Encryption and decryption are the same operation.</summary>
public sealed class FSChaCha20
{
    public const int RekeyInterval = 224;

    private readonly ChaCha7539Engine _engine = new();
    private readonly byte[] _key = new byte[32];
    private readonly byte[] _nonce = new byte[12];
    private ulong _rekeys;
    private int _chunks;

    public FSChaCha20(ReadOnlySpan<byte> key)
    {
        if (key.Length != 32) throw new ArgumentException("FSChaCha20 takes a 32-byte key", nameof(key));
        key.CopyTo(_key);
        Start();
    }

    /// <summary>XORs one chunk with the keystream.</summary>
    public void Crypt(ReadOnlySpan<byte> input, Span<byte> output)
    {
        _engine.ProcessBytes(input, output);
        if (++_chunks < RekeyInterval) return;
        Span<byte> zeros = stackalloc byte[32];
        zeros.Clear();
        _engine.ProcessBytes(zeros, _key);
        _chunks = 0;
        _rekeys++;
        Start();
    }

    private void Start()
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_nonce.AsSpan(4), _rekeys);
        _engine.Init(true, new ParametersWithIV(new KeyParameter(_key), _nonce));
        CryptographicOperations.ZeroMemory(_key); // the engine holds the key now
    }
}
