using System.CommandLine;
using ActorNode.Host.Node;

namespace ActorNode.Host.Commands;

/// <summary><c>actornode run</c>: starts the node. Options are named after btcd's and bitcoind's; each maps onto
/// one HOCON setting under <c>actornode</c>, so the command line is simply the last configuration layer
/// (<see cref="NodeConfig"/>). A bad value anywhere: one line on stderr naming the setting, exit code 2.</summary>
internal static class RunCommand
{
    /// <summary>An option and the setting it overrides.</summary>
    private sealed record Mapped(Option Option, string Path);

    public static Command Create(CliConsole console, Func<ISeedResolver>? seeds = null)
    {
        var config = new Option<string?>("--config") { Description = "A HOCON file whose settings override the defaults (see hocon/actornode.conf)." };
        var mapped = new List<Mapped>();
        Option<string?> Text(string name, string path, string description)
        {
            var option = new Option<string?>(name) { Description = description };
            mapped.Add(new Mapped(option, path));
            return option;
        }
        Option<string[]> Many(string name, string path, string description)
        {
            var option = new Option<string[]>(name) { Description = description, Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };
            mapped.Add(new Mapped(option, path));
            return option;
        }
        Option<bool> Flag(string name, string path, string description)
        {
            var option = new Option<bool>(name) { Description = description };
            mapped.Add(new Mapped(option, path));
            return option;
        }

        var options = new Option[]
        {
            Text("--network", "actornode.network", "mainnet, testnet3, testnet4, signet or regtest (default regtest)."),
            Text("--datadir", "actornode.datadir", "Where peers.json, banlist.json, the RPC cookie and the logs live (default ~/.actornode/<network>)."),
            Many("--listen", "actornode.p2p.listen", "Accept peers on ip[:port] (repeatable; default 127.0.0.1:<network port>)."),
            Flag("--nolisten", "actornode.p2p.nolisten", "Accept no peers."),
            Many("--connect", "actornode.p2p.connect", "Connect only to ip[:port] (repeatable): no automatic peers, no DNS seeding."),
            Many("--addnode", "actornode.p2p.addnode", "Also keep a connection to ip[:port] (repeatable)."),
            Text("--maxpeers", "actornode.p2p.max-peers", "Peers at most, inbound and outbound (default 125)."),
            Text("--banduration", "actornode.p2p.bans.duration", "How long a ban lasts: 24h, 90m, or seconds (default 24h)."),
            Text("--banthreshold", "actornode.p2p.bans.threshold", "Misbehaviour score above which a peer is banned (default 100)."),
            Flag("--nobanning", "actornode.p2p.bans.enabled", "Ban nobody."),
            Many("--whitelist", "actornode.p2p.whitelist", "An IP or network (10.0.0.0/8) never banned (repeatable)."),
            Many("--externalip", "actornode.p2p.external-ip", "An address of ours to advertise (repeatable)."),
            Text("--relay", "actornode.p2p.relay", "How transaction announcements are timed: core (Poisson, 2 s outbound / 5 s inbound; default) or fixed."),
            Text("--trickleinterval", "actornode.p2p.trickle-interval", "With --relay fixed: how often transaction announcements go out (default 10s)."),
            Flag("--blocksonly", "actornode.p2p.blocks-only", "Ask peers not to relay transactions."),
            Flag("--peerbloomfilters", "actornode.p2p.peer-bloom-filters", "Serve BIP37 bloom filters and filtered blocks (NODE_BLOOM)."),
            Flag("--v2transport", "actornode.p2p.v2transport", "BIP324 encrypted transport: advertise NODE_P2P_V2, accept and dial v2, fall back to v1 (default on; --v2transport=false turns it off)."),
            Flag("--nodnsseed", "actornode.p2p.dns-seed", "Do not ask the network's DNS seeds for addresses."),
            Many("--rpclisten", "actornode.rpc.listen", "Serve JSON-RPC on ip[:port], loopback only (repeatable; default 127.0.0.1:<network RPC port>)."),
            Text("--rpcuser", "actornode.rpc.user", "RPC user (with --rpcpass; without both, a cookie file in the data directory)."),
            Text("--rpcpass", "actornode.rpc.password", "RPC password."),
            Text("--loglevel", "actornode.logging.level", "trace, debug, info, warning or error; or per subsystem: info,peer=debug,rpc=trace."),
            Text("--metrics", "actornode.metrics.listen", "Serve Prometheus metrics at http://ip:port/metrics (loopback only)."),
        };
        var command = new Command("run", "Run the node: peers, address book, bans, JSON-RPC (Ctrl+C stops it cleanly).") { config };
        foreach (var option in options) command.Options.Add(option);

        command.SetAction(parse =>
        {
            var overrides = new Dictionary<string, (string Option, object Value)>(StringComparer.Ordinal);
            foreach (var (option, path) in mapped)
            {
                if (parse.GetResult(option) is null) continue;
                switch (option)
                {
                    case Option<bool> flag when path == "actornode.p2p.v2transport":
                        if (parse.GetResult(flag) is not { Implicit: false }) break; // not on the command line
                        // On by default (Core): given, it sets either value (--v2transport=false).
                        overrides[path] = (option.Name, parse.GetValue(flag) ? "on" : "off");
                        break;
                    case Option<bool> flag when parse.GetValue(flag):
                        // --nobanning and --nodnsseed turn a setting off; the others turn theirs on.
                        bool on = path is not ("actornode.p2p.bans.enabled" or "actornode.p2p.dns-seed");
                        overrides[path] = (option.Name, on ? "on" : "off");
                        break;
                    case Option<string[]> many when parse.GetValue(many) is { Length: > 0 } values:
                        overrides[path] = (option.Name, values);
                        break;
                    case Option<string?> text when parse.GetValue(text) is { } value:
                        overrides[path] = (option.Name, value);
                        break;
                }
            }
            if (!NodeConfig.TryBuild(new CommandLineSettings { ConfigFile = parse.GetValue(config), Overrides = overrides }, console.Error, out var node))
                return Cli.UsageError;
            return NodeHost.RunAsync(node, seeds?.Invoke() ?? new SystemSeedResolver(), console.Error).GetAwaiter().GetResult();
        });
        return command;
    }
}
