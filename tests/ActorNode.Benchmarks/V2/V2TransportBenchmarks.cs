using System.Security.Cryptography;
using ActorNode.V2Transport;
using ActorNode.V2Transport.Crypto;
using ActorNode.V2Transport.Framing;
using ActorNode.Wire;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using ActorNode.Wire.Tests;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;

namespace ActorNode.Benchmarks.V2;

/// <summary>BenchmarkDotNet's short job (what <c>--job short</c> selects: 1 launch, 3 warm-ups, 3 iterations) with
/// allocation counts, run in process (no separate build of the benchmark project: on the shared 2-core machine
/// that build alone took longer than the measurements); set here so the classes do not also get the default job.</summary>
public sealed class V2Config : BenchmarkDotNet.Configs.ManualConfig
{
    public V2Config()
    {
        AddJob(BenchmarkDotNet.Jobs.Job.ShortRun.WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance));
        AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);
    }
}

/// <summary>BIP324 packet cost against v1 framing for the same payload, with no message decoding on either side.
/// v1 = 24-byte header with the double-SHA-256 checksum written, then parsed and the checksum verified;
/// v2 = one packet encrypted (FSChaCha20 length + ChaCha20Poly1305 contents) then decrypted in place by the peer's
/// cipher. Both work in reused buffers.</summary>
[Config(typeof(V2Config))]
public class V2PacketBenchmarks
{
    private const uint Magic = 0xD9B4BEF9;
    private byte[] _payload = [];
    private byte[] _v1Frame = [];
    private byte[] _v2Packet = [];
    private V2PacketCipher _sender = null!;
    private V2PacketCipher _receiver = null!;

    [Params(100, 1_000_000)]
    public int PayloadBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _payload = RandomNumberGenerator.GetBytes(PayloadBytes);
        _v1Frame = new byte[FrameHeader.Size + PayloadBytes];
        _v2Packet = new byte[1 + PayloadBytes + V2PacketCipher.Overhead];
        var keys = V2KeyDerivation.Derive(RandomNumberGenerator.GetBytes(32), Magic);
        _sender = new V2PacketCipher(keys, initiator: true);
        _receiver = new V2PacketCipher(keys, initiator: false);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sender.Dispose();
        _receiver.Dispose();
    }

    [Benchmark(Baseline = true)]
    public uint V1FrameAndCheck()
    {
        new FrameHeader(Magic, "block", (uint)_payload.Length, FrameHeader.ComputeChecksum(_payload)).WriteTo(_v1Frame);
        _payload.CopyTo(_v1Frame, FrameHeader.Size);
        var header = FrameHeader.Parse(_v1Frame);
        uint check = FrameHeader.ComputeChecksum(_v1Frame.AsSpan(FrameHeader.Size, (int)header.PayloadLength));
        return check ^ header.Checksum;
    }

    [Benchmark]
    public int V2EncryptOnly()
    {
        _v2Packet[4] = 2; // short id of block
        _payload.CopyTo(_v2Packet, 5);
        _sender.EncryptInPlace(_v2Packet, [], ignore: false);
        return _v2Packet[0];
    }

    [Benchmark]
    public bool V2EncryptAndDecrypt()
    {
        _v2Packet[4] = 2;
        _payload.CopyTo(_v2Packet, 5);
        _sender.EncryptInPlace(_v2Packet, [], ignore: false);
        int length = _receiver.DecryptLength(_v2Packet.AsSpan(0, 3));
        var body = _v2Packet.AsSpan(3, 1 + length + V2PacketCipher.TagLength);
        return _receiver.Decrypt(body, [], body[..^V2PacketCipher.TagLength]);
    }
}

