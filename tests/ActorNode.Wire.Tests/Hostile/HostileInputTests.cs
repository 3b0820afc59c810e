using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;

namespace ActorNode.Wire.Tests.Hostile;

/// <summary>Hostile bytes for every message type: whatever arrives, the codec answers with a
/// <see cref="WireException"/> or a valid message, never another exception, and never allocates far beyond the
/// bytes it was given.</summary>
public class HostileInputTests
{
    private const uint Mainnet = 0xD9B4BEF9;
    private static readonly WireContext Context = WireContext.Latest;

    public static TheoryData<string> Commands()
    {
        var data = new TheoryData<string>();
        foreach (var sample in WireSamples.All) data.Add(sample.Command);
        return data;
    }

    private static IWireMessage Sample(string command) => WireSamples.All.First(m => m.Command == command);

    /// <summary>Decodes and checks the outcome: a message, or the codec's own error. Also bounds allocation: at most
    /// a fixed overhead plus a small multiple of the payload (the decoded objects), however large the counts
    /// inside the bytes claim to be.</summary>
    private static IWireMessage? DecodeSafely(string command, byte[] payload)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        IWireMessage? message = null;
        try
        {
            message = MessageRegistry.DecodePayload(command, payload, Context);
        }
        catch (WireException)
        {
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        long bound = 16 * 1024 + 16L * payload.Length;
        Assert.True(allocated <= bound,
            $"{command}: decoding {payload.Length} bytes allocated {allocated} bytes (bound {bound})");
        return message;
    }

    [Fact]
    public void Samples_CoverEveryRegisteredCommand()
    {
        var sampled = WireSamples.All.Select(m => m.Command).ToHashSet();
        Assert.DoesNotContain(MessageRegistry.Commands, c => !sampled.Contains(c));
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Sample_RoundTrips(string command)
    {
        var payload = MessageEncoder.EncodePayloadToArray(Sample(command), Context);
        var decoded = MessageRegistry.DecodePayload(command, payload, Context);
        Assert.Equal(payload, MessageEncoder.EncodePayloadToArray(decoded, Context));
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void EveryTruncation_IsAnErrorOrAMessage(string command)
    {
        var payload = MessageEncoder.EncodePayloadToArray(Sample(command), Context);
        for (int length = 0; length < payload.Length; length++)
            DecodeSafely(command, payload[..length]);

        // Through the frame decoder a truncated frame is simply incomplete: no message, no error.
        var frame = new MessageEncoder(Mainnet).Encode(Sample(command), Context);
        for (int length = 0; length < frame.Length; length++)
        {
            var decoder = new FrameDecoder(Mainnet, Context);
            ReadOnlySpan<byte> input = frame.AsSpan(0, length);
            Assert.False(decoder.TryRead(ref input, out _));
        }
    }

    /// <summary>The seed of a command's random cases: fixed (FNV-1a of the command and the test's salt, not
    /// <see cref="string.GetHashCode()"/>, which .NET randomises per process), so a failure comes back on every run.</summary>
    private static int Seed(string command, uint salt)
    {
        uint hash = 2166136261 ^ salt;
        foreach (char c in command) hash = (hash ^ c) * 16777619;
        return (int)(hash & 0x7fffffff);
    }

    /// <summary>Decodes one random case; a failure names the command, the seed, the round and the bytes, which
    /// reproduce it.</summary>
    private static void DecodeCase(string command, int seed, int round, byte[] bytes)
    {
        try
        {
            DecodeSafely(command, bytes);
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException(
                $"{command}: seed {seed}, round {round}, input {Convert.ToHexString(bytes)}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
        }
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void RandomBitFlips_AreAnErrorOrAMessage(string command)
    {
        var payload = MessageEncoder.EncodePayloadToArray(Sample(command), Context);
        if (payload.Length == 0) return;
        int seed = Seed(command, 1);
        var random = new Random(seed);
        for (int round = 0; round < 300; round++)
        {
            var mutated = (byte[])payload.Clone();
            int flips = 1 + random.Next(3);
            for (int i = 0; i < flips; i++)
                mutated[random.Next(mutated.Length)] ^= (byte)(1 << random.Next(8));
            DecodeCase(command, seed, round, mutated);
        }
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void RandomBytes_AreAnErrorOrAMessage(string command)
    {
        int seed = Seed(command, 2);
        var random = new Random(seed);
        for (int round = 0; round < 200; round++)
        {
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            DecodeCase(command, seed, round, bytes);
        }
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void DeclaredLengthAboveTheMessageMaximum_FailsOnTheHeader(string command)
    {
        Assert.True(MessageRegistry.TryGet(command, out var descriptor));
        long max = descriptor.MaxPayload(Context.ProtocolVersion);
        var header = new byte[FrameHeader.Size];
        new FrameHeader(Mainnet, command, (uint)Math.Min(max + 1, uint.MaxValue), 0).WriteTo(header);
        var decoder = new FrameDecoder(Mainnet, Context);
        var error = Assert.Throws<WireException>(() => Feed(decoder, header));
        Assert.Equal(WireError.Oversized, error.Reason);
    }

    /// <summary>Every count a message reads, set to a huge value while the bytes that would back it are absent:
    /// refused before allocation (the allocation bound in <see cref="DecodeSafely"/> holds).</summary>
    [Theory]
    [MemberData(nameof(Commands))]
    public void HugeCountsAtEveryOffset_AreRefusedWithoutAllocating(string command)
    {
        var payload = MessageEncoder.EncodePayloadToArray(Sample(command), Context);
        byte[][] huge = [[0xfd, 0xff, 0xff], [0xfe, 0xff, 0xff, 0xff, 0xff], [0xfe, 0x50, 0xc3, 0x00, 0x01]];
        for (int offset = 0; offset < payload.Length; offset++)
        {
            foreach (var count in huge)
            {
                var mutated = payload[..offset].Concat(count).Concat(payload[offset..]).ToArray();
                DecodeSafely(command, mutated);
            }
        }
    }

    /// <summary>Messages that open with a CompactSize count: the same count written with a wider prefix is refused.</summary>
    [Theory]
    [InlineData("inv")]
    [InlineData("getdata")]
    [InlineData("notfound")]
    [InlineData("addr")]
    [InlineData("addrv2")]
    [InlineData("headers")]
    public void LeadingCountNonCanonical_IsRefused(string command)
    {
        var payload = MessageEncoder.EncodePayloadToArray(Sample(command), Context);
        Assert.True(payload[0] < 0xfd);
        byte[][] wider =
        [
            [0xfd, payload[0], 0x00],
            [0xfe, payload[0], 0x00, 0x00, 0x00],
            [0xff, payload[0], 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00],
        ];
        foreach (var prefix in wider)
        {
            var mutated = prefix.Concat(payload[1..]).ToArray();
            var error = Assert.Throws<WireException>(() => MessageRegistry.DecodePayload(command, mutated, Context));
            Assert.Equal(WireError.NonCanonical, error.Reason);
        }
    }

    private static bool Feed(FrameDecoder decoder, byte[] bytes)
    {
        ReadOnlySpan<byte> input = bytes;
        return decoder.TryRead(ref input, out _);
    }
}
