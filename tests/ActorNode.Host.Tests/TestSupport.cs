using System.Text;
using System.Text.Json;

namespace ActorNode.Host.Tests;

/// <summary>Runs <c>actornode</c> in-process with captured streams.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        /// <summary>Every JSON document on stdout, whether one per line or indented.</summary>
        public List<JsonElement> Documents
        {
            get
            {
                var documents = new List<JsonElement>();
                var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(Stdout), new JsonReaderOptions { AllowMultipleValues = true });
                while (reader.Read()) documents.Add(JsonElement.ParseValue(ref reader));
                return documents;
            }
        }

        public string[] Lines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public static Result RunWithStdin(string stdin, params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int code = Cli.Run(args, new StringReader(stdin), stdout, stderr);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }

    public static Result Run(params string[] args) => RunWithStdin("", args);
}
