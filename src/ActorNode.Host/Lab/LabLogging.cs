using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace ActorNode.Host.Lab;

/// <summary>Serilog for the lab's processes: the lab's own actors at information level; the nodes' actors (a
/// "peer connected" line per link would be thousands per worker) and Akka's own machinery (remoting, cluster gossip,
/// singleton hand-over) only from warnings up: a run's log tells the run.</summary>
internal static class LabLogging
{
    public static Logger Create(string consoleTemplate, string? file)
    {
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Information()
            .Filter.ByExcluding(e => e.Level < LogEventLevel.Warning && !IsLab(e))
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
