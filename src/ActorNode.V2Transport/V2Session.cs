using System.Security.Cryptography;
using ActorNode.V2Transport.Crypto;
using ActorNode.Wire;

namespace ActorNode.V2Transport;

/// <summary>Which end of the connection we are: the initiator dialled out, the responder accepted.</summary>
public enum V2Role
{
    Initiator,
    Responder,
}

/// <summary>Where a session is, in the order it goes through the states.</summary>
public enum V2SessionState
{
    /// <summary>Waiting for (the rest of) the peer's 64-byte ElligatorSwift key.</summary>
    AwaitingKey,
    /// <summary>Keys derived; scanning the peer's garbage for its terminator (at most 4,111 bytes).</summary>
    AwaitingGarbageTerminator,
    /// <summary>Waiting for the packet that authenticates the garbage (decoy bit or not).</summary>
    AwaitingGarbageAuthentication,
    /// <summary>Waiting for the peer's version packet (decoys before it are skipped).</summary>
    AwaitingVersion,
    /// <summary>Application packets flow both ways.</summary>
    Ready,
    /// <summary>A fault ended the session; every later call throws.</summary>
    Failed,
}

/// <summary>Settings of one session. The defaults are Core's: random garbage of 0..4,095 bytes, no decoys, and a
/// contents limit of 4,000,013 bytes (1 + 12 + 4,000,000: Core's <c>MAX_CONTENTS_LEN</c>).</summary>
public sealed record V2SessionOptions
{
    public const int MaxGarbageLength = 4095;
    public const int DefaultMaxContentsLength = 1 + 12 + WireLimits.MaxProtocolMessageLength;

    public static V2SessionOptions Default { get; } = new();

    /// <summary>Bytes of garbage after our key; null picks 0..4,095 at random.</summary>
    public int? GarbageLength { get; init; }

    /// <summary>Decoy packets (empty contents, ignore bit set) sent between the garbage authentication packet and
    /// the version packet.</summary>
    public int HandshakeDecoys { get; init; }

    /// <summary>Largest contents (message type + payload) accepted from the peer, checked from the decrypted
    /// 3-byte length before any buffer is sized for the packet.</summary>
    public int MaxContentsLength { get; init; } = DefaultMaxContentsLength;

    internal V2SessionOptions Validate()
    {
        if (GarbageLength is < 0 or > MaxGarbageLength)
            throw new ArgumentOutOfRangeException(nameof(GarbageLength), "garbage is 0..4095 bytes");
        if (HandshakeDecoys < 0) throw new ArgumentOutOfRangeException(nameof(HandshakeDecoys));
        if (MaxContentsLength is < 0 or > V2PacketCipher.MaxContentsLength)
            throw new ArgumentOutOfRangeException(nameof(MaxContentsLength));
        return this;
    }
}

/// <summary>One decoded application message.</summary>
/// <param name="Command">The message type (short ids mapped to their command), or null when the type is not
/// decodable (empty contents, an undefined short id, a malformed long form): Core drops such a message and keeps
/// the peer.</param>
/// <param name="Payload">The message payload (the contents after the type; the whole contents when Command is
/// null). When <paramref name="PayloadOwned"/> is false it lives in the session's reused buffer and is valid only
/// until the next <see cref="V2Session.TryReceive"/>.</param>
/// <param name="PayloadOwned">True when the payload's array belongs to the caller from now on.</param>
/// <param name="WireLength">Bytes the packet took on the wire (3 + 1 + contents + 16).</param>
public readonly record struct V2Message(string? Command, ReadOnlyMemory<byte> Payload, bool PayloadOwned, int WireLength);

/// <summary>A BIP324 v2 transport session, pure and synchronous: bytes in, messages out; messages in, bytes out.
/// <para>On construction it generates its ephemeral key and garbage and queues key ‖ garbage for sending (a
/// responder is constructed once <see cref="V1Detection"/> has said the peer is not v1, and is then fed the bytes
/// already read). When the peer's 64-byte key is complete it derives the keys and queues garbage terminator ‖
/// garbage authentication packet ‖ decoys ‖ version packet. Take queued bytes with <see cref="TakeOutput"/> after
/// construction and after each <see cref="TryReceive"/> loop; <see cref="EncodeMessage"/> also prepends whatever
/// is still queued, so the byte order on the wire is always right.</para>
/// <para>Input is consumed in chunks of any size. Memory is bounded: the garbage scan holds at most 4,111 bytes;
/// a packet's buffer grows only as its bytes arrive (to at most four times what has arrived) after its decrypted
/// length passed the contents limit; decoys are decrypted and dropped one at a time. Any fault throws
/// <see cref="V2TransportException"/> and leaves the session <see cref="V2SessionState.Failed"/>.</para>
/// Not thread-safe: one session per connection, used by its owner only.</summary>
public sealed class V2Session : IDisposable
{
    /// <summary>Garbage plus terminator scanned before giving up.</summary>
    public const int MaxGarbageScan = V2SessionOptions.MaxGarbageLength + V2KeyDerivation.GarbageTerminatorLength;

