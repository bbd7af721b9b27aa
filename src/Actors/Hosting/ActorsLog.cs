using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Actors.Hosting;

/// <summary>Log messages of the server's actor tree as a whole.</summary>
internal static partial class ActorsLog
{
    [LoggerMessage(600, LogLevel.Error, "{Worker} stopped and will not be replaced; {Left} interpreter workers left", EventName = "InterpreterGone")]
    public static partial void InterpreterGone(ILogger logger, string worker, int left);

    [LoggerMessage(601, LogLevel.Critical, "the server cannot serve: {Reason}; stopping", EventName = "ServerActorsFailed")]
    public static partial void Fatal(ILogger logger, string reason);
}
