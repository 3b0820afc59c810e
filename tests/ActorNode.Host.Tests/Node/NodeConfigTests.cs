using System.Net;
using ActorNode.Connections.Inventory;
using ActorNode.Host.Node;
using Serilog.Events;

namespace ActorNode.Host.Tests.Node;

/// <summary>The three configuration layers (shipped defaults &lt; --config file &lt; command line) and the one-line
/// refusals of bad values. Nothing is started here.</summary>
public sealed class NodeConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actornode-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static NodeOptions Build(params (string Path, string Option, object Value)[] overrides) =>
        Build(null, overrides);

    private static NodeOptions Build(string? file, params (string Path, string Option, object Value)[] overrides) =>
        NodeConfig.Build(new CommandLineSettings
        {
            ConfigFile = file,
            Overrides = overrides.ToDictionary(o => o.Path, o => (o.Option, o.Value)),
        }, home: "/home/satoshi");

    private string File(string text)
    {
        var path = Path.Combine(_dir, $"user-{Guid.NewGuid():N}.conf");
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Defaults_AreRegtestOnLoopback_WithBitcoindsRpcPort()
    {
        var options = Build();
        Assert.Equal("regtest", options.Chain.Name);
        Assert.Equal(Path.Combine("/home/satoshi", ".actornode", "regtest"), options.DataDirectory);
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 18444)], options.Listen);
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 18443)], options.RpcListen);
        Assert.Null(options.RpcCredentials); // cookie
        Assert.Equal(125, options.MaxPeers);
        Assert.Equal(TimeSpan.FromHours(24), options.Bans.Duration);
        Assert.Equal(100u, options.Bans.Threshold);
        Assert.False(options.Bans.Disabled);
        Assert.Equal(TimeSpan.FromSeconds(10), options.TrickleInterval);
        Assert.Equal(RelayPolicy.CorePoisson, options.Relay); // Core's timing is the node's default
        Assert.Equal(LogEventLevel.Information, options.Logging.Default);
        Assert.Null(options.Metrics);
        Assert.False(options.PeerBloomFilters); // Core's default
        Assert.True(options.V2Transport); // BIP324 on, Core's default since 27
        Assert.Equal("off", options.Akka.GetString("akka.coordinated-shutdown.run-by-clr-shutdown-hook"));
    }

    [Theory]
    [InlineData("mainnet", 8333, 8332)]
    [InlineData("testnet3", 18333, 18332)]
    [InlineData("testnet4", 48333, 48332)]
    [InlineData("signet", 38333, 38332)]
    [InlineData("regtest", 18444, 18443)]
    public void Network_ChoosesItsPorts_AndItsDataDirectory(string network, int port, int rpcPort)
    {
        var options = Build(("actornode.network", "--network", network));
        Assert.Equal(port, options.Listen.Single().Port);
        Assert.Equal(rpcPort, options.RpcListen.Single().Port);
        Assert.EndsWith(Path.Combine(".actornode", network), options.DataDirectory);
    }

    [Fact]
    public void Layers_FileOverridesDefaults_AndCommandLineOverridesFile()
    {
        var file = File("""
            actornode {
              p2p { max-peers = 40, trickle-interval = 2s }
              logging.subsystems.peer = debug
            }
            """);
        var options = Build(file, ("actornode.p2p.max-peers", "--maxpeers", "12"));
        Assert.Equal(12, options.MaxPeers); // command line
        Assert.Equal(TimeSpan.FromSeconds(2), options.TrickleInterval); // file
        Assert.Equal(TimeSpan.FromHours(24), options.Bans.Duration); // default
        Assert.Equal(LogEventLevel.Debug, options.Logging.For("peer"));
        Assert.Equal(LogEventLevel.Information, options.Logging.For("rpc"));
        Assert.Equal(LogEventLevel.Debug, options.Logging.Minimum);
    }

    [Fact]
    public void CommandLine_ListsAndFlags_AreRead()
    {
        var options = Build(
            ("actornode.p2p.listen", "--listen", new[] { "127.0.0.1:5000", "[::1]" }),
            ("actornode.p2p.connect", "--connect", new[] { "10.0.0.1" }),
            ("actornode.p2p.nolisten", "--nolisten", "on"),
            ("actornode.p2p.bans.enabled", "--nobanning", "off"),
            ("actornode.p2p.whitelist", "--whitelist", new[] { "10.0.0.0/8", "192.168.1.7" }),
            ("actornode.rpc.user", "--rpcuser", "alice"),
            ("actornode.rpc.password", "--rpcpass", "secret"),
            ("actornode.p2p.bans.duration", "--banduration", "3600"),
            ("actornode.logging.level", "--loglevel", "warning,rpc=trace"),
            ("actornode.metrics.listen", "--metrics", "127.0.0.1:9400"),
            ("actornode.p2p.peer-bloom-filters", "--peerbloomfilters", "on"),
            ("actornode.p2p.v2transport", "--v2transport", "off"));
        Assert.True(options.PeerBloomFilters);
        Assert.False(options.V2Transport);
        Assert.Empty(options.Listen); // --nolisten wins over --listen
        Assert.Equal([new IPEndPoint(IPAddress.Parse("10.0.0.1"), 18444)], options.Connect);
        Assert.True(options.Bans.Disabled);
        Assert.Equal(2, options.Whitelist.Count);
        Assert.True(options.Whitelist[1].Contains(IPAddress.Parse("192.168.1.7")));
        Assert.Equal(new RpcCredentials("alice", "secret"), options.RpcCredentials);
        Assert.Equal(TimeSpan.FromHours(1), options.Bans.Duration); // bare number: seconds, as bitcoind's -bantime
        Assert.Equal(LogEventLevel.Warning, options.Logging.Default);
        Assert.Equal(LogEventLevel.Verbose, options.Logging.For("rpc"));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 9400), options.Metrics);
    }

    [Fact]
    public void Datadir_WithTilde_IsUnderHome()
    {
        var options = Build(("actornode.datadir", "--datadir", "~/nodes/a"));
        Assert.Equal("/home/satoshi/nodes/a", options.DataDirectory);
    }

    public static TheoryData<string, string, object, string> BadValues => new()
    {
        { "actornode.network", "--network", "moonnet", "--network: unknown network 'moonnet'" },
        { "actornode.p2p.max-peers", "--maxpeers", "-1", "--maxpeers: -1 is out of range" },
        { "actornode.p2p.max-peers", "--maxpeers", "lots", "--maxpeers: 'lots' is not a whole number" },
        { "actornode.p2p.listen", "--listen", new[] { "127.0.0.1:99999" }, "--listen: '127.0.0.1:99999' has an invalid port" },
        { "actornode.p2p.connect", "--connect", new[] { "300.1.1.1" }, "--connect: '300.1.1.1' is not an IP address" },
        { "actornode.p2p.addnode", "--addnode", new[] { "node.example.com:8333" }, "--addnode: 'node.example.com:8333' is not an IP address" },
        { "actornode.p2p.bans.duration", "--banduration", "soon", "--banduration: 'soon' is not a duration" },
        { "actornode.p2p.bans.duration", "--banduration", "0", "--banduration: 0 is shorter than the minimum 1s" },
        { "actornode.p2p.bans.threshold", "--banthreshold", "0", "--banthreshold: 0 is out of range" },
        { "actornode.p2p.whitelist", "--whitelist", new[] { "10.0.0.0/99" }, "--whitelist: '10.0.0.0/99' is not an IP address or network" },
        { "actornode.p2p.trickle-interval", "--trickleinterval", "1x", "--trickleinterval: '1x' is not a duration" },
        { "actornode.p2p.relay", "--relay", "erlay", "--relay: 'erlay' is not core or fixed" },
        { "actornode.rpc.listen", "--rpclisten", new[] { "0.0.0.0:8332" }, "--rpclisten: 0.0.0.0:8332 is not a loopback address" },
        { "actornode.rpc.listen", "--rpclisten", new[] { "127.0.0.1:18444" }, "--rpclisten: 127.0.0.1:18444 is also where peers are accepted" },
        { "actornode.rpc.user", "--rpcuser", "alice", "--rpcpass: a password is needed with --rpcuser" },
        { "actornode.logging.level", "--loglevel", "chatty", "--loglevel: unknown log level 'chatty'" },
        { "actornode.logging.level", "--loglevel", "wallet=debug", "--loglevel: unknown subsystem 'wallet'" },
        { "actornode.metrics.listen", "--metrics", "192.0.2.1:9400", "--metrics: 192.0.2.1:9400 is not a loopback address" },
    };

    [Fact]
    public void Relay_Fixed_KeepsBtcdsTick()
    {
        var options = Build(("actornode.p2p.relay", "--relay", "fixed"), ("actornode.p2p.trickle-interval", "--trickleinterval", "2s"));
        Assert.Equal(RelayPolicy.FixedInterval, options.Relay);
        Assert.Equal(TimeSpan.FromSeconds(2), options.TrickleInterval);
    }

    [Theory]
    [MemberData(nameof(BadValues))]
    public void BadValue_IsRefused_NamingTheOption(string path, string option, object value, string expected)
    {
        var e = Assert.Throws<NodeConfigException>(() => Build((path, option, value)));
        Assert.StartsWith(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void BadValueInTheFile_NamesTheKeyAndTheFile()
    {
        var file = File("actornode.p2p.max-peers = -5");
        var e = Assert.Throws<NodeConfigException>(() => Build(file));
        Assert.Equal($"actornode.p2p.max-peers (in {file})", e.Setting);
        Assert.Contains("-5 is out of range", e.Reason);
    }

    [Fact]
    public void UnknownKeyInTheFile_IsRefused()
    {
        var file = File("actornode.p2p.maxpeers = 5");
        var e = Assert.Throws<NodeConfigException>(() => Build(file));
        Assert.Equal($"actornode.p2p.maxpeers (in {file})", e.Setting);
        Assert.Equal("unknown setting", e.Reason);
    }

    [Fact]
    public void UnreadableOrInvalidFile_IsRefused()
    {
        var missing = Path.Combine(_dir, "missing.conf");
        var e = Assert.Throws<NodeConfigException>(() => Build(missing));
        Assert.Equal("--config", e.Setting);
        Assert.StartsWith($"cannot read '{missing}'", e.Reason);

        // Akka's HOCON wants a new line, not a comma, after a nested object.
        var broken = File("actornode { p2p { max-peers = 40 }, logging.level = debug }");
        e = Assert.Throws<NodeConfigException>(() => Build(broken));
        Assert.Equal("--config", e.Setting);
        Assert.Contains("is not valid HOCON", e.Reason);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("10s", 10_000)]
    [InlineData("500ms", 500)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("2d", 172_800_000)]
    [InlineData("90", 90_000)]
    public void Durations_AreReadAsWritten(string text, long milliseconds)
    {
        Assert.True(Durations.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1", 18444)]
    [InlineData("127.0.0.1:1", "127.0.0.1", 1)]
    [InlineData("[::1]:8333", "::1", 8333)]
    [InlineData("::1", "::1", 18444)]
    [InlineData("localhost:9", "127.0.0.1", 9)]
    public void Endpoints_AreParsed(string text, string address, int port)
    {
        Assert.True(Endpoints.TryParse(text, 18444, out var endpoint, out _));
        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), port), endpoint);
    }
}
