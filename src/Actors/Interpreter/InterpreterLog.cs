using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Actors.Interpreter;

/// <summary>Log messages of the interpreter workers.</summary>
internal static partial class InterpreterLog
{
    [LoggerMessage(200, LogLevel.Error, "{Request}: the server failed while running it; connection aborted", EventName = "RequestCrashed")]
    public static partial void RequestCrashed(ILogger logger, string request, Exception exception);

    [LoggerMessage(201, LogLevel.Error, "Finishing a request on the connection side failed", EventName = "CompletionFailed")]
    public static partial void CompletionFailed(ILogger logger, Exception exception);

    [LoggerMessage(202, LogLevel.Warning, "The completion thread did not stop within {Seconds} s; leaving it", EventName = "CompletionsNotStopped")]
    public static partial void CompletionsNotStopped(ILogger logger, double seconds);
}
