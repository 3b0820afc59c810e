using ActorNode.Wire.Messages;

namespace ActorNode.Wire.Encoding;

/// <summary>Turns a byte stream, cut into chunks of any size (down to one byte), into whole messages.
/// <para>The header is checked (magic first, then command, 4,000,000-byte limit, the command's own maximum and version gate) as soon as
/// its 24 bytes are in, before any body byte is awaited. Body buffers grow only as bytes arrive (to at most four times
/// what has arrived), so a header that claims 4 MB followed by 10 bytes costs a few dozen bytes. Messages that keep zero-copy slices
/// of their payload (blocks, transactions) get a buffer of their own; the others are decoded from one reused
/// buffer, so decoding a ping allocates only the ping.</para>
/// <para>Any fault throws <see cref="WireException"/>. A fault in a header leaves the stream without a frame
/// boundary: the decoder is then faulted and every later call throws. A fault in a body (bad checksum, malformed
/// payload) leaves the decoder at the next frame; the caller decides whether to go on (btcd disconnects).</para>
/// Not thread-safe: one decoder per connection.</summary>
public sealed class FrameDecoder
{
    /// <summary>The shared body buffer is kept across frames up to this size: a full <c>headers</c> (162,009
    /// bytes) is then framed without allocating; a larger one is dropped after its frame.</summary>
    private const int ScratchKeepLimit = 256 * 1024;

    /// <summary>A body buffer grows by this factor at most, so it never exceeds four times the bytes received,
    /// and a large block is copied at most a few times on its way in.</summary>
    private const int GrowthFactor = 4;

    private readonly uint _magic;
    private readonly byte[] _header = new byte[FrameHeader.Size];
    private int _headerFilled;

    private FrameHeader _current;
    private MessageDescriptor? _descriptor;
    private byte[] _body = [];
    private bool _bodyOwned;
    private bool _bodyBorrowed;
    private int _bodyCapacity;
    private int _bodyFilled;
    private byte[] _scratch = [];

    private WireException? _fault;

    public FrameDecoder(uint magic, WireContext context)
    {
        _magic = magic;
        Context = context;
    }

    /// <summary>The protocol version and encoding messages are decoded with; set after the version handshake.</summary>
    public WireContext Context { get; set; }

    /// <summary>Bytes held for the frame in progress (its header and body so far).</summary>
    public int BufferedBytes => _headerFilled + _bodyFilled;

    /// <summary>Bytes of buffer currently allocated for the frame in progress.</summary>
    public int BufferCapacity => _bodyCapacity;

    /// <summary>Bytes on the wire (header and payload) of the message <see cref="TryRead"/> last returned.</summary>
    public int LastFrameLength { get; private set; }

    /// <summary>Consumes bytes from <paramref name="input"/> until one message is complete (returns true and
    /// advances <paramref name="input"/> past it) or the input is used up (returns false).</summary>
    public bool TryRead(ref ReadOnlySpan<byte> input, out IWireMessage message)
    {
        if (_fault is not null) throw new WireException(_fault.Reason, "stream already faulted: " + _fault.Message);
        message = null!;
        while (!input.IsEmpty)
        {
            if (_headerFilled < FrameHeader.Size)
            {
                int take = Math.Min(FrameHeader.Size - _headerFilled, input.Length);
                input[..take].CopyTo(_header.AsSpan(_headerFilled));
                _headerFilled += take;
                input = input[take..];
                if (_headerFilled < FrameHeader.Size) return false;
                BeginBody();
                if (_current.PayloadLength == 0)
                {
                    LastFrameLength = FrameHeader.Size;
                    message = CompleteFrame();
                    return true;
                }
                continue;
            }

            int need = (int)_current.PayloadLength - _bodyFilled;
            int chunk = Math.Min(need, input.Length);
            EnsureBodyCapacity(_bodyFilled + chunk);
            input[..chunk].CopyTo(_body.AsSpan(_bodyFilled));
            _bodyFilled += chunk;
            input = input[chunk..];
            if (_bodyFilled == (int)_current.PayloadLength)
            {
                LastFrameLength = FrameHeader.Size + _bodyFilled;
                message = CompleteFrame();
                return true;
            }
        }
        return false;
    }