    /// <summary>Packets whose ciphertext fits this are decrypted in a reused buffer kept across packets; larger
    /// ones get an array of their own that is handed to the caller with the message.</summary>
    internal const int ScratchLimit = 16 * 1024;

    private const int GrowthFactor = 4;
    private const int MinimumBuffer = 64;

    private readonly uint _magic;
    private readonly V2SessionOptions _options;
    private readonly RandomNumberGenerator _random;
    private readonly List<byte[]> _output = new(2);

    private byte[]? _privateKey;
    private readonly byte[] _ourKey;
    private byte[]? _sentGarbage;
    private readonly byte[] _theirKey = new byte[ElligatorSwift.EncodedLength];
    private int _theirKeyFilled;

    private V2PacketCipher? _cipher;
    private byte[]? _garbage;
    private int _garbageFilled;
    private byte[]? _receivedGarbage;

    private readonly byte[] _lengthField = new byte[V2PacketCipher.LengthFieldLength];
    private int _lengthFilled;
    private int _packetTotal; // header + contents + tag of the packet in progress
    private byte[] _body = [];
    private int _bodyFilled;
    private bool _bodyIsScratch;
    private byte[] _scratch = [];

    private V2TransportException? _fault;

    /// <param name="role">Initiator (we dialled) or responder (we accepted).</param>
    /// <param name="networkMagic">The network's magic, as in v1 frames (it salts the key derivation).</param>
    /// <param name="random">Source of the private key, garbage and ElligatorSwift randomness.</param>
    /// <param name="options">Garbage length, decoys and the contents limit; <see cref="V2SessionOptions.Default"/> when null.</param>
    public V2Session(V2Role role, uint networkMagic, RandomNumberGenerator random, V2SessionOptions? options = null)
    {
        Role = role;
        _magic = networkMagic;
        _random = random ?? throw new ArgumentNullException(nameof(random));
        _options = (options ?? V2SessionOptions.Default).Validate();
        (_privateKey, _ourKey) = ElligatorSwift.Create(random);
        int garbageLength = _options.GarbageLength ?? RandomGarbageLength(random);
        _sentGarbage = new byte[garbageLength];
        random.GetBytes(_sentGarbage);
        var first = new byte[_ourKey.Length + garbageLength];
        _ourKey.CopyTo(first, 0);
        _sentGarbage.CopyTo(first, _ourKey.Length);
        _output.Add(first);
    }

    public V2Role Role { get; }

    public V2SessionState State { get; private set; } = V2SessionState.AwaitingKey;

    /// <summary>The 32-byte session id once the peer's key arrived (the same on both sides), else null.</summary>
    public byte[]? SessionId => _cipher?.SessionId;

    /// <summary>True once application messages can be encoded (the peer's key has arrived).</summary>
    public bool CanSend => _cipher is not null && State != V2SessionState.Failed;

    /// <summary>Our 64-byte ElligatorSwift public key.</summary>
    public ReadOnlySpan<byte> OurPublicKey => _ourKey;

    /// <summary>Bytes received from the peer so far (all of them: key, garbage, packets).</summary>
    public long BytesReceived { get; private set; }

    /// <summary>Decoy packets received and dropped.</summary>
    public long DecoysReceived { get; private set; }

    /// <summary>Bytes queued for sending, not yet taken.</summary>
    public int PendingOutputBytes { get; private set; }

    /// <summary>Bytes of receive buffers this session holds now (garbage scan, packet in progress, reused buffer).</summary>
    public int BufferCapacity =>
        (_garbage?.Length ?? 0) + (_receivedGarbage?.Length ?? 0) + (_bodyIsScratch ? 0 : _body.Length) + _scratch.Length;