/// <summary>A whole message through each framing as the peer layer will use it: encode, then read back and decode
/// into an <see cref="IWireMessage"/>: the real 1.2 MB block 574,200, an inv of 3 entries (109-byte payload) and a
/// ping. Fed in 64 KiB chunks like TCP reads.</summary>
[Config(typeof(V2Config))]
public class V2FramingBenchmarks
{
    private const uint Magic = 0xD9B4BEF9;
    private IWireMessage _message = null!;
    private V1Framer _v1 = null!;
    private V2Framer _v2Out = null!;
    private V2Framer _v2In = null!;

    [Params("block574200", "inv3", "ping")]
    public string Message { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _message = Message switch
        {
            "block574200" => new BlockMessage(Block.Parse(TestData.ReadAllBytes(TestData.Block574200))),
            "inv3" => new InvMessage([new InvVector(InvType.WitnessTx, default), new InvVector(InvType.WitnessTx, default),
                new InvVector(InvType.WitnessTx, default)]),
            _ => new PingMessage(42),
        };
        _v1 = new V1Framer(Magic, WireContext.Latest);
        var random = RandomNumberGenerator.Create();
        _v2Out = new V2Framer(V2Role.Initiator, Magic, WireContext.Latest, random);
        _v2In = new V2Framer(V2Role.Responder, Magic, WireContext.Latest, random);
        for (int i = 0; i < 4; i++)
        {
            Pump(_v2In, _v2Out.TakeOutput());
            Pump(_v2Out, _v2In.TakeOutput());
        }
        if (_v2Out.Session.State != V2SessionState.Ready || _v2In.Session.State != V2SessionState.Ready)
            throw new InvalidOperationException("v2 handshake did not complete");
    }

    private static int Pump(IMessageFramer to, byte[]? bytes)
    {
        if (bytes is null) return 0;
        int count = 0;
        for (int at = 0; at < bytes.Length; at += 65536)
        {
            ReadOnlySpan<byte> chunk = bytes.AsSpan(at, Math.Min(65536, bytes.Length - at));
            while (to.TryRead(ref chunk, out _)) count++;
        }
        return count;
    }

    [Benchmark(Baseline = true)]
    public int V1() => Pump(_v1, _v1.Encode(_message, WireContext.Latest));

    [Benchmark]
    public int V2() => Pump(_v2In, _v2Out.Encode(_message, WireContext.Latest));
}

/// <summary>Handshake CPU: the pieces, and one whole connection (both sides: two key generations with
/// ElligatorSwift encoding, two decodes + ECDH, key derivation, terminator scan, the four handshake packets).</summary>
[Config(typeof(V2Config))]
public class V2HandshakeBenchmarks
{
    private const uint Magic = 0xD9B4BEF9;
    private readonly RandomNumberGenerator _random = RandomNumberGenerator.Create();
    private byte[] _priv = [];
    private byte[] _theirs = [];

    [GlobalSetup]
    public void Setup()
    {
        (_priv, _) = ElligatorSwift.Create(_random);
        (_, _theirs) = ElligatorSwift.Create(_random);
    }

    [Benchmark]
    public byte[] KeyGenerationAndEncoding() => ElligatorSwift.Create(_random).PublicKey;

    [Benchmark]
    public byte[] Decode() => ElligatorSwift.Decode(_theirs);

    [Benchmark]
    public byte[] DecodeAndEcdh() => ElligatorSwift.XOnlyEcdh(_theirs, _priv);

    [Benchmark]
    public byte[] WholeConnectionBothSides()
    {
        using var initiator = new V2Session(V2Role.Initiator, Magic, _random);
        using var responder = new V2Session(V2Role.Responder, Magic, _random);
        Feed(responder, initiator.TakeOutput());
        Feed(initiator, responder.TakeOutput());
        Feed(responder, initiator.TakeOutput());
        if (responder.State != V2SessionState.Ready || initiator.State != V2SessionState.Ready)
            throw new InvalidOperationException("handshake incomplete");
        return responder.SessionId!;
    }

    private static void Feed(V2Session session, byte[]? bytes)
    {
        ReadOnlySpan<byte> input = bytes;
        while (session.TryReceive(ref input, out _)) { }
    }
}
