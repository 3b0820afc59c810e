using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ActorNode.V2Transport.Crypto;

/// <summary>The secrets one BIP324 session derives from its ECDH (BIP324 "Keys and session ID derivation"):
/// four 32-byte cipher keys, the 32-byte session id and the two 16-byte garbage terminators.</summary>
public sealed record V2SessionKeys(
    byte[] SessionId,
    byte[] InitiatorL,
    byte[] InitiatorP,
    byte[] ResponderL,
    byte[] ResponderP,
    byte[] InitiatorGarbageTerminator,
    byte[] ResponderGarbageTerminator)
{
    /// <summary>Wipes the cipher keys (forward secrecy: the ciphers hold their own copies).</summary>
    public void WipeCipherKeys()
    {
        CryptographicOperations.ZeroMemory(InitiatorL);
        CryptographicOperations.ZeroMemory(InitiatorP);
        CryptographicOperations.ZeroMemory(ResponderL);
        CryptographicOperations.ZeroMemory(ResponderP);
    }
}

/// <summary>The BIP's shared secret and HKDF-SHA256 expansion. HKDF is .NET's <see cref="HKDF"/>; the tagged hash is
/// BIP340's construction over .NET's SHA-256.</summary>
public static class V2KeyDerivation
{
    public const int GarbageTerminatorLength = 16;
    public const int KeyLength = 32;

    private const string EcdhTag = "bip324_ellswift_xonly_ecdh";
    private static readonly byte[] SaltPrefix = "bitcoin_v2_shared_secret"u8.ToArray();
    private static readonly byte[] TagHash = SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(EcdhTag));

    /// <summary><c>v2_ecdh</c>: sha256_tagged("bip324_ellswift_xonly_ecdh", initiator's encoding ‖ responder's
    /// encoding ‖ x-only ECDH).</summary>
    public static byte[] SharedSecret(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> ellswiftTheirs,
        ReadOnlySpan<byte> ellswiftOurs, bool initiating)
    {
        var x = ElligatorSwift.XOnlyEcdh(ellswiftTheirs, privateKey);
        try
        {
            return TaggedSharedSecret(initiating ? ellswiftOurs : ellswiftTheirs,
                initiating ? ellswiftTheirs : ellswiftOurs, x);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(x);
        }
    }

    /// <summary>The tagged hash of the two encodings (initiator's first) and the ECDH x coordinate.</summary>
    public static byte[] TaggedSharedSecret(ReadOnlySpan<byte> ellswiftInitiator, ReadOnlySpan<byte> ellswiftResponder,
        ReadOnlySpan<byte> xShared)
    {
        Span<byte> data = stackalloc byte[64 + 64 + 64 + 32];
        TagHash.CopyTo(data);
        TagHash.CopyTo(data[32..]);
        ellswiftInitiator.CopyTo(data[64..]);
        ellswiftResponder.CopyTo(data[128..]);
        xShared.CopyTo(data[192..]);
        var secret = SHA256.HashData(data);
        CryptographicOperations.ZeroMemory(data);
        return secret;
    }

    /// <summary>HKDF-SHA256 with salt "bitcoin_v2_shared_secret" ‖ network magic (its four wire bytes).</summary>
    public static V2SessionKeys Derive(ReadOnlySpan<byte> sharedSecret, uint networkMagic)
    {
        Span<byte> salt = stackalloc byte[SaltPrefix.Length + 4];
        SaltPrefix.CopyTo(salt);
        BinaryPrimitives.WriteUInt32LittleEndian(salt[SaltPrefix.Length..], networkMagic);
        var prk = new byte[32];
        HKDF.Extract(HashAlgorithmName.SHA256, sharedSecret, salt, prk);
        byte[] Expand(ReadOnlySpan<byte> info, int length)
        {
            var output = new byte[length];
            HKDF.Expand(HashAlgorithmName.SHA256, prk, output, info);
            return output;
        }
        var terminators = Expand("garbage_terminators"u8, 2 * GarbageTerminatorLength);
        var keys = new V2SessionKeys(
            SessionId: Expand("session_id"u8, 32),
            InitiatorL: Expand("initiator_L"u8, KeyLength),
            InitiatorP: Expand("initiator_P"u8, KeyLength),
            ResponderL: Expand("responder_L"u8, KeyLength),
            ResponderP: Expand("responder_P"u8, KeyLength),
            InitiatorGarbageTerminator: terminators[..GarbageTerminatorLength],
            ResponderGarbageTerminator: terminators[GarbageTerminatorLength..]);
        CryptographicOperations.ZeroMemory(prk);
        return keys;
    }
}
