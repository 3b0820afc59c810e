using System.Globalization;
using ActorNode.Lab.Experiments;
using ActorNode.Lab.Network;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace ActorNode.Lab.Cluster.Experiments;

/// <summary>A bad experiment file: <see cref="Path"/> names the setting (experiment.topology.outbound), the message
/// says what is wrong with it.</summary>
public sealed class ExperimentFileException(string path, string problem)
    : Exception($"{path}: {problem}")
{
    public string Path { get; } = path;
}

/// <summary>Reads an experiment file (HOCON, docs/lab.md "Experiment files") into an <see cref="Experiment"/>.
/// Every setting is checked; an unknown one is refused (a typo would otherwise be ignored without a word).</summary>
public static class ExperimentFile
{
    private const string Root = "experiment";

    private static readonly HashSet<string> TopLevel =
        ["name", "nodes", "workers", "seed", "time-limit", "on-worker-loss", "topology", "node", "inject", "faults", "network"];

    public static Experiment Load(string path) => Parse(ReadText(path));

    /// <summary>The file's text (kept for the report); a file that cannot be read is an <see cref="ExperimentFileException"/>.</summary>
    public static string ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ExperimentFileException("(file)", $"cannot read the file: {e.Message}");
        }
    }

    public static Experiment Parse(string text)
    {
        Config config;
        try
        {
            config = ConfigurationFactory.ParseString(text);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ExperimentFileException("(file)", "not valid HOCON: " + OneLine(e.Message));
        }
        if (!config.HasPath(Root)) throw new ExperimentFileException(Root, "missing (the file describes one `experiment { ... }`)");
        var root = new Section(config.GetConfig(Root), Root);
        root.AllowOnly([.. TopLevel]);

        int nodes = root.Int("nodes", 2, 100_000);
        int workers = root.Int("workers", 1, 1_000);
        if (workers > nodes) throw new ExperimentFileException(Root + ".workers", $"{workers} workers for {nodes} nodes: at most one worker per node");
        var experiment = new Experiment
        {
            Name = root.String("name", "experiment"),
            Nodes = nodes,
            Workers = workers,
            Seed = root.Int("seed", int.MinValue, int.MaxValue, 1),
            TimeLimit = root.Duration("time-limit", TimeSpan.FromMinutes(2), min: TimeSpan.FromSeconds(1)),
            OnWorkerLoss = root.String("on-worker-loss", "continue") switch
            {
                "continue" => WorkerLossPolicy.Continue,
                "stop" => WorkerLossPolicy.Stop,
                var other => throw new ExperimentFileException(Root + ".on-worker-loss", $"'{other}' is not continue or stop"),
            },
            Topology = ParseTopology(root.Child("topology"), nodes),
            NodeSettings = ParseNodeSettings(root.OptionalChild("node")),
            Injections = [.. root.Objects("inject").Select(s => ParseInjection(s, nodes))],
            Faults = [.. root.Objects("faults").Select(s => ParseFault(s, nodes, workers))],
            Network = ParseNetwork(root.OptionalChild("network")),
        };
        if (experiment.Injections.Sum(i => (long)i.Count) == 0)
            throw new ExperimentFileException(Root + ".inject", "no items to inject: a run measures how injected items spread");
        return experiment;
    }

    private static TopologySpec ParseTopology(Section s, int nodes)
    {
        var kind = s.String("kind");
        switch (kind)
        {
            case "random":
                s.AllowOnly("kind", "outbound");
                return new TopologySpec.Random(s.Int("outbound", 1, 1_000, 8));
            case "ring":
                s.AllowOnly("kind");
                return new TopologySpec.Ring();
            case "small-world":
                s.AllowOnly("kind", "neighbours", "rewire");
                int k = s.Int("neighbours", 2, 1_000, 4);
                if (k % 2 != 0) throw new ExperimentFileException(s.PathOf("neighbours"), $"{k} is odd: each node links to k/2 on either side");
                return new TopologySpec.SmallWorld(k, s.Double("rewire", 0, 1, 0.1));
            case "explicit":
                s.AllowOnly("kind", "edges");
                var edges = new List<(int, int)>();
                foreach (var edge in s.Strings("edges"))
                {
                    var parts = edge.Split('-', StringSplitOptions.TrimEntries);
                    if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out int from)
                        || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out int to))
                        throw new ExperimentFileException(s.PathOf("edges"), $"'{edge}' is not \"from-to\" (e.g. \"0-1\")");
                    if (from < 0 || from >= nodes || to < 0 || to >= nodes || from == to)
                        throw new ExperimentFileException(s.PathOf("edges"), $"'{edge}': nodes are 0..{nodes - 1} and a link joins two different nodes");
                    edges.Add((from, to));
                }
                if (edges.Count == 0) throw new ExperimentFileException(s.PathOf("edges"), "no links");
                return new TopologySpec.Explicit(edges);
            default:
                throw new ExperimentFileException(s.PathOf("kind"), $"'{kind}' is not random, ring, small-world or explicit");
        }
    }

    private static NodeSettingsSpec ParseNodeSettings(Section? s)
    {
        if (s is null) return new NodeSettingsSpec();
        s.AllowOnly("relay", "trickle-interval", "max-peers");
        var defaults = new NodeSettingsSpec();
        // A file that gives a trickle interval and no relay timing means btcd's fixed tick (files written before
        // Core's timing became the default keep their meaning).
        var relay = s.String("relay", s.Has("trickle-interval") ? "fixed" : "core") switch
        {
            "core" => RelayTiming.Core,
            "fixed" => RelayTiming.Fixed,
            var other => throw new ExperimentFileException(s.PathOf("relay"), $"'{other}' is not core or fixed"),
        };
        if (relay == RelayTiming.Core && s.Has("trickle-interval"))
            throw new ExperimentFileException(s.PathOf("trickle-interval"), "only with relay = fixed (Core's timing has its own means, 2 s and 5 s)");
        return new NodeSettingsSpec
        {
            Relay = relay,
            TrickleInterval = s.Duration("trickle-interval", defaults.TrickleInterval, min: TimeSpan.Zero),
            MaxPeers = s.Int("max-peers", 1, 100_000, defaults.MaxPeers),
        };
    }

    private static RegionTable ParseNetwork(Section? s)
    {
        if (s is null) return NetworkPresets.Loopback;
        if (s.Has("preset"))
        {
            s.AllowOnly("preset");
            var name = s.String("preset");
            return NetworkPresets.ByName.TryGetValue(name, out var preset) ? preset
                : throw new ExperimentFileException(s.PathOf("preset"), $"'{name}' is not a preset ({string.Join(", ", NetworkPresets.ByName.Keys)})");
        }
        s.AllowOnly("name", "regions", "latency-ms");
        var regions = new List<Region>();
        foreach (var r in s.Objects("regions"))
        {
            r.AllowOnly("name", "share", "upload", "download");
            regions.Add(new Region(r.String("name"), r.Double("share", 0, 1, double.NaN) is var share && double.IsNaN(share)
                    ? throw new ExperimentFileException(r.PathOf("share"), "missing") : share,
                r.Has("upload") ? r.BitRate("upload") : null, r.Has("download") ? r.BitRate("download") : null));
        }
        if (regions.Count == 0) throw new ExperimentFileException(s.PathOf("regions"), "no regions (or give a preset)");
        var rows = s.Rows("latency-ms");
        if (rows.Count != regions.Count || rows.Any(row => row.Count != regions.Count))
            throw new ExperimentFileException(s.PathOf("latency-ms"), $"expected a {regions.Count} x {regions.Count} matrix of milliseconds, one row per region");
        var latency = new double[regions.Count, regions.Count];
        for (int i = 0; i < regions.Count; i++)
            for (int j = 0; j < regions.Count; j++)
            {
                latency[i, j] = rows[i][j];
                if (rows[i][j] != rows[j][i])
                    throw new ExperimentFileException(s.PathOf("latency-ms"), $"not symmetric: [{i}][{j}] = {rows[i][j]}, [{j}][{i}] = {rows[j][i]} (a link has one latency)");
            }
        try
        {
            return new RegionTable(s.String("name", "custom"), regions, latency);
        }
        catch (ArgumentException e)
        {
            throw new ExperimentFileException(s.PathOf("regions"), e.Message);
        }
    }

    private static ItemSize ParseSize(Section s, ItemKind kind)
    {
        if (!s.Has("size")) return new ItemSize.Minimal();
        var text = s.String("size");
        if (text == "mainnet")
            return kind == ItemKind.Transaction ? new ItemSize.Mainnet()
                : throw new ExperimentFileException(s.PathOf("size"), "mainnet sizes are for transactions; give a block a size in bytes (1MB)");
        long bytes = ParseBytes(text) ?? throw new ExperimentFileException(s.PathOf("size"), $"'{text}' is not mainnet or a size (400, 2kB, 1MB)");
        (long min, long max) = kind == ItemKind.Transaction ? (LabTransactions.MinSize, LabTransactions.MaxSize) : (1_000L, 3_900_000L);
        if (bytes < min || bytes > max) throw new ExperimentFileException(s.PathOf("size"), $"{bytes} bytes is outside {min}..{max}");
        return new ItemSize.Bytes((int)bytes);
    }

    /// <summary>A byte count: 400, 2kB, 1.5MB (decimal units, as block sizes are quoted).</summary>
    internal static long? ParseBytes(string text)
    {
        text = text.Trim();
        (string unit, double scale)[] units = [("MB", 1e6), ("kB", 1e3), ("KB", 1e3), ("B", 1)];
        double multiplier = 1;
        foreach (var (unit, scale) in units)
            if (text.EndsWith(unit, StringComparison.Ordinal)) { text = text[..^unit.Length].Trim(); multiplier = scale; break; }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double n) || n < 0 || double.IsNaN(n) || n > 1e12) return null;
        return (long)Math.Round(n * multiplier);
    }

    /// <summary>A rate in bit/s: 19.2Mbit, 500kbit, 1Gbit, or a bare number of bit/s.</summary>
    internal static double? ParseBitRate(string text)
    {
        text = text.Trim();
        (string unit, double scale)[] units = [("Gbit", 1e9), ("Mbit", 1e6), ("kbit", 1e3), ("bit", 1)];
        double multiplier = 1;
        foreach (var (unit, scale) in units)
            if (text.EndsWith(unit, StringComparison.Ordinal)) { text = text[..^unit.Length].Trim(); multiplier = scale; break; }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double n) || !(n > 0) || double.IsInfinity(n)) return null;
        return n * multiplier;
    }

    private static InjectionSpec ParseInjection(Section s, int nodes)
    {
        s.AllowOnly("kind", "count", "start", "interval", "rate", "node", "size");
        var kind = s.String("kind") switch
        {
            "transaction" or "tx" => ItemKind.Transaction,
            "block" => ItemKind.Block,
            var other => throw new ExperimentFileException(s.PathOf("kind"), $"'{other}' is not transaction or block"),
        };
        int count = s.Int("count", 1, 1_000_000);
        var start = s.Duration("start", TimeSpan.Zero, min: TimeSpan.Zero);
        TimeSpan interval;
        if (s.Has("rate"))
        {
            if (s.Has("interval")) throw new ExperimentFileException(s.PathOf("rate"), "give rate or interval, not both");
            double rate = s.Double("rate", 0.001, 1_000_000, 1);
            interval = TimeSpan.FromSeconds(1 / rate);
        }
        else interval = s.Duration("interval", TimeSpan.FromSeconds(1), min: TimeSpan.Zero);
        int? node = s.Has("node") ? s.Int("node", 0, nodes - 1) : null;
        return new InjectionSpec(kind, count, start, interval, node) { Size = ParseSize(s, kind) };
    }

    private static FaultSpec ParseFault(Section s, int nodes, int workers)
    {
        var kind = s.String("kind");
        switch (kind)
        {
            case "kill-worker":
                s.AllowOnly("kind", "at", "worker");
                return new FaultSpec.KillWorker(s.Duration("at", null, TimeSpan.Zero), s.Int("worker", 0, workers - 1));
            case "partition":
                s.AllowOnly("kind", "at", "heal-at", "group-a", "group-b");
                var at = s.Duration("at", null, TimeSpan.Zero);
                var heal = s.Duration("heal-at", null, TimeSpan.Zero);
                if (heal <= at) throw new ExperimentFileException(s.PathOf("heal-at"), "must come after `at`");
                var a = s.Nodes("group-a", nodes);
                var b = s.Nodes("group-b", nodes);
                if (a.Intersect(b).Any()) throw new ExperimentFileException(s.PathOf("group-b"), "shares nodes with group-a");
                return new FaultSpec.Partition(at, heal, a, b);
            case "churn":
                s.AllowOnly("kind", "at", "downtime", "nodes");
                return new FaultSpec.Churn(s.Duration("at", null, TimeSpan.Zero), s.Duration("downtime", null, TimeSpan.Zero), s.Nodes("nodes", nodes));
            default:
                throw new ExperimentFileException(s.PathOf("kind"), $"'{kind}' is not kill-worker, partition or churn");
        }
    }

    private static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>One object of the file and its path, for messages that name the setting.</summary>
    private sealed class Section(Config config, string path)
    {
        public string PathOf(string key) => path + "." + key;

        public bool Has(string key) => config.HasPath(key);

        public void AllowOnly(params string[] keys)
        {
            foreach (var key in config.Root.GetObject().Items.Keys)
                if (!keys.Contains(key)) throw new ExperimentFileException(PathOf(key), $"unknown setting (known: {string.Join(", ", keys)})");
        }

        public Section Child(string key) =>
            OptionalChild(key) ?? throw new ExperimentFileException(PathOf(key), "missing");

        public Section? OptionalChild(string key)
        {
            if (!config.HasPath(key)) return null;
            var value = config.GetValue(key);
            if (!value.IsObject()) throw new ExperimentFileException(PathOf(key), "expected an object { ... }");
            return new Section(config.GetConfig(key), PathOf(key));
        }

        public IEnumerable<Section> Objects(string key)
        {
            if (!config.HasPath(key)) yield break;
            var value = config.GetValue(key);
            if (!value.IsArray()) throw new ExperimentFileException(PathOf(key), "expected a list of objects [ { ... }, ... ]");
            int i = 0;
            foreach (var item in value.GetArray())
            {
                if (!item.IsObject()) throw new ExperimentFileException($"{PathOf(key)}[{i}]", "expected an object { ... }");
                yield return new Section(new Config(new HoconRoot(item)), $"{PathOf(key)}[{i}]");
                i++;
            }
        }

        public string String(string key, string? fallback = null)
        {
            if (!config.HasPath(key))
                return fallback ?? throw new ExperimentFileException(PathOf(key), "missing");
            var value = config.GetValue(key);
            if (value.IsArray() || value.IsObject()) throw new ExperimentFileException(PathOf(key), "expected a single value");
            return value.GetString()?.Trim() ?? "";
        }

        public IReadOnlyList<string> Strings(string key)
        {
            if (!config.HasPath(key)) throw new ExperimentFileException(PathOf(key), "missing");
            var value = config.GetValue(key);
            if (!value.IsArray()) throw new ExperimentFileException(PathOf(key), "expected a list");
            return [.. value.GetArray().Select(v => v.GetString()?.Trim() ?? "")];
        }

        public int Int(string key, int min, int max, int? fallback = null)
        {
            if (!config.HasPath(key) && fallback is { } f) return f;
            var text = String(key);
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
                throw new ExperimentFileException(PathOf(key), $"'{text}' is not a whole number");
            if (value < min || value > max) throw new ExperimentFileException(PathOf(key), $"{value} is outside {min}..{max}");
            return value;
        }

        public double Double(string key, double min, double max, double fallback)
        {
            if (!config.HasPath(key)) return fallback;
            var text = String(key);
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || double.IsNaN(value))
                throw new ExperimentFileException(PathOf(key), $"'{text}' is not a number");
            if (value < min || value > max) throw new ExperimentFileException(PathOf(key), $"{value} is outside {min}..{max}");
            return value;
        }

        public double BitRate(string key)
        {
            var text = String(key);
            return ParseBitRate(text) ?? throw new ExperimentFileException(PathOf(key), $"'{text}' is not a rate (19.2Mbit, 500kbit)");
        }

        /// <summary>A list of lists of numbers (a matrix, one inner list per row).</summary>
        public IReadOnlyList<IReadOnlyList<double>> Rows(string key)
        {
            if (!config.HasPath(key)) throw new ExperimentFileException(PathOf(key), "missing");
            var value = config.GetValue(key);
            if (!value.IsArray()) throw new ExperimentFileException(PathOf(key), "expected a list of rows [[...], [...]]");
            var rows = new List<IReadOnlyList<double>>();
            foreach (var row in value.GetArray())
            {
                if (!row.IsArray()) throw new ExperimentFileException(PathOf(key), "expected a list of rows [[...], [...]]");
                var cells = new List<double>();
                foreach (var cell in row.GetArray())
                {
                    var text = cell.GetString()?.Trim() ?? "";
                    if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double ms) || ms < 0 || double.IsNaN(ms) || double.IsInfinity(ms))
                        throw new ExperimentFileException(PathOf(key), $"'{text}' is not a latency in milliseconds");
                    cells.Add(ms);
                }
                rows.Add(cells);
            }
            return rows;
        }

        public IReadOnlyList<int> Nodes(string key, int nodes)
        {
            var list = new List<int>();
            foreach (var text in Strings(key))
            {
                if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int node) || node < 0 || node >= nodes)
                    throw new ExperimentFileException(PathOf(key), $"'{text}' is not a node (0..{nodes - 1})");
                if (!list.Contains(node)) list.Add(node);
            }
            if (list.Count == 0) throw new ExperimentFileException(PathOf(key), "no nodes");
            return list;
        }

        /// <summary>A duration with its unit: 250ms, 2s, 1.5m, 1h (a bare number is seconds, as in hocon/actornode.conf).</summary>
        public TimeSpan Duration(string key, TimeSpan? fallback, TimeSpan min)
        {
            if (!config.HasPath(key) && fallback is { } f) return f;
            var text = String(key);
            var value = ParseDuration(text) ?? throw new ExperimentFileException(PathOf(key), $"'{text}' is not a duration (250ms, 2s, 1m)");
            if (value < min) throw new ExperimentFileException(PathOf(key), $"{text} is less than {min.TotalSeconds}s");
            return value;
        }
    }

    internal static TimeSpan? ParseDuration(string text)
    {
        text = text.Trim().ToLowerInvariant();
        (string unit, double scale)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        double multiplier = 1;
        foreach (var (unit, scale) in units)
        {
            if (text.EndsWith(unit, StringComparison.Ordinal) && (unit != "s" || !text.EndsWith("ms", StringComparison.Ordinal))
                && !(unit == "m" && text.EndsWith("ms", StringComparison.Ordinal)))
            {
                text = text[..^unit.Length].Trim();
                multiplier = scale;
                break;
            }
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) || number < 0 || double.IsNaN(number) || double.IsInfinity(number))
            return null;
        double seconds = number * multiplier;
        return seconds > TimeSpan.MaxValue.TotalSeconds / 2 ? null : TimeSpan.FromSeconds(seconds);
    }
}
