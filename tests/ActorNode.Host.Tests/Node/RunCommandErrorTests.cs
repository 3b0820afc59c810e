namespace ActorNode.Host.Tests.Node;

/// <summary><c>actornode run</c> with a bad setting, as a user types it: one line on stderr that names the setting
/// and the reason, exit code 2, nothing started (these run in-process: validation comes before anything else).
/// <see cref="NodeProcessTests"/> checks the same through the real program.</summary>
public sealed class RunCommandErrorTests
{
    [Theory]
    [InlineData("error: --network: unknown network 'moonnet'", "--network", "moonnet")]
    [InlineData("error: --maxpeers: -1 is out of range (0 to 100000)", "--maxpeers", "-1")]
    [InlineData("error: --maxpeers: 'many' is not a whole number", "--maxpeers", "many")]
    [InlineData("error: --listen: 'nowhere' is not an IP address", "--listen", "nowhere")]
    [InlineData("error: --listen: '127.0.0.1:0x50' has an invalid port '0x50' (1 to 65535)", "--listen", "127.0.0.1:0x50")]
    [InlineData("error: --connect: '1.2.3.4:70000' has an invalid port", "--connect", "1.2.3.4:70000")]
    [InlineData("error: --banduration: 'forever' is not a duration", "--banduration", "forever")]
    [InlineData("error: --banthreshold: -3 is out of range", "--banthreshold", "-3")]
    [InlineData("error: --rpclisten: 192.0.2.7:8332 is not a loopback address", "--rpclisten", "192.0.2.7:8332")]
    [InlineData("error: --loglevel: unknown log level 'loud'", "--loglevel", "loud")]
    [InlineData("error: --config: cannot read '/nonexistent/actornode.conf'", "--config", "/nonexistent/actornode.conf")]
    public void BadSetting_OneLine_ExitCode2(string expected, params string[] args)
    {
        var result = CliRunner.Run(["run", .. args]);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(expected, line);
        Assert.DoesNotContain("   at ", result.Stderr); // no stack trace
    }

    [Fact]
    public void UnknownOption_OneLine_ExitCode2()
    {
        var result = CliRunner.Run("run", "--maxpeer", "5");
        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains("--maxpeer", line);
    }

    [Fact]
    public void Help_ListsEveryOption()
    {
        var result = CliRunner.Run("run", "--help");
        Assert.Equal(0, result.ExitCode);
        foreach (var option in new[] { "--network", "--datadir", "--listen", "--nolisten", "--connect", "--addnode", "--maxpeers",
                     "--banduration", "--banthreshold", "--nobanning", "--whitelist", "--externalip", "--trickleinterval", "--blocksonly", "--peerbloomfilters", "--v2transport",
                     "--rpclisten", "--rpcuser", "--rpcpass", "--loglevel", "--config", "--metrics" })
            Assert.Contains(option, result.Stdout);
    }
}
