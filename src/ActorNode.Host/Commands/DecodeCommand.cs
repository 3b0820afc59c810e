using ActorNode.Chain;
using System.CommandLine;
using ActorNode.Host.Json;
using ActorNode.Wire;
using ActorNode.Wire.Encoding;
using ActorNode.Wire.Messages;
using ActorNode.Wire.Primitives;

namespace ActorNode.Host.Commands;

/// <summary><c>actornode decode</c>: prints p2p frames, a bare block or a bare transaction as JSON, one document
/// per message. A file is read as raw bytes (or as hex text with --hex); without a file, or with "-", hex text is
/// read from stdin. Exit 0 when everything decoded, 1 at the first codec error (what came before it is still
/// printed), 2 for bad usage, an unreadable file or invalid hex. Without --network, frames are read with the network
/// whose magic opens the first frame (as Wireshark tells networks apart), named on stderr; a magic no known network
/// uses is read as mainnet's and fails with BadMagic.</summary>
internal static class DecodeCommand
{
    public static Command Create(CliConsole console)
    {
        var file = new Argument<string?>("file")
        {
            Description = "The file to decode (raw bytes, or hex text with --hex). Omit it or give \"-\" to read hex text from stdin.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        file.Validators.Add(result =>
        {
            // An unknown option would otherwise be taken for a file name; "./-name" still reaches such a file.
            if (result.GetValueOrDefault<string?>() is { Length: > 1 } value && value[0] == '-')
                result.AddError($"unknown option '{value}'");
        });
        var hex = new Option<bool>("--hex") { Description = "The file holds hex text, not raw bytes." };
        var block = new Option<bool>("--block") { Description = "The input is one bare serialised block, not frames." };
        var tx = new Option<bool>("--tx") { Description = "The input is one bare serialised transaction, not frames." };
        var network = new Option<string?>("--network")
        {
            Description = "The network whose frame magic the stream uses (default: the network whose magic opens the first frame).",
        };
        network.AcceptOnlyFromAmong([.. ChainParams.All.Select(c => c.Name), "testnet"]);
        var pver = new Option<uint>("--pver")
        {
            Description = "The protocol version frames are decoded at (gates version-dependent fields and messages).",
            DefaultValueFactory = _ => ProtocolVersion.Current,
        };
        var pretty = new Option<bool>("--pretty") { Description = "Indent the JSON (one document per message)." };

        var command = new Command("decode", "Decode p2p frames (default), a block (--block) or a transaction (--tx) and print them as JSON.")
        {
            file, hex, block, tx, network, pver, pretty,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(block) && result.GetValue(tx)) result.AddError("--block and --tx cannot be used together");
        });
        command.SetAction(parse => Run(console, new Request(
            parse.GetValue(file), parse.GetValue(hex), parse.GetValue(block), parse.GetValue(tx),
            parse.GetValue(network) is { } name && ChainParams.TryParse(name, out var chain) ? chain : null, parse.GetValue(pver), parse.GetValue(pretty))));
        return command;
    }

    /// <summary><paramref name="Network"/>: null, detect it from the first frame.</summary>
    private sealed record Request(string? File, bool FileIsHex, bool Block, bool Tx, ChainParams? Network, uint ProtocolVersion, bool Pretty);

    private static int Run(CliConsole console, Request request)
    {
        if (!TryReadInput(console, request, out var bytes, out var problem))
        {
            console.Error.WriteLine("error: " + problem);
            return Cli.UsageError;
        }
        if (request.Block) return DecodeOne(console, request, () => Block.Parse(bytes));
        if (request.Tx) return DecodeOne(console, request, () => Transaction.Parse(bytes));
        return DecodeFrames(console, request, bytes);
    }

    private static int DecodeOne(CliConsole console, Request request, Func<object> parse)
    {
        object value;
        try
        {
            value = parse();
        }
        catch (WireException e)
        {
            console.Error.WriteLine($"error: {e.Reason}: {e.Message}");
            return Cli.DecodeFailed;
        }
        console.Out.WriteLine(WireJson.Serialize(value, request.Pretty));
        return Cli.Success;
    }

    private static int DecodeFrames(CliConsole console, Request request, byte[] bytes)
    {
        var network = request.Network ?? DetectNetwork(console, bytes);
        var decoder = new FrameDecoder(network.Magic, new WireContext(request.ProtocolVersion));
        ReadOnlySpan<byte> input = bytes;
        int frame = 0;
        while (true)
        {
            // The decoder is always at a frame boundary here: every call is fed the whole rest of the input.
            int offset = bytes.Length - input.Length;
            IWireMessage message;
            try
            {
                if (!decoder.TryRead(ref input, out message)) break;
            }
            catch (WireException e)
            {
                return Fail(console, e.Reason, e.Message, frame, offset);
            }
            console.Out.WriteLine(WireJson.Serialize(message, request.Pretty));
            frame++;
        }
        if (decoder.BufferedBytes > 0)
            return Fail(console, WireError.Truncated, $"stream ends inside a frame ({decoder.BufferedBytes} bytes)",
                frame, bytes.Length - decoder.BufferedBytes);
        return Cli.Success;
    }

    /// <summary>The known network whose magic opens <paramref name="bytes"/>, said on stderr; mainnet when the stream
    /// is shorter than a magic or opens with one no known network uses (its first frame then fails with BadMagic).</summary>
    private static ChainParams DetectNetwork(CliConsole console, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < sizeof(uint)) return ChainParams.Mainnet;
        uint magic = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        var network = ChainParams.All.FirstOrDefault(c => c.Magic == magic);
        if (network is null)
        {
            console.Error.WriteLine($"network: none known uses the first frame's magic 0x{magic:x8}; reading as {ChainParams.Mainnet.Name} (--network forces one)");
            return ChainParams.Mainnet;
        }
        console.Error.WriteLine($"network: {network.Name} (from the first frame's magic 0x{magic:x8})");
        return network;
    }

    private static int Fail(CliConsole console, WireError reason, string message, int frame, int offset)
    {
        console.Out.Flush(); // the messages before the fault come first
        console.Error.WriteLine($"error: {reason}: {message} (frame {frame} at byte offset {offset})");
        return Cli.DecodeFailed;
    }

    private static bool TryReadInput(CliConsole console, Request request, out byte[] bytes, out string problem)
    {
        bytes = [];
        if (request.File is null or "-")
            return Hex.TryParse(console.In.ReadToEnd(), out bytes, out problem);
        try
        {
            if (!request.FileIsHex)
            {
                bytes = File.ReadAllBytes(request.File);
                problem = "";
                return true;
            }
            return Hex.TryParse(File.ReadAllText(request.File), out bytes, out problem);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            problem = $"cannot read '{request.File}': {e.Message}";
            return false;
        }
    }
}