    /// <summary>The bytes queued for sending (handshake bytes), or null when there are none.</summary>
    public byte[]? TakeOutput()
    {
        if (_output.Count == 0) return null;
        byte[] bytes = _output.Count == 1 ? _output[0] : Concat(_output, 0);
        _output.Clear();
        PendingOutputBytes = 0;
        return bytes;
    }

    /// <summary>Consumes bytes from <paramref name="input"/> until one application message is complete (returns
    /// true and advances <paramref name="input"/> past its packet) or the input is used up (returns false).
    /// Throws <see cref="V2TransportException"/> on any fault.</summary>
    public bool TryReceive(ref ReadOnlySpan<byte> input, out V2Message message)
    {
        if (_fault is not null) throw new V2TransportException(V2Error.Faulted, "session already failed: " + _fault.Message);
        message = default;
        try
        {
            while (!input.IsEmpty)
            {
                switch (State)
                {
                    case V2SessionState.AwaitingKey:
                        ReadKey(ref input);
                        break;
                    case V2SessionState.AwaitingGarbageTerminator:
                        ScanGarbage(ref input);
                        break;
                    default:
                        if (!ReadPacket(ref input)) return false;
                        if (OnPacket(out message)) return true;
                        break;
                }
            }
            return false;
        }
        catch (V2TransportException e)
        {
            Fail(e);
            throw;
        }
    }

    /// <summary>Encodes one application message as a packet (short id when the command has one, else the 13-byte
    /// long form). Any handshake bytes still queued come first in the returned array.</summary>
    public byte[] EncodeMessage(string command, ReadOnlySpan<byte> payload)
    {
        var cipher = RequireCipher();
        int typeLength = V2MessageTypes.EncodedLength(command);
        int contentsLength = typeLength + payload.Length;
        if (contentsLength > V2PacketCipher.MaxContentsLength)
            throw new WireException(WireError.Oversized, $"{command}: {contentsLength} bytes of contents exceed 2^24 - 1");
        int prefix = PendingOutputBytes;
        var bytes = new byte[prefix + contentsLength + V2PacketCipher.Overhead];
        TakeOutputInto(bytes);
        var packet = bytes.AsSpan(prefix);
        int offset = V2PacketCipher.LengthFieldLength + V2PacketCipher.HeaderLength;
        V2MessageTypes.Write(command, packet[offset..]);
        payload.CopyTo(packet[(offset + typeLength)..]);
        cipher.EncryptInPlace(packet, [], ignore: false);
        return bytes;
    }

