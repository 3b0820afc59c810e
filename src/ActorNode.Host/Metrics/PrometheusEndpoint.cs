using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Text;
using ActorNode.Host.Rpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ActorNode.Host.Metrics;

/// <summary><c>--metrics ip:port</c>: the <c>ActorNode</c> meter in Prometheus' text format (version 0.0.4) at
/// <c>http://ip:port/metrics</c>, on Kestrel (the RPC server's minimal setup, <see cref="LoopbackHttpServer"/>;
/// docs/rpc.md "Server"). A <see cref="MeterListener"/> keeps the last value of each observable instrument (read at
/// each scrape) and the running sum of each counter. Names: dots become underscores, counters end in
/// <c>_total</c>.</summary>
internal sealed class PrometheusEndpoint : IAsyncDisposable
{
    private readonly WebApplication _http;
    private readonly MeterListener _listener = new();
    private readonly Dictionary<(Instrument Instrument, string Labels), double> _values = [];
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();

    public PrometheusEndpoint(IPEndPoint endpoint)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == NodeMetrics.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
        try
        {
            _http = LoopbackHttpServer.Start([endpoint], Serve, maxBodyBytes: 0, Serilog.Log.ForContext<PrometheusEndpoint>());
        }
        catch
        {
            _listener.Dispose();
            throw;
        }
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = new StringBuilder();
        foreach (var tag in tags)
        {
            if (labels.Length > 0) labels.Append(',');
            labels.Append(Name(tag.Key)).Append("=\"")
                .Append(Convert.ToString(tag.Value, CultureInfo.InvariantCulture)?.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n"))
                .Append('"');
        }
        var key = (instrument, labels.ToString());
        lock (_lock)
        {
            if (instrument is Counter<long> or Counter<int> or Counter<double>) _values[key] = _values.GetValueOrDefault(key) + value;
            else _values[key] = value;
        }
    }

    private static string Name(string name) => name.Replace('.', '_').Replace('-', '_');

    /// <summary>The exposition text of everything recorded so far (observable instruments are read first).</summary>
    public string Render()
    {
        _listener.RecordObservableInstruments();
        var text = new StringBuilder();
        lock (_lock)
        {
            foreach (var group in _values.GroupBy(kv => kv.Key.Instrument).OrderBy(g => g.Key.Name, StringComparer.Ordinal))
            {
                var instrument = group.Key;
                bool counter = instrument is Counter<long> or Counter<int> or Counter<double> or ObservableCounter<long> or ObservableCounter<int> or ObservableCounter<double>;
                string name = Name(instrument.Name) + (counter ? "_total" : "");
                if (instrument.Description is { Length: > 0 } help) text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
                text.Append("# TYPE ").Append(name).Append(counter ? " counter\n" : " gauge\n");
                foreach (var (key, value) in group)
                {
                    text.Append(name);
                    if (key.Labels.Length > 0) text.Append('{').Append(key.Labels).Append('}');
                    text.Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
                }
            }
        }
        return text.ToString();
    }

    private async Task Serve(HttpContext context)
    {
        var response = context.Response;
        try
        {
            if (context.Request.Path.Value != "/metrics")
            {
                response.StatusCode = 404;
                response.ContentLength = 0;
                return;
            }
            var bytes = Encoding.UTF8.GetBytes(Render());
            response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            response.ContentLength = bytes.Length;
            await response.Body.WriteAsync(bytes, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            context.Abort();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        await LoopbackHttpServer.StopAsync(_http, _stop).ConfigureAwait(false);
        _listener.Dispose();
        _stop.Dispose();
    }
}
