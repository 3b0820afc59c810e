using ActorNode.Interop.Tests.Bcoin;

namespace ActorNode.Interop.Tests;

/// <summary>The launcher's loopback guard (tests/interop/bcoin/loopback-guard.js), checked by its own self-test over
/// recording fakes of node's net, dgram and dns: every non-loopback connect, listen, UDP send and DNS query is
/// refused, loopback ones pass. Needs node only, not the bcoin install.</summary>
public sealed class LoopbackGuardTests
{
    [Fact]
    public async Task GuardSelfTest_RefusesEverythingOffLoopback_AndLetsLoopbackThrough()
    {
        await BcoinSetup.RequireToolAsync("node");
        var folder = BcoinSetup.LocateFolder();
        var (exitCode, output) = await BcoinSetup.RunProcessAsync("node", ["guard-selftest.js"], folder, TimeSpan.FromSeconds(60));
        Assert.True(exitCode == 0, $"guard-selftest.js exited with {exitCode}:\n{output}");
        Assert.Matches(@"guard self-test: \d+ checks passed", output);
    }
}
