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

    public IReadOnlyCollection<string> Events => _events;

    public void Contribute(LoggerConfiguration configuration) => configuration.WriteTo.Sink(this);

    public void Emit(LogEvent logEvent)
    {
        var props = string.Join(" ", logEvent.Properties.Select(p => $"{p.Key}={p.Value}"));
        _events.Enqueue($"{logEvent.Level} {logEvent.RenderMessage()} {props} {logEvent.Exception}");
    }
}
