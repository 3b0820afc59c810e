using ActorNode.Benchmarks;
using ActorNode.Benchmarks.Scale;
using ActorNode.Benchmarks.Soak;
using ActorNode.Benchmarks.Sync;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/ActorNode.Benchmarks -- --filter '*'
// dotnet run -c Release --project tests/ActorNode.Benchmarks -- load --peers 1000,5000,10000   (docs/benchmarks.md)
// dotnet run -c Release --project tests/ActorNode.Benchmarks -- flood --mb 300 [--sink-cost-us 50]
// dotnet run -c Release --project tests/ActorNode.Benchmarks -- v2 --peers 1000
// dotnet run -c Release --project tests/ActorNode.Benchmarks -- minisketch [--seconds 2]
// dotnet run -c Release --project tests/ActorNode.Benchmarks -- soak --peers 1000 --minutes 60   (docs/benchmarks.md, "Soak")
// dotnet run -c Release --project tests/ActorNode.Benchmarks -- sync --blocks 10000 [--tx-blocks 600 --txs 5] [--no-bcoin]
switch (args.FirstOrDefault())
{
    case "load":
        return await ScaleLoad.RunAsync(args[1..]);
    case "flood":
        return await FloodLoad.RunAsync(args[1..]);
    case "sync":
        return await SyncBenchmark.RunAsync(args[1..]);
    case "v2": // BIP324: handshakes/s at N peers and idle session memory (docs/benchmarks.md "BIP324")
        return ActorNode.Benchmarks.V2.V2Load.Run(args[1..]);
    case "minisketch": // CPU-time table of sketch add and decode (docs/benchmarks.md, Minisketch)
        return MinisketchCpuBench.Run(args[1..]);
    case "node": // the node under load, started by `load` in a child process
        return await ScaleNode.RunAsync(args[1..]);
    case "soak":
        return await SoakCommand.RunAsync(args[1..]);
    case "soak-node": // the node under the soak, started by `soak` in a child process
        return await SoakNode.RunAsync(args[1..]);
    default:
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
}

public partial class Program;
