using System.CommandLine;
using System.CommandLine.Invocation;
using ActorNode.Host.Commands;

namespace ActorNode.Host;

/// <summary>The streams a command reads and writes. Tests pass their own; the program passes the console's.</summary>
internal sealed record CliConsole(TextReader In, TextWriter Out, TextWriter Error);

/// <summary>The <c>actornode</c> command line: builds the command tree and runs it. Exit codes: 0 success,
/// 1 a failure (input that could not be decoded, an RPC error, a node that could not start), 2 bad usage, a bad
/// setting or unreadable input.</summary>
internal static class Cli
{
    public const int Success = 0;
    public const int DecodeFailed = 1;
    public const int UsageError = 2;

    public static RootCommand Build(CliConsole console)
    {
        var root = new RootCommand("ActorNode: a Bitcoin peer-to-peer node (btcd's p2p layer in C#).");
        root.Subcommands.Add(RunCommand.Create(console));
        root.Subcommands.Add(RpcCommand.Create(console));
        root.Subcommands.Add(DecodeCommand.Create(console));
        root.Subcommands.Add(LabCommand.Create(console));
        root.Subcommands.Add(LabCommand.CreateWorker(console));
        return root;
    }

    private static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var console = new CliConsole(stdin, stdout, stderr);
        var parse = Build(console).Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            // One line, not the library's error list followed by the whole help text.
            string command = parse.CommandResult.Command is RootCommand ? "actornode" : "actornode " + parse.CommandResult.Command.Name;
            stderr.WriteLine($"error: {OneLine(string.Join("; ", parse.Errors.Select(e => e.Message)))} (see '{command} --help')");
            return UsageError;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,
                EnableDefaultExceptionHandler = false,
            });
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The program's edge: an exception that gets here is our bug, not the user's: one line that says so, then
            // the details a bug report needs.
            stdout.Flush();
            var site = e.TargetSite is { } method ? $" in {method.DeclaringType?.Name}.{method.Name}" : "";
            stderr.WriteLine($"error: unexpected {e.GetType().Name}{site}: {OneLine(e.Message)}");
            stderr.WriteLine($"details (please report): {e}");
            return DecodeFailed;
        }
    }
}
