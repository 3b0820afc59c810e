using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace ActorNode.Host.Lab;

/// <summary>Serilog for the lab's processes: the lab's own actors at information level; the nodes' actors (a
/// "peer connected" line per link would be thousands per worker) and Akka's own machinery (remoting, cluster gossip,
/// singleton hand-over) only from warnings up: a run's log tells the run.</summary>
internal static class LabLogging
{
    /// <summary><paramref name="nodeLevel"/>: the least level kept from the nodes' actors and Akka
    /// (<c>actornode.lab.node-log-level</c>; warning unless a run is being debugged).</summary>
    public static Logger Create(string consoleTemplate, string? file, LogEventLevel nodeLevel = LogEventLevel.Warning)
    {
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Information()
            .Filter.ByExcluding(e => e.Level < nodeLevel && !IsLab(e))
            .WriteTo.Console(outputTemplate: consoleTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        if (file is not null)
            configuration = configuration.WriteTo.File(file, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        return configuration.CreateLogger();
    }

    /// <summary>The lab's own code: its actors (ActorNode.Lab.*) and the runner (ActorNode.Host.Lab.*).</summary>
    private static bool IsLab(LogEvent e) =>
        e.Properties.TryGetValue(Constants.SourceContextPropertyName, out var value)
        && value is ScalarValue { Value: string source }
        && (source.StartsWith("ActorNode.Lab.", StringComparison.Ordinal) || source.StartsWith("ActorNode.Host.Lab.", StringComparison.Ordinal));
}

internal static class LabLogLevels
{
    /// <summary>info, warning or error (<c>actornode.lab.node-log-level</c>); anything else is warning.</summary>
    public static LogEventLevel Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "info" or "information" => LogEventLevel.Information,
        "error" => LogEventLevel.Error,
        _ => LogEventLevel.Warning,
    };
}
