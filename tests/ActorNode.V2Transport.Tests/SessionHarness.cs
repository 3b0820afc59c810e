using System.Security.Cryptography;

namespace ActorNode.V2Transport.Tests;

/// <summary>Drives two sessions (or one session and raw bytes) with random chunking.</summary>
internal static class SessionHarness
{
    public const uint MainNet = 0xD9B4BEF9;
    public const uint TestNet3 = 0x0709110B;

    public static RandomNumberGenerator Rng { get; } = RandomNumberGenerator.Create();

    /// <summary>Feeds <paramref name="bytes"/> to <paramref name="session"/> in random chunks of 1..maxChunk bytes
    /// and returns every message, with its payload copied.</summary>
    public static List<(string? Command, byte[] Payload)> Feed(V2Session session, ReadOnlySpan<byte> bytes, Random chunks,
        int maxChunk = 700)
    {
        var received = new List<(string?, byte[])>();
        while (!bytes.IsEmpty)
        {
            int n = Math.Min(bytes.Length, chunks.Next(1, maxChunk + 1));
            var chunk = bytes[..n];
            while (session.TryReceive(ref chunk, out var m)) received.Add((m.Command, m.Payload.ToArray()));
            Assert.True(chunk.IsEmpty);
            bytes = bytes[n..];
        }
        return received;
    }

    /// <summary>Runs the handshake to completion, exchanging queued output in random chunks until neither side has
    /// anything to send.</summary>
    public static void Handshake(V2Session a, V2Session b, Random chunks, int maxChunk = 700)
    {
        for (int round = 0; round < 10; round++)
        {
            var fromA = a.TakeOutput();
            var fromB = b.TakeOutput();
            if (fromA is null && fromB is null) return;
            if (fromA is not null) Assert.Empty(Feed(b, fromA, chunks, maxChunk));
            if (fromB is not null) Assert.Empty(Feed(a, fromB, chunks, maxChunk));
        }
        throw new InvalidOperationException("handshake did not settle");
    }
}
