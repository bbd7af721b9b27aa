using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Python;

/// <summary>Log messages of the interpreter's start and stop.</summary>
internal static partial class PythonLog
{
    [LoggerMessage(450, LogLevel.Error, "the application's exit handlers failed:\n{Traceback}", EventName = "ExitHandlersFailed")]
    public static partial void ExitHandlersFailed(ILogger logger, string traceback);

    [LoggerMessage(451, LogLevel.Information, "stopping: waiting up to {Seconds} s for the application's threads to end: {Threads}",
        EventName = "WaitingForApplicationThreads")]
    public static partial void WaitingForApplicationThreads(ILogger logger, double seconds, string threads);

    [LoggerMessage(452, LogLevel.Warning,
        "the application's threads did not end within {Seconds} s: {Threads}; its exit handlers run and the process exits without them " +
        "(a thread that must not hold up a stop is best started with daemon=True)",
        EventName = "ApplicationThreadsLeft")]
    public static partial void ApplicationThreadsLeft(ILogger logger, double seconds, string threads);
}
