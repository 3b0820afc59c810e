namespace ActorNode.V2Transport.Crypto;

/// <summary>Both directions of one BIP324 session's packet encryption (Core's <c>BIP324Cipher</c>): the length
/// ciphers (FSChaCha20) and the content AEADs (FSChaCha20Poly1305), the session id and the garbage terminators.
/// A packet is 3-byte encrypted length ‖ AEAD(header byte ‖ contents) ‖ 16-byte tag; the length counts the contents
/// only. This layer takes any contents length up to 2^24 - 1; the receive limit is the session's business.</summary>
public sealed class V2PacketCipher : IDisposable
{
    public const int LengthFieldLength = 3;
    public const int HeaderLength = 1;
    public const int TagLength = FSChaCha20Poly1305.TagLength;
    /// <summary>Bytes a packet adds to its contents: length field, header byte and tag.</summary>
    public const int Overhead = LengthFieldLength + HeaderLength + TagLength;
    public const int MaxContentsLength = (1 << 24) - 1;
    public const byte IgnoreBit = 0x80;

    private readonly FSChaCha20 _sendLength;
    private readonly FSChaCha20Poly1305 _sendPacket;
    private readonly FSChaCha20 _receiveLength;
    private readonly FSChaCha20Poly1305 _receivePacket;

    public V2PacketCipher(V2SessionKeys keys, bool initiator)
    {
        ArgumentNullException.ThrowIfNull(keys);
        SessionId = keys.SessionId;
        _sendLength = new FSChaCha20(initiator ? keys.InitiatorL : keys.ResponderL);
        _sendPacket = new FSChaCha20Poly1305(initiator ? keys.InitiatorP : keys.ResponderP);
        _receiveLength = new FSChaCha20(initiator ? keys.ResponderL : keys.InitiatorL);
        _receivePacket = new FSChaCha20Poly1305(initiator ? keys.ResponderP : keys.InitiatorP);
        SendGarbageTerminator = initiator ? keys.InitiatorGarbageTerminator : keys.ResponderGarbageTerminator;
        ReceiveGarbageTerminator = initiator ? keys.ResponderGarbageTerminator : keys.InitiatorGarbageTerminator;
    }

    /// <summary>The 32-byte session id (the same on both sides).</summary>
    public byte[] SessionId { get; }

    public byte[] SendGarbageTerminator { get; }

    public byte[] ReceiveGarbageTerminator { get; }

    /// <summary>Encrypts one packet into <paramref name="output"/>, which must be exactly
    /// <c>contents.Length + Overhead</c> bytes. <paramref name="contents"/> may not overlap it.</summary>
    public void Encrypt(ReadOnlySpan<byte> contents, ReadOnlySpan<byte> aad, bool ignore, Span<byte> output)
    {
        if (output.Length != contents.Length + Overhead)
            throw new ArgumentException("output must be contents + 20 bytes", nameof(output));
        contents.CopyTo(output[(LengthFieldLength + HeaderLength)..]);
        EncryptInPlace(output, aad, ignore);
    }

    /// <summary>Encrypts a packet whose contents the caller has already written at offset 4 of
    /// <paramref name="packet"/> (length field and header byte left for this method; the tag goes in the last 16
    /// bytes). Saves a copy of large contents.</summary>
    public void EncryptInPlace(Span<byte> packet, ReadOnlySpan<byte> aad, bool ignore)
    {
        int contentsLength = packet.Length - Overhead;
        if (contentsLength < 0) throw new ArgumentException("a packet has at least 20 bytes", nameof(packet));
        if (contentsLength > MaxContentsLength)
            throw new ArgumentException($"packet contents of {contentsLength} bytes exceed 2^24 - 1", nameof(packet));
        Span<byte> length = stackalloc byte[LengthFieldLength];
        length[0] = (byte)contentsLength;
        length[1] = (byte)(contentsLength >> 8);
        length[2] = (byte)(contentsLength >> 16);
        var plaintext = packet.Slice(LengthFieldLength, HeaderLength + contentsLength);
        plaintext[0] = ignore ? IgnoreBit : (byte)0;
        _sendPacket.Encrypt(aad, plaintext, plaintext, packet[^TagLength..]); // in place
        _sendLength.Crypt(length, packet[..LengthFieldLength]);
    }

    /// <summary>Decrypts the next packet's 3-byte length field: the contents length that follows (header and tag
    /// not counted). Unauthenticated until the packet's tag checks.</summary>
    public int DecryptLength(ReadOnlySpan<byte> encryptedLength)
    {
        if (encryptedLength.Length != LengthFieldLength) throw new ArgumentException("a length field is 3 bytes");
        Span<byte> length = stackalloc byte[LengthFieldLength];
        _receiveLength.Crypt(encryptedLength, length);
        return length[0] | length[1] << 8 | length[2] << 16;
    }

    /// <summary>Decrypts the rest of a packet (<paramref name="ciphertext"/> = encrypted header ‖ contents ‖ tag)
    /// into <paramref name="plaintext"/> (header ‖ contents, 16 bytes shorter; may start at the same memory).
    /// False when the tag does not authenticate.</summary>
    public bool Decrypt(ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> aad, Span<byte> plaintext)
    {
        if (ciphertext.Length < HeaderLength + TagLength) throw new ArgumentException("a packet has at least 17 bytes after its length");
        if (plaintext.Length != ciphertext.Length - TagLength) throw new ArgumentException("plaintext must be 16 bytes shorter");
        var body = ciphertext[..^TagLength];
        return _receivePacket.Decrypt(aad, body, ciphertext[^TagLength..], plaintext);
    }

    public void Dispose()
    {
        _sendPacket.Dispose();
        _receivePacket.Dispose();
    }
}
