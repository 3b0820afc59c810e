using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using ActorNode.Chain;
using ActorNode.Connections.Bans;
using ActorNode.Connections.Inventory;
using Akka.Configuration;
using Akka.Configuration.Hocon;
using Serilog.Events;
using ActorNode.P2P.AddrBook;

namespace ActorNode.Host.Node;

/// <summary>A setting that cannot be used: <see cref="Setting"/> names it as the user wrote it (<c>--maxpeers</c>, or
/// <c>actornode.p2p.max-peers</c> and the file it came from) and <see cref="Reason"/> says why, in one line.</summary>
internal sealed class NodeConfigException(string setting, string reason) : Exception($"{setting}: {reason}")
{
    public string Setting { get; } = setting;
    public string Reason { get; } = reason;
}

/// <summary>Command-line values for <c>actornode run</c>, before they are merged (null or empty: not given).</summary>
internal sealed record CommandLineSettings
{
    public string? ConfigFile { get; init; }
    /// <summary>HOCON path → (option as typed, value: a string or a list of strings).</summary>
    public IReadOnlyDictionary<string, (string Option, object Value)> Overrides { get; init; } =
        new Dictionary<string, (string, object)>();
}

/// <summary>Builds the node's configuration from its three layers, each overriding the one before: the defaults in
/// <c>hocon/actornode.conf</c> (next to the program, else the copy embedded in it), the user's HOCON file
/// (<c>--config</c>), then the command line; and validates it into one <see cref="NodeOptions"/>. Every problem is
/// a <see cref="NodeConfigException"/> naming the setting.</summary>
internal static class NodeConfig
{
    public const string Root = "actornode";