    /// <summary>Encodes a decoy packet (ignore bit set) with <paramref name="contentsLength"/> zero bytes of
    /// contents, after any queued handshake bytes.</summary>
    public byte[] EncodeDecoy(int contentsLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(contentsLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(contentsLength, V2PacketCipher.MaxContentsLength);
        return EncodePacket(new byte[contentsLength], ignore: true);
    }

    /// <summary>Encodes a packet with exactly <paramref name="contents"/> (no message type added), after any queued
    /// handshake bytes. For shaping and tests; messages go through <see cref="EncodeMessage"/>.</summary>
    public byte[] EncodePacket(ReadOnlySpan<byte> contents, bool ignore)
    {
        var cipher = RequireCipher();
        if (contents.Length > V2PacketCipher.MaxContentsLength)
            throw new ArgumentException("packet contents exceed 2^24 - 1", nameof(contents));
        int prefix = PendingOutputBytes;
        var bytes = new byte[prefix + contents.Length + V2PacketCipher.Overhead];
        TakeOutputInto(bytes);
        cipher.Encrypt(contents, [], ignore, bytes.AsSpan(prefix));
        return bytes;
    }

    public void Dispose()
    {
        _cipher?.Dispose();
        if (_privateKey is not null) CryptographicOperations.ZeroMemory(_privateKey);
    }

    // ---- Receiving -----------------------------------------------------------------------------------------------

    private void ReadKey(ref ReadOnlySpan<byte> input)
    {
        int take = Math.Min(_theirKey.Length - _theirKeyFilled, input.Length);
        input[..take].CopyTo(_theirKey.AsSpan(_theirKeyFilled));
        _theirKeyFilled += take;
        BytesReceived += take;
        input = input[take..];
        if (_theirKeyFilled == _theirKey.Length) OnTheirKey();
    }

    private void OnTheirKey()
    {
        bool initiator = Role == V2Role.Initiator;
        var secret = V2KeyDerivation.SharedSecret(_privateKey!, _theirKey, _ourKey, initiator);
        CryptographicOperations.ZeroMemory(_privateKey);
        _privateKey = null;
        var keys = V2KeyDerivation.Derive(secret, _magic);
        CryptographicOperations.ZeroMemory(secret);
        _cipher = new V2PacketCipher(keys, initiator);
        keys.WipeCipherKeys();

        // Terminator ‖ garbage authentication packet (AAD = our garbage) ‖ decoys ‖ version packet (empty).
        int decoys = _options.HandshakeDecoys;
        var bytes = new byte[V2KeyDerivation.GarbageTerminatorLength + (2 + decoys) * V2PacketCipher.Overhead];
        _cipher.SendGarbageTerminator.CopyTo(bytes, 0);
        int at = V2KeyDerivation.GarbageTerminatorLength;
        _cipher.EncryptInPlace(bytes.AsSpan(at, V2PacketCipher.Overhead), _sentGarbage, ignore: false);
        at += V2PacketCipher.Overhead;
        for (int i = 0; i < decoys; i++, at += V2PacketCipher.Overhead)
            _cipher.EncryptInPlace(bytes.AsSpan(at, V2PacketCipher.Overhead), [], ignore: true);
        _cipher.EncryptInPlace(bytes.AsSpan(at, V2PacketCipher.Overhead), [], ignore: false);
        _sentGarbage = null;
        Queue(bytes);
        State = V2SessionState.AwaitingGarbageTerminator;
    }

    private void ScanGarbage(ref ReadOnlySpan<byte> input)
    {
        var terminator = _cipher!.ReceiveGarbageTerminator;
        int take = Math.Min(input.Length, MaxGarbageScan - _garbageFilled);
        int filled = _garbageFilled + take;
        if (_garbage is null || _garbage.Length < filled)
        {
            var grown = new byte[Math.Min(MaxGarbageScan, Math.Max(filled, Math.Max(MinimumBuffer, (_garbage?.Length ?? 0) * 2)))];
            _garbage?.AsSpan(0, _garbageFilled).CopyTo(grown);
            _garbage = grown;
        }
        input[..take].CopyTo(_garbage.AsSpan(_garbageFilled));
        // Only windows that include a new byte can hold a terminator not seen before.
        int from = Math.Max(0, _garbageFilled - (terminator.Length - 1));
        int found = _garbage.AsSpan(from, filled - from).IndexOf(terminator);
        if (found >= 0)
        {
            int garbageLength = from + found;
            int consumed = garbageLength + terminator.Length - _garbageFilled;
            BytesReceived += consumed;
            input = input[consumed..];
            _receivedGarbage = _garbage.AsSpan(0, garbageLength).ToArray();
            _garbage = null;
            _garbageFilled = 0;
            State = V2SessionState.AwaitingGarbageAuthentication;
            return;
        }
        _garbageFilled = filled;
        BytesReceived += take;
        input = input[take..];
        if (_garbageFilled == MaxGarbageScan)
            throw new V2TransportException(V2Error.MissingGarbageTerminator,
                $"no garbage terminator within {MaxGarbageScan} bytes (garbage without terminator, a wrong terminator or not a v2 peer)");
    }

    /// <summary>Reads one whole packet and decrypts it in place; false when the input ran out first.</summary>
    private bool ReadPacket(ref ReadOnlySpan<byte> input)
    {
        var cipher = _cipher!;
        if (_lengthFilled < V2PacketCipher.LengthFieldLength)
        {
            int take = Math.Min(V2PacketCipher.LengthFieldLength - _lengthFilled, input.Length);
            input[..take].CopyTo(_lengthField.AsSpan(_lengthFilled));
            _lengthFilled += take;
            BytesReceived += take;
            input = input[take..];
            if (_lengthFilled < V2PacketCipher.LengthFieldLength) return false;
            int contentsLength = cipher.DecryptLength(_lengthField);
            if (contentsLength > _options.MaxContentsLength)
                throw new V2TransportException(V2Error.PacketTooLarge,
                    $"packet of {contentsLength} bytes of contents exceeds the limit of {_options.MaxContentsLength}");
            _packetTotal = V2PacketCipher.HeaderLength + contentsLength + V2PacketCipher.TagLength;
            _bodyIsScratch = _packetTotal <= ScratchLimit;
            _body = _bodyIsScratch ? _scratch : [];
            _bodyFilled = 0;
        }
        int chunk = Math.Min(_packetTotal - _bodyFilled, input.Length);
        EnsureBody(_bodyFilled + chunk);
        input[..chunk].CopyTo(_body.AsSpan(_bodyFilled));
        _bodyFilled += chunk;
        BytesReceived += chunk;
        input = input[chunk..];
        if (_bodyFilled < _packetTotal) return false;

        _lengthFilled = 0;
        bool authenticating = State == V2SessionState.AwaitingGarbageAuthentication;
        var ciphertext = _body.AsSpan(0, _packetTotal);
        if (!cipher.Decrypt(ciphertext, authenticating ? _receivedGarbage : [], ciphertext[..^V2PacketCipher.TagLength]))
            throw authenticating
                ? new V2TransportException(V2Error.GarbageAuthenticationFailed,
                    "the garbage authentication packet did not authenticate")
                : new V2TransportException(V2Error.BadTag,
                    $"packet of {_packetTotal - 17} bytes of contents did not authenticate");
        return true;
    }

    /// <summary>Acts on the packet just decrypted; true when it is an application message for the caller.</summary>
    private bool OnPacket(out V2Message message)
    {
        message = default;
        bool decoy = (_body[0] & V2PacketCipher.IgnoreBit) != 0;
        int contentsLength = _packetTotal - V2PacketCipher.HeaderLength - V2PacketCipher.TagLength;
        switch (State)
        {
            case V2SessionState.AwaitingGarbageAuthentication:
                // Its contents and ignore bit do not matter: it only authenticates the garbage.
                _receivedGarbage = null;
                State = V2SessionState.AwaitingVersion;
                ReleaseBody();
                return false;
            case V2SessionState.AwaitingVersion:
                if (decoy) DecoysReceived++;
                else State = V2SessionState.Ready; // version contents are reserved for future versions: ignored
                ReleaseBody();
                return false;
        }
        if (decoy)
        {
            DecoysReceived++;
            ReleaseBody();
            return false;
        }
        var contents = new ReadOnlyMemory<byte>(_body, V2PacketCipher.HeaderLength, contentsLength);
        bool owned = !_bodyIsScratch;
        if (V2MessageTypes.TryRead(contents.Span, out var command, out int typeLength))
            message = new V2Message(command, contents[typeLength..], owned, V2PacketCipher.LengthFieldLength + _packetTotal);
        else
            message = new V2Message(null, contents, owned, V2PacketCipher.LengthFieldLength + _packetTotal);
        ReleaseBody();
        return true;
    }

    private void EnsureBody(int needed)
    {
        if (needed <= _body.Length) return;
        // Grow with what has arrived, never from the declared length alone.
        int capacity = Math.Min(_packetTotal, Math.Max(needed, Math.Max(MinimumBuffer, _body.Length * GrowthFactor)));
        var grown = new byte[capacity];
        _body.AsSpan(0, _bodyFilled).CopyTo(grown);
        _body = grown;
        if (_bodyIsScratch) _scratch = grown;
    }

    private void ReleaseBody()
    {
        _body = [];
        _bodyFilled = 0;
        _bodyIsScratch = false;
    }

    // ---- Helpers -------------------------------------------------------------------------------------------------

    private V2PacketCipher RequireCipher()
    {
        if (_fault is not null) throw new V2TransportException(V2Error.Faulted, "session already failed: " + _fault.Message);
        return _cipher ?? throw new InvalidOperationException("the peer's key has not arrived: nothing can be encrypted yet (check CanSend)");
    }

    private void Fail(V2TransportException e)
    {
        _fault = e;
        State = V2SessionState.Failed;
        _garbage = null;
        _receivedGarbage = null;
        _body = [];
        _scratch = [];
    }

    private void Queue(byte[] bytes)
    {
        _output.Add(bytes);
        PendingOutputBytes += bytes.Length;
    }

    private void TakeOutputInto(Span<byte> destination)
    {
        int at = 0;
        foreach (var chunk in _output)
        {
            chunk.CopyTo(destination[at..]);
            at += chunk.Length;
        }
        _output.Clear();
        PendingOutputBytes = 0;
    }

    private static byte[] Concat(List<byte[]> chunks, int extra)
    {
        var all = new byte[chunks.Sum(c => c.Length) + extra];
        int at = 0;
        foreach (var chunk in chunks)
        {
            chunk.CopyTo(all, at);
            at += chunk.Length;
        }
        return all;
    }

    private static int RandomGarbageLength(RandomNumberGenerator random)
    {
        Span<byte> two = stackalloc byte[2];
        random.GetBytes(two);
        return (two[0] | two[1] << 8) & 0x0FFF; // uniform in 0..4095
    }
}