    /// <summary>Decodes every whole message in <paramref name="input"/> into <paramref name="output"/>.</summary>
    public void ReadAll(ReadOnlySpan<byte> input, ICollection<IWireMessage> output)
    {
        while (TryRead(ref input, out var message)) output.Add(message);
    }

    private void BeginBody()
    {
        try
        {
            // The magic first: a stream that is not this network's v1 framing is BadMagic, not InvalidCommand.
            _current = FrameHeader.Parse(_header, _magic);
            if (_current.PayloadLength > WireLimits.MaxProtocolMessageLength)
                throw new WireException(WireError.Oversized,
                    $"{_current.Command}: declared payload of {_current.PayloadLength} bytes exceeds the protocol limit of {WireLimits.MaxProtocolMessageLength}");
            _descriptor = MessageRegistry.TryGet(_current.Command, out var d) ? d : null;
            if (_descriptor is not null)
            {
                if (Context.ProtocolVersion < _descriptor.MinProtocolVersion)
                    throw new WireException(WireError.UnsupportedVersion,
                        $"{_current.Command} is not valid at protocol version {Context.ProtocolVersion}");
                int max = _descriptor.MaxPayload(Context.ProtocolVersion);
                if (_current.PayloadLength > (uint)max)
                    throw new WireException(WireError.Oversized,
                        $"{_current.Command}: declared payload of {_current.PayloadLength} bytes exceeds its maximum of {max}");
            }
        }
        catch (WireException e)
        {
            _fault = e;
            throw;
        }

        // Unknown messages are copied out by the registry, so they can use the shared buffer too.
        _bodyOwned = _descriptor is { RetainsPayload: true };
        _body = _bodyOwned ? [] : _scratch;
        _bodyCapacity = _body.Length;
        _bodyBorrowed = false;
        _bodyFilled = 0;
    }

    private void EnsureBodyCapacity(int needed)
    {
        if (needed <= _bodyCapacity) return;
        int declared = (int)_current.PayloadLength;
        int capacity = Math.Min(declared, Math.Max(needed, _bodyCapacity * GrowthFactor));
        byte[] grown;
        if (_bodyOwned && capacity < declared)
        {
            // On the way to a large owned payload (a block): borrow, so only the final exact array is allocated.
            grown = System.Buffers.ArrayPool<byte>.Shared.Rent(capacity);
        }
        else
        {
            grown = new byte[capacity];
        }
        _body.AsSpan(0, _bodyFilled).CopyTo(grown);
        ReturnBorrowedBody();
        _body = grown;
        _bodyBorrowed = _bodyOwned && capacity < declared;
        _bodyCapacity = _bodyBorrowed ? capacity : grown.Length; // a borrowed array may be longer than asked for
        if (!_bodyOwned) _scratch = grown;
    }

    private void ReturnBorrowedBody()
    {
        if (!_bodyBorrowed) return;
        System.Buffers.ArrayPool<byte>.Shared.Return(_body);
        _bodyBorrowed = false;
    }

    private IWireMessage CompleteFrame()
    {
        int length = (int)_current.PayloadLength;
        var payload = new ReadOnlyMemory<byte>(_body, 0, length);
        var header = _current;
        _headerFilled = 0;
        _bodyFilled = 0;
        if (_bodyOwned) _body = [];
        else if (_scratch.Length > ScratchKeepLimit) _scratch = [];

        if (FrameHeader.ComputeChecksum(payload.Span) != header.Checksum)
            throw new WireException(WireError.BadChecksum, $"{header.Command}: payload checksum mismatch");
        return MessageRegistry.DecodePayload(header.Command, payload, Context);
    }
}