    /// <summary>The shipped defaults.</summary>
    public static Config LoadDefaults()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "hocon", "actornode.conf");
        string text;
        if (File.Exists(path))
        {
            text = File.ReadAllText(path);
        }
        else
        {
            using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("actornode.conf")
                ?? throw new InvalidOperationException("the embedded defaults are missing");
            using var reader = new StreamReader(stream);
            text = reader.ReadToEnd();
        }
        return ConfigurationFactory.ParseString(text);
    }

    /// <summary><see cref="Build"/> for a command: false, after writing the one-line error to
    /// <paramref name="stderr"/>, when a setting is refused.</summary>
    public static bool TryBuild(CommandLineSettings commandLine, TextWriter stderr, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out NodeOptions? options)
    {
        try
        {
            options = Build(commandLine);
            return true;
        }
        catch (NodeConfigException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            options = null;
            return false;
        }
    }

    /// <summary>Merges the layers and validates the result.</summary>
    public static NodeOptions Build(CommandLineSettings commandLine, Config? defaults = null, string? home = null)
    {
        defaults ??= LoadDefaults();
        Config user = Config.Empty;
        if (commandLine.ConfigFile is { } file)
        {
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new NodeConfigException("--config", $"cannot read '{file}': {e.Message}");
            }
            try
            {
                user = ConfigurationFactory.ParseString(text);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new NodeConfigException("--config", $"'{file}' is not valid HOCON: {OneLine(e.Message)}");
            }
            CheckKnownKeys(user, defaults, file);
        }
        var cli = ConfigurationFactory.ParseString(RenderHocon(commandLine.Overrides));
        var merged = cli.WithFallback(user).WithFallback(defaults);
        return new Reader(merged, commandLine, user).Read(home ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));
    }

    /// <summary>A typo in a user's file (<c>max-peer</c>) would otherwise be ignored without a word.</summary>
    private static void CheckKnownKeys(Config user, Config defaults, string file)
    {
        if (!user.HasPath(Root)) return;
        var known = new HashSet<string>(Leaves(defaults.GetValue(Root), Root), StringComparer.Ordinal);
        foreach (var path in Leaves(user.GetValue(Root), Root))
        {
            if (path.StartsWith(Root + ".akka.", StringComparison.Ordinal)
                || path.StartsWith(Root + ".logging.subsystems.", StringComparison.Ordinal)) continue;
            if (!known.Contains(path)) throw new NodeConfigException($"{path} (in {file})", "unknown setting");
        }
    }

    private static IEnumerable<string> Leaves(HoconValue value, string prefix)
    {
        if (!value.IsObject())
        {
            yield return prefix;
            yield break;
        }
        var items = value.GetObject().Items;
        if (items.Count == 0) yield return prefix;
        foreach (var (key, child) in items)
            foreach (var leaf in Leaves(child, prefix + "." + key))
                yield return leaf;
    }

    private static string RenderHocon(IReadOnlyDictionary<string, (string Option, object Value)> overrides)
    {
        var text = new StringBuilder();
        foreach (var (path, (_, value)) in overrides)
        {
            text.Append(path).Append(" = ");
            if (value is string[] list)
                text.Append('[').Append(string.Join(", ", list.Select(Quote))).Append(']');
            else
                text.Append(Quote(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""));
            text.Append('\n');
        }
        return text.ToString();
    }

    private static string Quote(string value)
    {
        var text = new StringBuilder("\"");
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                default:
                    if (char.IsControl(c)) text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else text.Append(c);
                    break;
            }
        }
        return text.Append('"').ToString();
    }

    internal static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>bitcoind's RPC ports (chainparamsbase.cpp), which btcd does not share.</summary>
    public static int RpcPort(ChainParams chain) => chain.Name switch
    {
        "mainnet" => 8332,
        "testnet3" => 18332,
        "testnet4" => 48332,
        "signet" => 38332,
        _ => 18443,
    };

    /// <summary>Reads one merged configuration, naming each bad setting as its user wrote it.</summary>
    private sealed class Reader(Config config, CommandLineSettings commandLine, Config user)
    {
        private string Name(string path)
        {
            if (commandLine.Overrides.TryGetValue(path, out var given)) return given.Option;
            if (commandLine.ConfigFile is { } file && user.HasPath(path)) return $"{path} (in {file})";
            return path;
        }

        private NodeConfigException Bad(string path, string reason) => new(Name(path), reason);

        private static string P(string relative) => Root + "." + relative;

        private string String(string relative)
        {
            var path = P(relative);
            var value = config.GetValue(path);
            if (value is null || value.IsEmpty) return "";
            if (value.IsArray() || value.IsObject()) throw Bad(path, "expected a single value, not a list or an object");
            return value.GetString() ?? "";
        }

        private IReadOnlyList<string> List(string relative)
        {
            var path = P(relative);
            var value = config.GetValue(path);
            if (value is null || value.IsEmpty) return [];
            if (value.IsArray())
            {
                var items = new List<string>();
                foreach (var item in value.GetArray())
                {
                    if (item.IsArray() || item.IsObject()) throw Bad(path, "expected a list of strings");
                    items.Add(item.GetString());
                }
                return items;
            }
            if (value.IsObject()) throw Bad(path, "expected a list of strings");
            var single = value.GetString();
            return string.IsNullOrWhiteSpace(single) ? [] : [single];
        }

        private bool Bool(string relative)
        {
            var path = P(relative);
            var text = String(relative).Trim().ToLowerInvariant();
            return text switch
            {
                "on" or "true" or "yes" or "1" => true,
                "off" or "false" or "no" or "0" => false,
                _ => throw Bad(path, $"'{text}' is not on/off"),
            };
        }

        private int Int(string relative, int min, int max)
        {
            var path = P(relative);
            var text = String(relative).Trim();
            if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
                throw Bad(path, $"'{text}' is not a whole number");
            if (value < min || value > max) throw Bad(path, $"{value} is out of range ({min} to {max})");
            return (int)value;
        }

        private TimeSpan Duration(string relative, TimeSpan min)
        {
            var path = P(relative);
            var text = String(relative).Trim();
            if (!Durations.TryParse(text, out var value)) throw Bad(path, $"'{text}' is not a duration (e.g. 10s, 5m, 24h)");
            if (value < min) throw Bad(path, $"{text} is shorter than the minimum {Durations.Format(min)}");
            return value;
        }

        private IPEndPoint Endpoint(string path, string text, int defaultPort)
        {
            if (!Endpoints.TryParse(text, defaultPort, out var endpoint, out var problem)) throw Bad(path, problem);
            return endpoint;
        }

        private IReadOnlyList<IPEndPoint> Endpoints_(string relative, int defaultPort) =>
            [.. List(relative).Select(text => Endpoint(P(relative), text, defaultPort))];

        public NodeOptions Read(string home)
        {
            var networkText = String("network").Trim();
            if (!ChainParams.TryParse(networkText, out var chain))
                throw Bad(P("network"), $"unknown network '{networkText}' (mainnet, testnet3, testnet4, signet, regtest)");

            var dataDir = String("datadir").Trim();
            if (dataDir.Length == 0) dataDir = Path.Combine(home, ".actornode", chain.Name);
            else if (dataDir == "~" || dataDir.StartsWith("~/", StringComparison.Ordinal)) dataDir = home + dataDir[1..];
            try
            {
                dataDir = Path.GetFullPath(dataDir);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
            {
                throw Bad(P("datadir"), $"'{dataDir}' is not a usable path: {e.Message}");
            }

            int port = chain.DefaultPort;
            var listen = Endpoints_("p2p.listen", port);
            bool noListen = Bool("p2p.nolisten");
            if (noListen) listen = [];
            else if (listen.Count == 0) listen = [new IPEndPoint(IPAddress.Loopback, port)];

            var connect = Endpoints_("p2p.connect", port);
            var addNodes = Endpoints_("p2p.addnode", port);
            int maxPeers = Int("p2p.max-peers", 0, 100_000);
            int targetOutbound = Int("p2p.target-outbound", 0, 1_000);
            var external = Endpoints_("p2p.external-ip", port);
            var whitelist = List("p2p.whitelist").Select(text => Network(P("p2p.whitelist"), text)).ToList();
            bool blocksOnly = Bool("p2p.blocks-only");
            bool bloom = Bool("p2p.peer-bloom-filters");
            bool v2Transport = Bool("p2p.v2transport");
            var trickle = Duration("p2p.trickle-interval", TimeSpan.FromMilliseconds(10));
            var relay = String("p2p.relay").Trim() switch
            {
                "core" => RelayPolicy.CorePoisson,
                "fixed" => RelayPolicy.FixedInterval,
                var other => throw Bad(P("p2p.relay"), $"'{other}' is not core or fixed"),
            };
            bool dnsSeed = Bool("p2p.dns-seed");
            var bans = new BanPolicy
            {
                Disabled = !Bool("p2p.bans.enabled"),
                Threshold = (uint)Int("p2p.bans.threshold", 1, int.MaxValue),
                Duration = Duration("p2p.bans.duration", TimeSpan.FromSeconds(1)),
            };

            int rpcPort = RpcPort(chain);
            var rpcListen = Endpoints_("rpc.listen", rpcPort);
            if (rpcListen.Count == 0) rpcListen = [new IPEndPoint(IPAddress.Loopback, rpcPort)];
            foreach (var endpoint in rpcListen)
            {
                if (!IPAddress.IsLoopback(endpoint.Address))
                    throw Bad(P("rpc.listen"), $"{endpoint} is not a loopback address (the RPC server listens on this machine only)");
                if (endpoint.Port == 0) throw Bad(P("rpc.listen"), "port 0 is not allowed");
            }
            foreach (var endpoint in rpcListen)
                if (listen.Any(l => l.Port == endpoint.Port && (l.Address.Equals(endpoint.Address) || l.Address.Equals(IPAddress.Any) || l.Address.Equals(IPAddress.IPv6Any))))
                    throw Bad(P("rpc.listen"), $"{Endpoints.Format(endpoint)} is also where peers are accepted (--listen)");
            var rpcUser = String("rpc.user");
            var rpcPass = String("rpc.password");
            RpcCredentials? credentials = null;
            if (rpcUser.Length > 0 || rpcPass.Length > 0)
            {
                if (rpcUser.Length == 0) throw Bad(P("rpc.user"), "a user is needed with an RPC password");
                if (rpcPass.Length == 0)
                    throw commandLine.Overrides.ContainsKey(P("rpc.user"))
                        ? new NodeConfigException("--rpcpass", "a password is needed with --rpcuser")
                        : Bad(P("rpc.password"), "a password is needed with an RPC user");
                if (rpcUser.Contains(':')) throw Bad(P("rpc.user"), "may not contain ':'");
                credentials = new RpcCredentials(rpcUser, rpcPass);
            }
            var rpcTimeout = Duration("rpc.timeout", TimeSpan.FromMilliseconds(100));

            IPEndPoint? metrics = null;
            var metricsText = String("metrics.listen").Trim();
            if (metricsText.Length > 0)
            {
                metrics = Endpoint(P("metrics.listen"), metricsText, 9332);
                if (!IPAddress.IsLoopback(metrics.Address))
                    throw Bad(P("metrics.listen"), $"{metrics} is not a loopback address");
                if (metrics.Port == 0) throw Bad(P("metrics.listen"), "port 0 is not allowed");
            }

            var logging = Logging();

            AddrBookSettings addrBook;
            try
            {
                addrBook = AddrBookSettings.FromConfig(config.GetConfig(P("addrbook")));
            }
            catch (Exception e) when (e is ConfigurationException or FormatException or ArgumentException)
            {
                throw Bad(P("addrbook"), OneLine(e.Message));
            }

            return new NodeOptions
            {
                Chain = chain,
                DataDirectory = dataDir,
                Listen = listen,
                Connect = connect,
                AddNodes = addNodes,
                MaxPeers = maxPeers,
                TargetOutbound = targetOutbound,
                ExternalIps = external,
                Whitelist = whitelist,
                BlocksOnly = blocksOnly,
                PeerBloomFilters = bloom,
                Relay = relay,
                V2Transport = v2Transport,
                TrickleInterval = trickle,
                DnsSeed = dnsSeed,
                Bans = bans,
                RpcListen = rpcListen,
                RpcCredentials = credentials,
                RpcTimeout = rpcTimeout,
                Metrics = metrics,
                Logging = logging,
                AddrBook = addrBook,
                // The whole section: its `akka` block is what Akka reads (the node's own keys are ignored by Akka).
                Akka = config.GetConfig(Root),
            };
        }

        private IPNetwork Network(string path, string text)
        {
            text = text.Trim();
            if (IPNetwork.TryParse(text, out var network)) return network;
            if (IPAddress.TryParse(text, out var address))
                return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            throw Bad(path, $"'{text}' is not an IP address or network (e.g. 10.0.0.0/8)");
        }

        private LogLevels Logging()
        {
            var levelPath = P("logging.level");
            var subsystems = new Dictionary<string, LogEventLevel>(StringComparer.Ordinal);
            if (config.GetValue(P("logging.subsystems")) is { } section && section.IsObject())
            {
                foreach (var (key, value) in section.GetObject().Items)
                {
                    var path = P("logging.subsystems." + key);
                    if (!LogLevels.Known.Contains(key))
                        throw Bad(path, $"unknown subsystem '{key}' ({string.Join(", ", LogLevels.Known)})");
                    subsystems[key] = Level(path, value.GetString());
                }
            }
            // The level is "info", or btcd's --debuglevel form "info,peer=debug,rpc=trace" (subsystem=level pairs).
            LogEventLevel level = LogEventLevel.Information;
            foreach (var part in String("logging.level").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                int eq = part.IndexOf('=');
                if (eq < 0)
                {
                    level = Level(levelPath, part);
                    continue;
                }
                var key = part[..eq].Trim().ToLowerInvariant();
                if (!LogLevels.Known.Contains(key))
                    throw Bad(levelPath, $"unknown subsystem '{key}' ({string.Join(", ", LogLevels.Known)})");
                subsystems[key] = Level(levelPath, part[(eq + 1)..]);
            }
            return new LogLevels(level, subsystems, Bool("logging.file"));
        }

        private LogEventLevel Level(string path, string text) => text.Trim().ToLowerInvariant() switch
        {
            "trace" or "verbose" => LogEventLevel.Verbose,
            "debug" => LogEventLevel.Debug,
            "info" or "information" => LogEventLevel.Information,
            "warn" or "warning" => LogEventLevel.Warning,
            "error" => LogEventLevel.Error,
            "critical" or "fatal" => LogEventLevel.Fatal,
            _ => throw Bad(path, $"unknown log level '{text.Trim()}' (trace, debug, info, warning, error)"),
        };
    }
}

