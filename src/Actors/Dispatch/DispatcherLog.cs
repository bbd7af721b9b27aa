using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Actors.Dispatch;

/// <summary>Log messages of the dispatcher.</summary>
internal static partial class DispatcherLog
{
    [LoggerMessage(100, LogLevel.Debug, "{Worker} ready ({Count} workers)", EventName = "WorkerReady")]
    public static partial void WorkerReady(ILogger logger, string worker, int count);
}
