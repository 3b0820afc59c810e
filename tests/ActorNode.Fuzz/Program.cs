using ActorNode.Fuzz;
using ActorNode.Fuzz.Targets;
using SharpFuzz;

// The fuzzing entry point (docs/fuzzing.md).
//   ActorNode.Fuzz run <target>                 under afl-fuzz (fuzz.sh): one input per AFL++ execution
//   ActorNode.Fuzz replay <target> <path>...    run files or folders of inputs, report each broken contract
//   ActorNode.Fuzz seed <shared/data> <corpus>  write the seed corpus
//   ActorNode.Fuzz list                         the targets
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: ActorNode.Fuzz run <target> | replay <target> <path>... | seed <shared-data> <corpus-dir> | list");
    return 2;
}

switch (args[0])
{
    case "list":
        foreach (var t in FuzzTargets.All) Console.WriteLine($"{t.Name,-8} {t.Description}");
        return 0;

    case "run" when args.Length == 2:
    {
        var target = FuzzTargets.Get(args[1]);
        // Out of process: SharpFuzz keeps the AFL++ fork-server protocol in this process and runs the target in a
        // child, so even a stack overflow (which .NET cannot catch) is reported as a crash, not a lost fuzzer.
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            FuzzContract.Check(target, buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        });
        return 0;
    }

    case "replay" when args.Length >= 3:
    {
        var target = FuzzTargets.Get(args[1]);
        int failures = 0, count = 0;
        foreach (string path in args.Skip(2).SelectMany(Expand))
        {
            count++;
            byte[] input = File.ReadAllBytes(path);
            try
            {
                long allocated = FuzzContract.Check(target, input);
                Console.WriteLine($"ok    {path} ({input.Length:N0} bytes, {allocated:N0} allocated)");
            }
            catch (FuzzContractException e)
            {
                failures++;
                Console.WriteLine($"FAIL  {path}: {e.Message}");
                if (e.InnerException is not null) Console.WriteLine(e.InnerException);
            }
        }
        Console.WriteLine($"{target.Name}: {count} inputs, {failures} broke the contract");
        return failures == 0 ? 0 : 1;
    }

    case "seed" when args.Length == 3:
        SeedCorpus.Write(args[1], args[2]);
        return 0;

    default:
        Console.Error.WriteLine($"unknown command line: {string.Join(' ', args)}");
        return 2;
}

static IEnumerable<string> Expand(string path) =>
    Directory.Exists(path)
        ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal)
        : [path];
