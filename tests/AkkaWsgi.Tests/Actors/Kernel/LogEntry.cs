using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Tests.Actors.Kernel;

/// <summary>One log call as the kernel made it.</summary>
internal sealed record LogEntry(LogLevel Level, EventId EventId, string Message, Exception? Exception);
