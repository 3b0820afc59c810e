using System.Text;
using ActorNode.Host;

// Thin shell: the commands live in Cli so tests can run them in-process with their own streams.
using var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16);
int exitCode = Cli.Run(args, Console.In, stdout, Console.Error);
stdout.Flush();
return exitCode;
