using static ActorNode.V2Transport.Tests.SessionHarness;

namespace ActorNode.V2Transport.Tests;

/// <summary>Each hostile input of issue 12 at the session level: a typed failure (or, for decoys, none) and
/// memory bounded by what arrived, never by what a peer claims.</summary>
public class HostileTests
{
    /// <summary>A responder that has the initiator's real key, so the hostile bytes start at the garbage.</summary>
    private static (V2Session Initiator, V2Session Responder) KeyExchanged(V2SessionOptions? initiatorOptions = null)
    {
        var initiator = new V2Session(V2Role.Initiator, MainNet, Rng, initiatorOptions ?? new V2SessionOptions { GarbageLength = 0 });
        var responder = new V2Session(V2Role.Responder, MainNet, Rng);
        ReadOnlySpan<byte> key = initiator.OurPublicKey.ToArray();
        Assert.False(responder.TryReceive(ref key, out _));
        return (initiator, responder);
    }

    private static (V2Session Initiator, V2Session Responder) Ready()
    {
        var initiator = new V2Session(V2Role.Initiator, MainNet, Rng);
        var responder = new V2Session(V2Role.Responder, MainNet, Rng);
        Handshake(initiator, responder, new Random(1));
        return (initiator, responder);
    }

    [Fact]
    public void Garbage_without_terminator_fails_at_exactly_4111_bytes_holding_at_most_that()
    {
        var (initiator, responder) = KeyExchanged();
        using var initiatorScope = initiator;
        using var responderScope = responder;
        var garbage = new byte[V2Session.MaxGarbageScan];
        new Random(2).NextBytes(garbage);
        ReadOnlySpan<byte> first = garbage.AsSpan(0, V2Session.MaxGarbageScan - 1);
        Assert.False(responder.TryReceive(ref first, out _));
        Assert.Equal(V2SessionState.AwaitingGarbageTerminator, responder.State);
        Assert.True(responder.BufferCapacity <= V2Session.MaxGarbageScan);
        var last = garbage.AsSpan(V2Session.MaxGarbageScan - 1).ToArray();
        var e = Assert.Throws<V2TransportException>(() => Feed(responder, last, new Random(2)));
        Assert.Equal(V2Error.MissingGarbageTerminator, e.Reason);
        Assert.Equal(V2SessionState.Failed, responder.State);
        Assert.Equal(0, responder.BufferCapacity);
        // A failed session stays failed.
        Assert.Equal(V2Error.Faulted, Assert.Throws<V2TransportException>(() => Feed(responder, new byte[1], new Random(2))).Reason);
    }

    [Fact]
    public void A_flood_of_garbage_in_one_chunk_is_refused_without_buffering_it()
    {
        var (initiator, responder) = KeyExchanged();
        using var initiatorScope = initiator;
        using var responderScope = responder;
        var flood = new byte[1_000_000];
        new Random(3).NextBytes(flood);
        Assert.Equal(V2Error.MissingGarbageTerminator,
            Assert.Throws<V2TransportException>(() => Feed(responder, flood, new Random(3), 1_000_000)).Reason);
        Assert.Equal(64 + V2Session.MaxGarbageScan, responder.BytesReceived);
    }

    [Fact]
    public void A_wrong_terminator_is_garbage_without_terminator()
    {
        var (initiator, responder) = KeyExchanged();
        using var initiatorScope = initiator;
        using var responderScope = responder;
        Assert.Empty(Feed(initiator, responder.TakeOutput()!, new Random(4)));
        var honest = initiator.TakeOutput()!.AsSpan(64).ToArray(); // terminator ‖ auth ‖ version (garbage length 0)
        honest[5] ^= 0x01; // one bit of the terminator
        var padding = new byte[V2Session.MaxGarbageScan];
        var e = Assert.Throws<V2TransportException>(() => Feed(responder, [.. honest, .. padding], new Random(4)));
        Assert.Equal(V2Error.MissingGarbageTerminator, e.Reason);
    }

