using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace ActorNode.Host.Lab;

/// <summary>Serilog for the lab's processes: the lab's own actors and the nodes at information level, Akka's own
/// machinery (remoting, cluster gossip, singleton hand-over) only from warnings up: a run's log tells the run.</summary>
internal static class LabLogging
{
    public static Logger Create(string consoleTemplate, string? file)
    {
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Information()
            .Filter.ByExcluding(e => e.Level < LogEventLevel.Warning && IsAkkaInternal(e))
            .WriteTo.Console(outputTemplate: consoleTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        if (file is not null)
            configuration = configuration.WriteTo.File(file, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        return configuration.CreateLogger();
    }

    private static bool IsAkkaInternal(LogEvent e) =>
        e.Properties.TryGetValue(Constants.SourceContextPropertyName, out var value)
        && value is ScalarValue { Value: string source }
        && source.StartsWith("Akka.", StringComparison.Ordinal);
}
