using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Actors.Interpreter;

/// <summary>Log messages of the interpreter workers.</summary>
internal static partial class InterpreterLog
{
    [LoggerMessage(200, LogLevel.Error, "{Request}: the server failed while running it; connection aborted", EventName = "RequestCrashed")]
    public static partial void RequestCrashed(ILogger logger, string request, Exception exception);
}
