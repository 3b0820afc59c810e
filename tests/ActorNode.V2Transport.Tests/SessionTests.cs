using ActorNode.V2Transport.Crypto;
using static ActorNode.V2Transport.Tests.SessionHarness;

namespace ActorNode.V2Transport.Tests;

/// <summary>Initiator and responder sessions talking to each other through random chunkings, with garbage, decoys
/// and the rekeying boundaries.</summary>
public class SessionTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 7)]
    [InlineData(3, 64)]
    [InlineData(4, 5000)]
    public void Sessions_agree_and_carry_messages_both_ways_in_any_chunking(int seed, int maxChunk)
    {
        var chunks = new Random(seed);
        var options = new V2SessionOptions { HandshakeDecoys = seed % 3 };
        using var initiator = new V2Session(V2Role.Initiator, MainNet, Rng, options);
        using var responder = new V2Session(V2Role.Responder, MainNet, Rng);
        Handshake(initiator, responder, chunks, maxChunk);

        Assert.Equal(V2SessionState.Ready, initiator.State);
        Assert.Equal(V2SessionState.Ready, responder.State);
        Assert.NotNull(initiator.SessionId);
        Assert.Equal(initiator.SessionId, responder.SessionId);
        Assert.Equal(options.HandshakeDecoys, responder.DecoysReceived);

        // Short ids, long forms, empty payloads, decoys in between, and more than 2 × 224 packets (two rekeys).
        var commands = new[] { "ping", "version", "inv", "sendaddrv2", "getblocktxn", "block", "wtxidrelay", "addrv2" };
        var sent = new List<(string, byte[])>();
        var wire = new List<byte>();
        int decoys = 0;
        for (int i = 0; i < 500; i++)
        {
            var payload = new byte[chunks.Next(0, i % 50 == 0 ? 20_000 : 200)];
            chunks.NextBytes(payload);
            var command = commands[i % commands.Length];
            sent.Add((command, payload));
            wire.AddRange(initiator.EncodeMessage(command, payload));
            if (i % 7 == 0)
            {
                wire.AddRange(initiator.EncodeDecoy(chunks.Next(0, 300)));
                decoys++;
            }
        }
        var received = Feed(responder, wire.ToArray(), chunks, maxChunk);
        Assert.Equal(sent.Count, received.Count);
        for (int i = 0; i < sent.Count; i++)
        {
            Assert.Equal(sent[i].Item1, received[i].Command);
            Assert.Equal(sent[i].Item2, received[i].Payload);
        }
        Assert.Equal(options.HandshakeDecoys + decoys, responder.DecoysReceived);

        // And the other way, with a block-sized message that gets a buffer of its own.
        var big = new byte[1_000_000];
        chunks.NextBytes(big);
        var back = Feed(initiator, responder.EncodeMessage("block", big), chunks, maxChunk * 50);
        Assert.Single(back);
        Assert.Equal("block", back[0].Command);
        Assert.Equal(big, back[0].Payload);
    }

    [Fact]
    public void Garbage_of_every_edge_length_is_skipped()
    {
        foreach (int garbage in new[] { 0, 1, 15, 16, 17, 4094, 4095 })
        {
            var chunks = new Random(garbage);
            using var initiator = new V2Session(V2Role.Initiator, MainNet, Rng, new V2SessionOptions { GarbageLength = garbage });
            using var responder = new V2Session(V2Role.Responder, MainNet, Rng, new V2SessionOptions { GarbageLength = 4095 - garbage });
            Handshake(initiator, responder, chunks);
            Assert.Equal(V2SessionState.Ready, initiator.State);
            Assert.Equal(V2SessionState.Ready, responder.State);
        }
    }

    [Fact]
    public void The_responder_sends_its_key_and_garbage_at_once_and_the_rest_after_the_initiators_key()
    {
        using var initiator = new V2Session(V2Role.Initiator, MainNet, Rng, new V2SessionOptions { GarbageLength = 100 });
        using var responder = new V2Session(V2Role.Responder, MainNet, Rng, new V2SessionOptions { GarbageLength = 10 });
        Assert.Equal(164, initiator.TakeOutput()!.Length);
        Assert.Equal(74, responder.TakeOutput()!.Length);
        Assert.False(responder.CanSend);
        Assert.Null(responder.TakeOutput());

        ReadOnlySpan<byte> key = initiator.OurPublicKey.ToArray();
        Assert.False(responder.TryReceive(ref key, out _));
        Assert.True(responder.CanSend);
        // Terminator (16) + garbage authentication packet (20) + version packet (20).
        Assert.Equal(56, responder.TakeOutput()!.Length);
        Assert.Equal(V2SessionState.AwaitingGarbageTerminator, responder.State);
    }

    [Fact]
    public void Queued_handshake_bytes_come_before_the_first_message()
    {
        var chunks = new Random(5);
        using var initiator = new V2Session(V2Role.Initiator, MainNet, Rng);
        using var responder = new V2Session(V2Role.Responder, MainNet, Rng);
        Assert.Empty(Feed(responder, initiator.TakeOutput()!, chunks));
        Assert.Empty(Feed(initiator, responder.TakeOutput()!, chunks));
        // The initiator's terminator etc. are still queued: EncodeMessage must put them first.
        Assert.True(initiator.PendingOutputBytes > 0);
        var bytes = initiator.EncodeMessage("ping", new byte[8]);
        Assert.Equal(0, initiator.PendingOutputBytes);
        var received = Feed(responder, bytes, chunks);
        Assert.Equal("ping", Assert.Single(received).Command);
    }

    [Fact]
    public void A_message_at_the_contents_limit_passes_and_one_byte_more_is_refused()
    {
        var chunks = new Random(6);
        using var initiator = new V2Session(V2Role.Initiator, MainNet, Rng);
        using var responder = new V2Session(V2Role.Responder, MainNet, Rng);
        Handshake(initiator, responder, chunks);
        // Long form (13 bytes) + 4,000,000 = 4,000,013: exactly Core's MAX_CONTENTS_LEN.
        var payload = new byte[4_000_000];
        var ok = Feed(responder, initiator.EncodeMessage("unknowncmd", payload), chunks, 100_000);
        Assert.Equal(4_000_000, Assert.Single(ok).Payload.Length);

        var tooBig = initiator.EncodeMessage("unknowncmd", new byte[4_000_001]);
        var e = Assert.Throws<V2TransportException>(() => Feed(responder, tooBig.AsSpan(0, 3), chunks));
        Assert.Equal(V2Error.PacketTooLarge, e.Reason);
    }

    [Fact]
    public void Sessions_on_different_networks_never_find_the_terminator()
    {
        var chunks = new Random(7);
        using var initiator = new V2Session(V2Role.Initiator, MainNet, Rng, new V2SessionOptions { GarbageLength = 4095 });
        using var responder = new V2Session(V2Role.Responder, TestNet3, Rng);
        Assert.Empty(Feed(initiator, responder.TakeOutput()!, chunks));
        var all = initiator.TakeOutput()!.Concat(initiator.TakeOutput() ?? []).ToArray();
        var e = Assert.Throws<V2TransportException>(() => Feed(responder, all, chunks));
        Assert.Equal(V2Error.MissingGarbageTerminator, e.Reason);
    }
}
