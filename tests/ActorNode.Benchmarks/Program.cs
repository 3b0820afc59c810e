using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/ActorNode.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

public partial class Program;
