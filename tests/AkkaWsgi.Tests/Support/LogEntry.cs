using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Tests.Support;

/// <summary>One log call as the code under test made it.</summary>
internal sealed record LogEntry(LogLevel Level, EventId EventId, string Message, Exception? Exception);
