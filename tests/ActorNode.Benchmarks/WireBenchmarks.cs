using System.Buffers;
using System.Security.Cryptography;
using ActorNode.Wire;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;
using BenchmarkDotNet.Attributes;
using ActorNode.Wire.Tests;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace ActorNode.Benchmarks;

/// <summary>A short, steady job for a 2-core machine: one process, a few warmups, ten measured iterations.</summary>
public sealed class WireConfig : ManualConfig
{
    public WireConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10));
        AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);
        AddColumn(BenchmarkDotNet.Columns.StatisticColumn.Median);
    }
}

/// <summary>Decode and encode of the two real witness blocks (1.2 MB and 2.3 MB). Without txids the decoder only
/// slices the buffer; with txids every transaction is hashed twice (txid and wtxid), which is SHA-256 bound: compare
/// with <see cref="Sha256Baseline"/> over the same bytes.</summary>
[Config(typeof(WireConfig))]
public class BlockBenchmarks
{
    private byte[] _bytes = [];
    private Block _block = null!;
    private readonly ArrayBufferWriter<byte> _output = new(4_000_000);

    [Params(TestData.Block574200, TestData.Block540107)]
    public string File { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _bytes = TestData.ReadAllBytes(File);
        _block = Block.Parse(_bytes);
        _txidPieces = _block.Transactions
            .SelectMany(t => t.HasWitness
                ? new[] { t.ToArray(WireEncoding.Base), t.ToArray(WireEncoding.Witness) }
                : new[] { t.ToArray(WireEncoding.Base) })
            .ToArray();
    }

    [Benchmark]
    public Block Decode() => Block.Parse(_bytes);

    [Benchmark]
    public Hash256 DecodeWithTxids()
    {
        var block = Block.Parse(_bytes);
        Hash256 last = default;
        foreach (var tx in block.Transactions)
        {
            last = tx.Txid;
            last = tx.Wtxid;
        }
        return last;
    }

    [Benchmark]
    public int Encode()
    {
        _output.ResetWrittenCount();
        _block.Write(new WireWriter(_output), WireEncoding.Witness);
        return _output.WrittenCount;
    }

    /// <summary>Encoding a block built in memory (no received bytes to copy): every field is written.</summary>
    [Benchmark]
    public int EncodeConstructed()
    {
        _output.ResetWrittenCount();
        var fresh = new Block(_block.Header, _block.Transactions
            .Select(t => new Transaction(t.Version, t.Inputs, t.Outputs, t.LockTime)).ToArray());
        fresh.Write(new WireWriter(_output), WireEncoding.Witness);
        return _output.WrittenCount;
    }

    private byte[][] _txidPieces = [];

    /// <summary>The platform's one-shot SHA-256 over exactly what txid and wtxid hashing covers: each transaction's
    /// serialisation without witness, and with witness where it has one, each hashed twice. The floor for
    /// <see cref="DecodeWithTxids"/> minus <see cref="Decode"/>.</summary>
    [Benchmark]
    public byte Sha256SamePieces()
    {
        Span<byte> hash = stackalloc byte[32];
        foreach (var piece in _txidPieces)
        {
            SHA256.HashData(piece, hash);
            SHA256.HashData(hash, hash);
        }
        return hash[0];
    }

    /// <summary>The platform's SHA-256, twice, over the block's bytes: the floor for txid hashing.</summary>
    [Benchmark]
    public byte Sha256Baseline()
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(_bytes, hash);
        SHA256.HashData(_bytes, hash);
        return hash[0];
    }
}

/// <summary>A 2,000-header <c>headers</c>, a 50,000-entry <c>inv</c>, and ping: payload decode and encode, and whole
/// frames through the frame decoder and the encoder.</summary>
[Config(typeof(WireConfig))]
public class MessageBenchmarks
{
    private const uint Magic = 0xD9B4BEF9;
    private static readonly WireContext Context = WireContext.Latest;

