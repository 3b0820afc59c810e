using ActorNode.Interop.Tests.Bcoin;

namespace ActorNode.Interop.Tests;

/// <summary>What the interop tests say when their prerequisites are missing (README.md, Prerequisites).</summary>
public sealed class BcoinSetupTests
{
    [Fact]
    public async Task AMissingTool_FailsWithAMessageNamingIt_AndWhatTheTestsNeed()
    {
        const string missing = "actornode-no-such-tool-3f9c";
        var error = await Assert.ThrowsAsync<BcoinUnavailableException>(() => BcoinSetup.RequireToolsAsync([missing, "dotnet"]));
        Assert.Contains($"'{missing}' is not installed or not on PATH", error.Message);
        Assert.DoesNotContain("'dotnet'", error.Message); // a tool that runs is not reported
        Assert.Contains("Node.js >= 20 with npm", error.Message);
        Assert.Contains("README.md", error.Message);
    }

    [Fact]
    public async Task ToolsThatRun_PassTheCheck() => await BcoinSetup.RequireToolsAsync(["dotnet"]);
}
