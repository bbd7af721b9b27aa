using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Python;

/// <summary>Log messages of the interpreter's start and stop.</summary>
internal static partial class PythonLog
{
    [LoggerMessage(450, LogLevel.Error, "the application's exit handlers failed:\n{Traceback}", EventName = "ExitHandlersFailed")]
    public static partial void ExitHandlersFailed(ILogger logger, string traceback);
}
