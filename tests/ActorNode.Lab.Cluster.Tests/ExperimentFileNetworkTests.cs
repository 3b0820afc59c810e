using ActorNode.Lab.Cluster.Experiments;
using ActorNode.Lab.Experiments;
using ActorNode.Lab.Network;

namespace ActorNode.Lab.Cluster.Tests;

public class ExperimentFileNetworkTests
{
    private static Experiment Parse(string body) => ExperimentFile.Parse($$"""
        experiment {
          nodes = 20
          workers = 2
          topology { kind = random, outbound = 3 }
          inject = [
            { kind = transaction, count = 5 }
          ]
          {{body}}
        }
        """);

    private static ExperimentFileException Refused(string body) => Assert.Throws<ExperimentFileException>(() => Parse(body));

    [Fact]
    public void WithoutANetwork_LinksAreLoopback_AndRelayIsCores()
    {
        var e = Parse("");
        Assert.Same(NetworkPresets.Loopback, e.Network);
        Assert.Equal(RelayTiming.Core, e.NodeSettings.Relay);
    }

    [Fact]
    public void APreset_IsTakenByName()
    {
        Assert.Same(NetworkPresets.SimBlock2019, Parse("network { preset = simblock-2019 }").Network);
        Assert.Equal("experiment.network.preset", Refused("network { preset = mars }").Path);
    }

    [Fact]
    public void ACustomTable_IsReadWithRatesAndASymmetricMatrix()
    {
        var e = Parse("""
            network {
              name = two-regions
              regions = [
                { name = east, share = 0.5, upload = 10Mbit, download = 20Mbit }
                { name = west, share = 0.5 }
              ]
              latency-ms = [[5, 100], [100, 5]]
            }
            """);
        Assert.Equal("two-regions", e.Network.Name);
        Assert.Equal(10e6, e.Network.Regions[0].UploadBitsPerSecond);
        Assert.Equal(20e6, e.Network.Regions[0].DownloadBitsPerSecond);
        Assert.Null(e.Network.Regions[1].UploadBitsPerSecond);
        Assert.Equal(100, e.Network.MeanLatencyMs[1, 0]);
    }

    [Theory]
    [InlineData("network { regions = [ { name = a, share = 1 } ], latency-ms = [[1, 2]] }", "experiment.network.latency-ms")]
    [InlineData("network { regions = [ { name = a, share = 0.5 }, { name = b, share = 0.5 } ], latency-ms = [[1, 2], [3, 1]] }", "experiment.network.latency-ms")]
    [InlineData("network { regions = [ { name = a, share = 0.7 } ], latency-ms = [[1]] }", "experiment.network.regions")]
    [InlineData("network { regions = [ { name = a, share = 1, upload = fast } ], latency-ms = [[1]] }", "experiment.network.regions[0].upload")]
    [InlineData("network { preset = loopback, regions = [] }", "experiment.network.regions")]
    public void ABadTable_IsRefusedNamingTheSetting(string body, string path) => Assert.Equal(path, Refused(body).Path);

    [Fact]
    public void RelayTiming_IsCoreOrFixed_AndATrickleIntervalAloneMeansFixed()
    {
        Assert.Equal(RelayTiming.Fixed, Parse("node { trickle-interval = 100ms }").NodeSettings.Relay);
        Assert.Equal(TimeSpan.FromMilliseconds(100), Parse("node { relay = fixed, trickle-interval = 100ms }").NodeSettings.TrickleInterval);
        Assert.Equal(RelayTiming.Core, Parse("node { relay = core }").NodeSettings.Relay);
        Assert.Equal("experiment.node.trickle-interval", Refused("node { relay = core, trickle-interval = 1s }").Path);
        Assert.Equal("experiment.node.relay", Refused("node { relay = erlay }").Path);
    }

    [Fact]
    public void InjectionSizes_AreMainnetOrBytes()
    {
        var e = ExperimentFile.Parse("""
            experiment {
              nodes = 4
              workers = 1
              topology { kind = ring }
              inject = [
                { kind = transaction, rate = 7, count = 10, size = mainnet }
                { kind = transaction, count = 1, size = 400 }
                { kind = block, count = 1, size = 1MB }
                { kind = block, count = 1 }
              ]
            }
            """);
        Assert.IsType<ItemSize.Mainnet>(e.Injections[0].Size);
        Assert.Equal(new ItemSize.Bytes(400), e.Injections[1].Size);
        Assert.Equal(new ItemSize.Bytes(1_000_000), e.Injections[2].Size);
        Assert.IsType<ItemSize.Minimal>(e.Injections[3].Size);
    }

    [Theory]
    [InlineData("{ kind = block, count = 1, size = mainnet }")]
    [InlineData("{ kind = transaction, count = 1, size = 10 }")]
    [InlineData("{ kind = block, count = 1, size = 5MB }")]
    [InlineData("{ kind = transaction, count = 1, size = big }")]
    public void ABadSize_IsRefused(string injection)
    {
        var e = Assert.Throws<ExperimentFileException>(() => ExperimentFile.Parse($$"""
            experiment {
              nodes = 4
              workers = 1
              topology { kind = ring }
              inject = [
                {{injection}}
              ]
            }
            """));
        Assert.Equal("experiment.inject[0].size", e.Path);
    }
}
