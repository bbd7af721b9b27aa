using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Actors.Dispatch;

/// <summary>Log messages of the dispatcher.</summary>
internal static partial class DispatcherLog
{
    [LoggerMessage(100, LogLevel.Debug, "{Worker} ready ({Count} workers)", EventName = "WorkerReady")]
    public static partial void WorkerReady(ILogger logger, string worker, int count);

    [LoggerMessage(101, LogLevel.Warning, "queue full ({Max} waiting): answered 503 to {Request} from {Client}", EventName = "QueueFull")]
    public static partial void QueueFull(ILogger logger, int max, string request, string client);
}
