using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ActorNode.Lab.Observations;

namespace ActorNode.Lab.Reports;

/// <summary>A run's raw facts, as read back from <c>observations.jsonl</c>.</summary>
public sealed record ObservationLogContents(
    IReadOnlyList<Injection> Injections,
    IReadOnlyList<Observation> Observations,
    IReadOnlyList<NodeTraffic> Traffic,
    IReadOnlyList<WorkerLost> WorkersLost);

/// <summary>The run's raw facts as JSON lines (one JSON object per line, https://jsonlines.org), so that a run can be
/// analysed again, or by other tools (jq, pandas), without the cluster. Each object carries a <c>"type"</c> first:
/// <c>"injection"</c>, <c>"observation"</c>, <c>"traffic"</c> or <c>"worker-lost"</c>; the other properties are the
/// record's, in camelCase, times as ISO 8601 with their offset, item kinds as <c>"transaction"</c>/<c>"block"</c>.
/// Example: <c>{"type":"observation","item":"ab…","kind":"block","node":3,"firstSeen":"2025-01-01T00:00:00.012+00:00","fromNode":1,"announcements":2}</c>.</summary>
public static class ObservationLog
{
    public const string InjectionType = "injection";
    public const string ObservationType = "observation";
    public const string TrafficType = "traffic";
    public const string WorkerLostType = "worker-lost";

    internal static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
        // A file for people and tools, not HTML: keep '+' in "+00:00" and non-ASCII reasons readable.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        // Reading: a missing item or kind is an error, not a silent null.
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    /// <summary>Writes every fact of <paramref name="report"/>: injections, then observations, traffic, worker losses.</summary>
    public static void Write(Stream stream, RunReport report)
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
        foreach (var i in report.Injections) writer.WriteLine(Line(InjectionType, i));
        foreach (var o in report.Observations) writer.WriteLine(Line(ObservationType, o));
        foreach (var t in report.Traffic) writer.WriteLine(Line(TrafficType, t));
        foreach (var w in report.WorkersLost) writer.WriteLine(Line(WorkerLostType, w));
    }

    /// <summary>Reads a log written by <see cref="Write"/>. Blank lines and objects of an unknown type (a newer
    /// writer's) are skipped; a line that is not such an object fails with <see cref="InvalidDataException"/> naming
    /// the file and line.</summary>
    public static ObservationLogContents Read(string path)
    {
        var injections = new List<Injection>();
        var observations = new List<Observation>();
        var traffic = new List<NodeTraffic>();
        var lost = new List<WorkerLost>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object
                    || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                    throw new InvalidDataException("not a JSON object with a string \"type\"");
                switch (type.GetString())
                {
                    case InjectionType: injections.Add(Parse<Injection>(root)); break;
                    case ObservationType: observations.Add(Parse<Observation>(root)); break;
                    case TrafficType: traffic.Add(Parse<NodeTraffic>(root)); break;
                    case WorkerLostType: lost.Add(Parse<WorkerLost>(root)); break;
                    default: break;
                }
            }
            catch (Exception e) when (e is JsonException or InvalidDataException or NotSupportedException)
            {
                throw new InvalidDataException($"{path} line {number}: {e.Message}", e);
            }
        }
        return new ObservationLogContents(injections, observations, traffic, lost);
    }

    private static string Line<T>(string type, T record)
    {
        var body = JsonSerializer.SerializeToNode(record, Options)!.AsObject();
        var line = new JsonObject { ["type"] = type };
        foreach (var (name, value) in body.ToList())
        {
            body.Remove(name);
            line[name] = value;
        }
        return line.ToJsonString(Options);
    }

    private static T Parse<T>(JsonElement element) =>
        element.Deserialize<T>(Options) ?? throw new InvalidDataException($"empty {typeof(T).Name}");
}
