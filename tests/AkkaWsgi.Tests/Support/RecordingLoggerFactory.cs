using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Tests.Support;

/// <summary>Hands out loggers that all record into <see cref="Entries"/>.</summary>
internal sealed class RecordingLoggerFactory : ILoggerFactory
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new RecordingLogger(_entries);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }
}