/// <summary>Durations as people write them: <c>500ms</c>, <c>10s</c>, <c>5m</c>, <c>24h</c>, <c>7d</c>, btcd's
/// combined Go form (<c>1h30m</c>), or a bare number of seconds (bitcoind's <c>-bantime</c>).</summary>
internal static class Durations
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        text = text.Trim().ToLowerInvariant();
        if (text.Length == 0) return false;
        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double bare))
        {
            if (bare > TimeSpan.MaxValue.TotalSeconds / 2) return false;
            value = TimeSpan.FromSeconds(bare);
            return true;
        }
        double total = 0;
        int i = 0;
        while (i < text.Length)
        {
            int start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.')) i++;
            if (start == i || !double.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number))
                return false;
            while (i < text.Length && text[i] == ' ') i++;
            int unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i])) i++;
            double seconds = text[unitStart..i] switch
            {
                "ms" => 0.001,
                "s" or "sec" or "second" or "seconds" => 1,
                "m" or "min" or "minute" or "minutes" => 60,
                "h" or "hour" or "hours" => 3600,
                "d" or "day" or "days" => 86400,
                _ => double.NaN,
            };
            if (double.IsNaN(seconds)) return false;
            total += number * seconds;
            while (i < text.Length && text[i] == ' ') i++;
        }
        if (total > TimeSpan.MaxValue.TotalSeconds / 2) return false;
        value = TimeSpan.FromSeconds(total);
        return true;
    }

    public static string Format(TimeSpan value) =>
        value.TotalSeconds >= 1 ? $"{value.TotalSeconds:0.###}s" : $"{value.TotalMilliseconds:0}ms";
}

