using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Tests.Support;

/// <summary>A logger that keeps every entry, at every level, in its factory's list.</summary>
internal sealed class RecordingLogger(ConcurrentQueue<LogEntry> entries) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        entries.Enqueue(new LogEntry(logLevel, eventId, formatter(state, exception), exception));
    }
}
