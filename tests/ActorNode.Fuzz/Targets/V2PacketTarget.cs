using System.Buffers.Binary;
using System.Security.Cryptography;
using ActorNode.V2Transport;
using ActorNode.V2Transport.Framing;
using ActorNode.Wire;
using ActorNode.Wire.Messages;

namespace ActorNode.Fuzz.Targets;

/// <summary>The BIP324 receive path (src/ActorNode.V2Transport: V2Session and V2Framer) as a responder sees it.
/// <para>Input: byte 0 = mode (bits 0-1) and chunk size (bits 2-7: the stream is fed in chunks of 1 + 67 × value
/// bytes); the rest is the stream description.</para>
/// <list type="bullet">
/// <item>mode 0, <b>raw</b>: the rest is what the initiator sends, byte for byte (its key, garbage, terminator,
/// packets): the key exchange, the bounded terminator scan and the length/tag checks on arbitrary bytes.</item>
/// <item>mode 1, <b>authentic</b>: a real initiator completes the handshake with the responder, then the rest is
/// a list of packets (2-byte length, 1 flag byte whose bit 0 is the decoy bit, the contents) that the initiator
/// encrypts: past the AEAD into message-type parsing (short ids, long form) and every message decoder. An
/// authentic stream must never fail on its tags.</item>
/// <item>mode 2, <b>tampered</b>: as mode 1, then one bit of the ciphertext (chosen by the first two bytes) is
/// flipped: the failure must be the session's own error, at or after the packet it hit.</item>
/// </list>
/// <para>Both sides' keys come from a fixed-seed generator, so an input always replays the same way. Checks
/// besides the shared contract: the session never holds more than four times the bytes it was fed (plus a
/// packet header's worth), and in mode 1 it decodes every packet it was given.</para></summary>
public sealed class V2PacketTarget : FuzzTarget
{
    public override string Name => "bip324";

    public override string Description => "V2Session/V2Framer (responder) over raw, authentic and tampered initiator streams";

    public override bool IsExpected(Exception exception) => exception is V2TransportException or WireException;

    // Two handshakes' worth of elliptic-curve work allocate a constant amount (BouncyCastle's big integers): the
    // bound keeps the per-byte part of the shared contract.
    public override long AllocationBound(int inputLength) => 4 * 1024 * 1024 + 32L * inputLength;

    public override void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty) return;
        int mode = input[0] & 3;
        int chunk = 1 + 67 * (input[0] >> 2);
        var rest = input[1..];
        using var responder = new V2Framer(new V2Session(V2Role.Responder, WireContexts.MainNetMagic, new FixedRandom(2)), WireContext.Latest);
        switch (mode)
        {
            case 0:
                Feed(responder, rest, chunk, expectAll: -1);
                break;
            case 1:
            case 2:
            {
                using var initiator = new V2Session(V2Role.Initiator, WireContexts.MainNetMagic, new FixedRandom(1),
                    new V2SessionOptions { GarbageLength = 0 });
                var stream = new List<byte>(initiator.TakeOutput() ?? []);
                // The responder's key and garbage reach the initiator, which can then encrypt.
                var first = stream.ToArray();
                ReadOnlySpan<byte> toResponder = first;
                responder.TryRead(ref toResponder, out _);
                var back = responder.TakeOutput() ?? [];
                ReadOnlySpan<byte> toInitiator = back;
                while (initiator.TryReceive(ref toInitiator, out _)) { }
                if (!initiator.CanSend) throw new FuzzContractException("bip324: the initiator could not finish its side of the handshake");
                var handshakeTail = initiator.TakeOutput() ?? [];
                var packets = new List<byte>(handshakeTail);
                int expected = 0;
                int flipAt = -1;
                if (mode == 2 && rest.Length >= 2)
                {
                    flipAt = BinaryPrimitives.ReadUInt16LittleEndian(rest);
                    rest = rest[2..];
                }
                while (rest.Length >= 3)
                {
                    int length = BinaryPrimitives.ReadUInt16LittleEndian(rest);
                    bool decoy = (rest[2] & 1) != 0;
                    rest = rest[3..];
                    var contents = rest[..Math.Min(length, rest.Length)];
                    rest = rest[contents.Length..];
                    packets.AddRange(initiator.EncodePacket(contents, decoy));
                    if (!decoy) expected++;
                }
                var bytes = packets.ToArray();
                if (flipAt >= 0 && bytes.Length > 0) bytes[flipAt % bytes.Length] ^= (byte)(1 << (flipAt >> 13 & 7));
                Feed(responder, bytes, chunk, expectAll: mode == 1 ? expected : -1);
                break;
            }
            default:
                return;
        }
    }

    // Feeds the stream to the responder in chunks and reads every message; with expectAll >= 0 (an authentic
    // stream) no tag may fail and every non-decoy packet must come out, as a message or as a dropped unknown type
    // or a message whose payload did not decode (a WireException, the framer's documented answer).
    private static void Feed(V2Framer framer, ReadOnlySpan<byte> stream, int chunk, int expectAll)
    {
        long fed = 0;
        int seen = 0;
        while (!stream.IsEmpty)
        {
            var piece = stream[..Math.Min(chunk, stream.Length)];
            stream = stream[piece.Length..];
            fed += piece.Length;
            while (true)
            {
                bool got;
                try
                {
                    got = framer.TryRead(ref piece, out IWireMessage _);
                }
                catch (WireException) when (expectAll >= 0)
                {
                    seen++; // a payload that is not a valid message of its type: consumed, counted
                    continue;
                }
                catch (V2TransportException e) when (expectAll >= 0)
                {
                    throw new FuzzContractException($"bip324: an authentic stream failed: {e.Reason}: {e.Message}");
                }
                if (framer.Session.BufferCapacity > 4 * fed + 64 * 1024)
                    throw new FuzzContractException($"bip324: {framer.Session.BufferCapacity:N0} bytes buffered after {fed:N0} fed");
                if (!got) break;
                seen++;
            }
        }
        if (expectAll >= 0 && seen + framer.DroppedMessages < expectAll)
            throw new FuzzContractException($"bip324: {expectAll} packets sent, {seen} messages and {framer.DroppedMessages} dropped came out");
    }

    /// <summary>A generator that always gives the same bytes for the same seed (keys and garbage replay).</summary>
    private sealed class FixedRandom(int seed) : RandomNumberGenerator
    {
        private readonly Random _random = new(seed);

        public override void GetBytes(byte[] data) => _random.NextBytes(data);

        public override void GetBytes(Span<byte> data) => _random.NextBytes(data);

        public override void GetNonZeroBytes(byte[] data) => GetNonZeroBytes(data.AsSpan());

        public override void GetNonZeroBytes(Span<byte> data)
        {
            _random.NextBytes(data);
            for (int i = 0; i < data.Length; i++) if (data[i] == 0) data[i] = 1;
        }
    }
}
