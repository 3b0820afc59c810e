using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ActorNode.V2Transport.Crypto;

/// <summary>BIP324's FSChaCha20Poly1305: RFC 8439 ChaCha20Poly1305 (.NET's <see cref="ChaCha20Poly1305"/>) with
/// nonce = (packet counter mod 224) LE32 ‖ (packet counter / 224) LE64, and after every 224 messages a new key:
/// the first 32 bytes of encrypting 32 zero bytes under nonce 0xffffffff ‖ rekey count LE64. Only that wrapper is
/// ours. One instance is used in one direction only.</summary>
public sealed class FSChaCha20Poly1305 : IDisposable
{
    public const int RekeyInterval = 224;
    public const int TagLength = 16;

    private readonly byte[] _nonce = new byte[12];
    private ChaCha20Poly1305 _aead;
    private ulong _packets;

    public FSChaCha20Poly1305(ReadOnlySpan<byte> key)
    {
        if (key.Length != 32) throw new ArgumentException("FSChaCha20Poly1305 takes a 32-byte key", nameof(key));
        _aead = new ChaCha20Poly1305(key);
    }

    /// <summary>Messages processed so far.</summary>
    public ulong PacketCounter => _packets;

    /// <summary>Encrypts <paramref name="plaintext"/> into <paramref name="ciphertext"/> (same length; may be the
    /// same memory) and writes the 16-byte tag.</summary>
    public void Encrypt(ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag)
    {
        SetNonce();
        _aead.Encrypt(_nonce, plaintext, ciphertext, tag, aad);
        Advance();
    }

    /// <summary>Decrypts and checks the tag; false (and <paramref name="plaintext"/> cleared) when it does not
    /// authenticate. The counter advances either way, as the BIP's reference does.</summary>
    public bool Decrypt(ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext)
    {
        SetNonce();
        bool ok;
        try
        {
            _aead.Decrypt(_nonce, ciphertext, tag, plaintext, aad);
            ok = true;
        }
        catch (AuthenticationTagMismatchException)
        {
            ok = false;
        }
        Advance();
        return ok;
    }

    public void Dispose() => _aead.Dispose();

    private void SetNonce()
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_nonce, (uint)(_packets % RekeyInterval));
        BinaryPrimitives.WriteUInt64LittleEndian(_nonce.AsSpan(4), _packets / RekeyInterval);
    }

    private void Advance()
    {
        if ((_packets + 1) % RekeyInterval == 0)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(_nonce, 0xFFFFFFFF);
            Span<byte> zeros = stackalloc byte[32];
            zeros.Clear();
            Span<byte> newKey = stackalloc byte[32];
            Span<byte> tag = stackalloc byte[TagLength];
            _aead.Encrypt(_nonce, zeros, newKey, tag);
            var next = new ChaCha20Poly1305(newKey);
            CryptographicOperations.ZeroMemory(newKey);
            _aead.Dispose();
            _aead = next;
        }
        _packets++;
    }
}
