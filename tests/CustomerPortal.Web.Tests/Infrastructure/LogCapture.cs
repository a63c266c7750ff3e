using System.Collections.Concurrent;
using CustomerPortal.Web.Hosting;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace CustomerPortal.Web.Tests.Infrastructure;

/// <summary>A Serilog sink that keeps every event as text: message, properties and exception.</summary>
public sealed class LogCapture : ILogSinkContributor, ILogEventSink
{
    private readonly ConcurrentQueue<string> _events = new();
    private readonly ConcurrentQueue<LogEvent> _raw = new();

    /// <summary>Each event rendered with its properties, for text scans.</summary>
    public IReadOnlyCollection<string> Events => _events;

    /// <summary>The events as Serilog wrote them, for assertions on properties.</summary>
    public IReadOnlyCollection<LogEvent> Raw => _raw;

    public void Contribute(LoggerConfiguration configuration) => configuration.WriteTo.Sink(this);

    public void Emit(LogEvent logEvent)
    {
        var props = string.Join(" ", logEvent.Properties.Select(p => $"{p.Key}={p.Value}"));
        _raw.Enqueue(logEvent);
        _events.Enqueue($"{logEvent.Level} {logEvent.RenderMessage()} {props} {logEvent.Exception}");
    }
}