    [Fact]
    public void Tampered_garbage_or_garbage_authentication_fails_authentication()
    {
        foreach (int flip in new[] { 64 + 3, 64 + 10 + 16 + 5 }) // a garbage byte; a byte of the authentication packet
        {
            var initiator = new V2Session(V2Role.Initiator, MainNet, Rng, new V2SessionOptions { GarbageLength = 10 });
            using var responder = new V2Session(V2Role.Responder, MainNet, Rng);
            var first = initiator.TakeOutput()!;
            Assert.Empty(Feed(initiator, responder.TakeOutput()!, new Random(5)));
            var all = first.Concat(initiator.TakeOutput()!).ToArray();
            all[flip] ^= 0x40;
            var e = Assert.Throws<V2TransportException>(() => Feed(responder, all, new Random(5)));
            Assert.Equal(V2Error.GarbageAuthenticationFailed, e.Reason);
            initiator.Dispose();
        }
    }

    [Fact]
    public void A_bad_tag_on_an_application_packet_fails()
    {
        var (initiator, responder) = Ready();
        using var initiatorScope = initiator;
        using var responderScope = responder;
        var packet = initiator.EncodeMessage("ping", new byte[8]);
        packet[^1] ^= 0x80;
        Assert.Equal(V2Error.BadTag, Assert.Throws<V2TransportException>(() => Feed(responder, packet, new Random(6))).Reason);
    }

    [Fact]
    public void A_lying_length_costs_only_what_arrived_and_fails_on_the_tag()
    {
        var (initiator, responder) = Ready();
        using var initiatorScope = initiator;
        using var responderScope = responder;
        var packet = initiator.EncodeMessage("inv", new byte[100]);
        packet[2] ^= 0x08; // the length field is a plain XOR stream: +2^19 bytes claimed (still under the limit)
        Assert.Empty(Feed(responder, packet, new Random(7)));
        Assert.True(responder.BufferCapacity <= 4 * packet.Length, $"holds {responder.BufferCapacity} bytes for {packet.Length} received");
        // The rest of the claimed bytes: the tag cannot match.
        var rest = new byte[(1 << 19)];
        Assert.Equal(V2Error.BadTag, Assert.Throws<V2TransportException>(() => Feed(responder, rest, new Random(7), 65536)).Reason);
    }

    [Fact]
    public void A_length_beyond_the_limit_fails_after_three_bytes_without_allocating()
    {
        var (initiator, responder) = Ready();
        using var initiatorScope = initiator;
        using var responderScope = responder;
        var packet = initiator.EncodeMessage("ping", new byte[8]);
        packet[2] ^= 0x80; // +2^23 = 8,388,608 bytes: over 4,000,013
        var length = packet.AsSpan(0, 3).ToArray();
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(V2Error.PacketTooLarge, Assert.Throws<V2TransportException>(() => Feed(responder, length, new Random(9), 3)).Reason);
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes"); // the exception and its message, not 8 MB
    }

    [Fact]
    public void A_flood_of_decoys_is_dropped_one_at_a_time_in_bounded_memory()
    {
        var (initiator, responder) = Ready();
        using var initiatorScope = initiator;
        using var responderScope = responder;
        var random = new Random(8);
        int maxCapacity = 0;
        for (int batch = 0; batch < 20; batch++)
        {
            var wire = new List<byte>();
            for (int i = 0; i < 1000; i++) wire.AddRange(initiator.EncodeDecoy(random.Next(0, 2000)));
            Assert.Empty(Feed(responder, wire.ToArray(), random, 8192));
            maxCapacity = Math.Max(maxCapacity, responder.BufferCapacity);
        }
        Assert.Equal(20_000, responder.DecoysReceived);
        Assert.True(maxCapacity <= V2Session.ScratchLimit, $"held {maxCapacity} bytes");
        // Large decoys get their own buffer and release it.
        Assert.Empty(Feed(responder, initiator.EncodeDecoy(3_000_000), random, 65536));
        Assert.True(responder.BufferCapacity <= V2Session.ScratchLimit);
        var ping = Feed(responder, initiator.EncodeMessage("ping", new byte[8]), random);
        Assert.Equal("ping", Assert.Single(ping).Command);
    }

    [Fact]
    public void A_v1_peer_stalled_mid_detection_holds_at_most_16_bytes()
    {
        using var framer = new Framing.InboundFramer(MainNet, Wire.WireContext.Latest, Rng);
        var prefix = V1Detection.Prefix(MainNet);
        ReadOnlySpan<byte> partial = prefix.AsSpan(0, 10);
        Assert.False(framer.TryRead(ref partial, out _));
        Assert.Equal(Framing.TransportProtocol.Detecting, framer.Protocol);
        Assert.Null(framer.TakeOutput()); // a responder says nothing until it knows the peer is not v1
    }
}
