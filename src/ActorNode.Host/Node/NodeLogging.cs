using System.Text.RegularExpressions;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace ActorNode.Host.Node;

/// <summary>Serilog for the node: a console sink (level, subsystem, peer id) and a rolling file in
/// <c>&lt;datadir&gt;/logs</c>. Akka's log events reach it through Akka.Logger.Serilog, which sets
/// <c>SourceContext</c> to the logging class and <c>LogSource</c> to the actor's path; from those the
/// <see cref="SubsystemEnricher"/> adds <c>Subsystem</c> and, for a peer's actor (<c>.../peer-12</c>), <c>PeerId</c>.
/// Per-subsystem levels are applied by a filter, so one level setting covers Akka and the host's own logs.</summary>
internal static partial class NodeLogging
{
    private const string ConsoleTemplate =
        "{Timestamp:HH:mm:ss.fff} {Level:u3} [{Subsystem}{PeerTag}] {Message:lj}{NewLine}{Exception}";
    private const string FileTemplate =
        "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} {Level:u3} [{Subsystem}{PeerTag}] {Message:lj} {Properties:j}{NewLine}{Exception}";

    public static Logger Create(NodeOptions options)
    {
        var levels = options.Logging;
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(levels.Minimum)
            .Enrich.With(new SubsystemEnricher())
            .Filter.ByIncludingOnly(e => e.Level >= levels.For(SubsystemOf(e)))
            // Akka.IO's listener says this at every clean shutdown (the ConnManagerActor that bound it stops first).
            .Filter.ByExcluding(e => e.Level == LogEventLevel.Warning && SubsystemOf(e) == "akka"
                && e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture) == "Bind commander died, stopping listener")
            .WriteTo.Console(outputTemplate: ConsoleTemplate, standardErrorFromLevel: null,
                formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        if (levels.File)
            configuration = configuration.WriteTo.File(Path.Combine(options.DataDirectory, "logs", "actornode-.log"),
                outputTemplate: FileTemplate, rollingInterval: RollingInterval.Day, retainedFileCountLimit: 10,
                fileSizeLimitBytes: 100L * 1024 * 1024, rollOnFileSizeLimit: true, shared: false,
                formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        return configuration.CreateLogger();
    }

    /// <summary>Akka's level for <see cref="NodeOptions.Logging"/>: the lowest any subsystem wants (Akka filters
    /// first, Serilog second).</summary>
    public static string AkkaLevel(LogLevels levels) => levels.Minimum switch
    {
        LogEventLevel.Verbose or LogEventLevel.Debug => "DEBUG",
        LogEventLevel.Information => "INFO",
        LogEventLevel.Warning => "WARNING",
        _ => "ERROR",
    };

    /// <summary>The subsystem a log event belongs to, from the class that logged it.</summary>
    public static string SubsystemOf(LogEvent e)
    {
        if (e.Properties.TryGetValue("Subsystem", out var known) && known is ScalarValue { Value: string name }) return name;
        var source = e.Properties.TryGetValue(Constants.SourceContextPropertyName, out var value) && value is ScalarValue { Value: string s } ? s : "";
        return SubsystemOf(source);
    }

    public static string SubsystemOf(string sourceContext) => sourceContext switch
    {
        _ when sourceContext.StartsWith("ActorNode.P2P.Peers", StringComparison.Ordinal)
            || sourceContext.StartsWith("ActorNode.P2P.Transport", StringComparison.Ordinal) => "peer",
        _ when sourceContext.StartsWith("ActorNode.P2P.Connections", StringComparison.Ordinal) => "connmanager",
        _ when sourceContext.StartsWith("ActorNode.P2P.AddrBook", StringComparison.Ordinal) => "addrbook",
        _ when sourceContext.StartsWith("ActorNode.Host.Rpc", StringComparison.Ordinal) => "rpc",
        _ when sourceContext.StartsWith("ActorNode.", StringComparison.Ordinal) => "host",
        _ => "akka",
    };

    [GeneratedRegex(@"/peer-(\d+)(/|$)")]
    private static partial Regex PeerPath();

    /// <summary>Adds <c>Subsystem</c>, and <c>PeerId</c> with a <c>PeerTag</c> (" 12", shown as <c>[peer 12]</c>) for a
    /// peer's actor.</summary>
    private sealed class SubsystemEnricher : ILogEventEnricher
    {
        public void Enrich(LogEvent logEvent, ILogEventPropertyFactory factory)
        {
            var source = logEvent.Properties.TryGetValue(Constants.SourceContextPropertyName, out var value) && value is ScalarValue { Value: string s } ? s : "";
            logEvent.AddPropertyIfAbsent(factory.CreateProperty("Subsystem", SubsystemOf(source)));
            string tag = "";
            if (logEvent.Properties.TryGetValue("LogSource", out var path) && path is ScalarValue { Value: string p }
                && PeerPath().Match(p) is { Success: true } match)
            {
                logEvent.AddPropertyIfAbsent(factory.CreateProperty("PeerId", long.Parse(match.Groups[1].ValueSpan, provider: System.Globalization.CultureInfo.InvariantCulture)));
                tag = " " + match.Groups[1].Value;
            }
            logEvent.AddPropertyIfAbsent(factory.CreateProperty("PeerTag", tag));
        }
    }
}