/// <summary>"ip", "ip:port", "[ipv6]:port", a bare IPv6 address, or "localhost[:port]". Names other than localhost
/// are not resolved: a node's addresses are written as numbers.</summary>
internal static class Endpoints
{
    public static bool TryParse(string text, int defaultPort, out IPEndPoint endpoint, out string problem)
    {
        endpoint = null!;
        problem = "";
        var trimmed = text.Trim();
        string host = trimmed;
        string? portText = null;
        if (trimmed.StartsWith('['))
        {
            int close = trimmed.IndexOf(']');
            if (close < 0)
            {
                problem = $"'{text}' is not an address (missing ']')";
                return false;
            }
            host = trimmed[1..close];
            var rest = trimmed[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':')
                {
                    problem = $"'{text}' is not an address";
                    return false;
                }
                portText = rest[1..];
            }
        }
        else if (trimmed.Count(c => c == ':') == 1)
        {
            int colon = trimmed.IndexOf(':');
            host = trimmed[..colon];
            portText = trimmed[(colon + 1)..];
        }
        int port = defaultPort;
        if (portText is not null && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            problem = $"'{text}' has an invalid port '{portText}' (1 to 65535)";
            return false;
        }
        IPAddress? address;
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) address = IPAddress.Loopback;
        else if (!IPAddress.TryParse(host, out address) || host.Length == 0 || !(host.Contains('.') || host.Contains(':')))
        {
            problem = $"'{text}' is not an IP address (e.g. 127.0.0.1:18444 or [::1]:18444)";
            return false;
        }
        endpoint = new IPEndPoint(address, port);
        return true;
    }

    /// <summary>bitcoind's way of writing an endpoint: "1.2.3.4:8333", "[::1]:8333".</summary>
    public static string Format(IPEndPoint endpoint)
    {
        var address = endpoint.Address.IsIPv4MappedToIPv6 ? endpoint.Address.MapToIPv4() : endpoint.Address;
        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{address}]:{endpoint.Port}" : $"{address}:{endpoint.Port}";
    }
}