    private byte[] _headersPayload = [], _invPayload = [];
    private byte[] _headersFrame = [], _pingFrame = [], _pongFrame = [], _verackFrame = [];
    private HeadersMessage _headers = null!;
    private InvMessage _inv = null!;
    private readonly FrameDecoder _decoder = new(Magic, Context);
    private readonly MessageEncoder _encoder = new(Magic);
    private readonly ArrayBufferWriter<byte> _output = new(2_000_000);
    private readonly PingMessage _ping = new(0x0123456789abcdef);

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        var headers = new BlockHeader[2000];
        var hash = new byte[32];
        for (int i = 0; i < headers.Length; i++)
        {
            random.NextBytes(hash);
            headers[i] = new BlockHeader(0x20000000, new Hash256(hash), new Hash256(hash), (uint)i, 0x1d00ffff, (uint)i);
        }
        _headers = new HeadersMessage(headers);
        var inventory = new InvVector[50_000];
        for (int i = 0; i < inventory.Length; i++)
        {
            random.NextBytes(hash);
            inventory[i] = new InvVector(InvType.WitnessTx, new Hash256(hash));
        }
        _inv = new InvMessage(inventory);
        _headersPayload = MessageEncoder.EncodePayloadToArray(_headers, Context);
        _invPayload = MessageEncoder.EncodePayloadToArray(_inv, Context);
        _headersFrame = _encoder.Encode(_headers, Context);
        _pingFrame = _encoder.Encode(_ping, Context);
        _pongFrame = _encoder.Encode(new PongMessage(7), Context);
        _verackFrame = _encoder.Encode(VerAckMessage.Instance, Context);
    }

    [Benchmark]
    public IWireMessage HeadersDecode() => MessageRegistry.DecodePayload("headers", _headersPayload, Context);

    [Benchmark]
    public int HeadersEncode()
    {
        _output.ResetWrittenCount();
        _headers.WritePayload(new WireWriter(_output), Context);
        return _output.WrittenCount;
    }

    [Benchmark]
    public IWireMessage HeadersFrameDecode() => ReadFrame(_headersFrame);

    [Benchmark]
    public IWireMessage InvDecode() => MessageRegistry.DecodePayload("inv", _invPayload, Context);

    [Benchmark]
    public int InvEncode()
    {
        _output.ResetWrittenCount();
        _inv.WritePayload(new WireWriter(_output), Context);
        return _output.WrittenCount;
    }

    [Benchmark]
    public IWireMessage PingFrameDecode() => ReadFrame(_pingFrame);

    [Benchmark]
    public IWireMessage PongFrameDecode() => ReadFrame(_pongFrame);

    [Benchmark]
    public IWireMessage VerAckFrameDecode() => ReadFrame(_verackFrame);

    [Benchmark]
    public int PingFrameEncode()
    {
        _output.ResetWrittenCount();
        _encoder.Encode(_ping, Context, _output);
        return _output.WrittenCount;
    }

    [Benchmark]
    public int HeadersFrameEncode()
    {
        _output.ResetWrittenCount();
        _encoder.Encode(_headers, Context, _output);
        return _output.WrittenCount;
    }

    private IWireMessage ReadFrame(byte[] frame)
    {
        ReadOnlySpan<byte> input = frame;
        _decoder.TryRead(ref input, out var message);
        return message;
    }
}

/// <summary>The frame decoder over a 64 MB stream of mixed messages (real blocks, their transactions, inv,
/// headers, ping, pong), fed in 64 KiB chunks as a socket would deliver them.</summary>
[Config(typeof(WireConfig))]
public class StreamBenchmarks
{
    private const uint Magic = 0xD9B4BEF9;
    private const int StreamSize = 64 * 1024 * 1024;
    private const int ChunkSize = 64 * 1024;
    private byte[] _stream = [];
    private int _messages;

    [GlobalSetup]
    public void Setup()
    {
        var encoder = new MessageEncoder(Magic);
        var context = WireContext.Latest;
        var block = Block.Parse(TestData.ReadAllBytes(TestData.Block574200));
        var frames = new List<byte[]>
        {
            encoder.Encode(new BlockMessage(block), context),
            encoder.Encode(new InvMessage(block.Transactions.Take(500).Select(t => new InvVector(InvType.WitnessTx, t.Wtxid)).ToArray()), context),
            encoder.Encode(new HeadersMessage(Enumerable.Repeat(block.Header, 2000).ToArray()), context),
            encoder.Encode(new PingMessage(1), context),
            encoder.Encode(new PongMessage(1), context),
        };
        frames.AddRange(block.Transactions.Take(200).Select(t => encoder.Encode(new TxMessage(t), context)));
        using var stream = new MemoryStream(StreamSize + 4_000_000);
        for (int i = 0; stream.Length < StreamSize; i++, _messages++)
            stream.Write(frames[i % frames.Count]);
        _stream = stream.ToArray();
    }

    [Benchmark]
    public int DecodeStream()
    {
        var decoder = new FrameDecoder(Magic, WireContext.Latest);
        int count = 0;
        for (int offset = 0; offset < _stream.Length; offset += ChunkSize)
        {
            ReadOnlySpan<byte> chunk = _stream.AsSpan(offset, Math.Min(ChunkSize, _stream.Length - offset));
            while (decoder.TryRead(ref chunk, out _)) count++;
        }
        if (count != _messages) throw new InvalidOperationException($"decoded {count} of {_messages}");
        return count;
    }

    public long StreamLength => _stream.Length;
}
