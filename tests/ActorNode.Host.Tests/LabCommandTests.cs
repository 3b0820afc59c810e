namespace ActorNode.Host.Tests;

/// <summary><c>actornode lab</c>'s answers to bad input: one line naming what is wrong, exit 2, no process started.</summary>
public sealed class LabCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lab-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string text)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".conf");
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private const string Valid = """
        experiment {
          nodes = 4
          workers = 2
          topology { kind = ring }
          inject = [
            { kind = tx, count = 1 }
          ]
          faults = [
            { kind = kill-worker, at = 1s, worker = 1 }
          ]
        }
        """;

    [Fact]
    public void MissingFile_IsAUsageError()
    {
        var result = CliRunner.Run("lab", Path.Combine(_dir, "none.conf"), "--out", _dir);
        Assert.Equal(Cli.UsageError, result.ExitCode);
        Assert.Contains("cannot read", result.Stderr);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void BadSetting_IsNamed()
    {
        var result = CliRunner.Run("lab", File(Valid.Replace("kind = ring", "kind = star")), "--out", _dir);
        Assert.Equal(Cli.UsageError, result.ExitCode);
        Assert.Contains("experiment.topology.kind: 'star' is not random, ring, small-world or explicit", result.Stderr);
    }

    [Theory]
    [InlineData("0", "outside 1..4")]
    [InlineData("5", "outside 1..4")]
    [InlineData("1", "kills worker 1")]
    public void WorkersOverride_IsChecked(string workers, string message)
    {
        var result = CliRunner.Run("lab", File(Valid), "--workers", workers, "--out", _dir);
        Assert.Equal(Cli.UsageError, result.ExitCode);
        Assert.Contains(message, result.Stderr);
        Assert.Empty(Directory.GetDirectories(_dir)); // no report folder for a run that never started
    }

    [Fact]
    public void LabWorker_WithABadAddress_IsAUsageError()
    {
        var result = CliRunner.Run("lab-worker", "--join", "not-an-address", "--worker", "0");
        Assert.Equal(Cli.UsageError, result.ExitCode);
        Assert.Contains("--join", result.Stderr);
    }

    [Fact]
    public void Help_ListsLab_ButNotTheWorkerCommand()
    {
        var result = CliRunner.Run("--help");
        Assert.Contains("lab", result.Stdout);
        Assert.DoesNotContain("lab-worker", result.Stdout);
    }
}
