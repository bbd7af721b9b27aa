using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Actors.Dispatch;

/// <summary>Log messages of the dispatcher.</summary>
internal static partial class DispatcherLog
{
    [LoggerMessage(100, LogLevel.Debug, "{Worker} ready ({Count} workers)", EventName = "WorkerReady")]
    public static partial void WorkerReady(ILogger logger, string worker, int count);

    [LoggerMessage(101, LogLevel.Warning, "queue full ({Max} waiting): answered 503 to {Request} from {Client}", EventName = "QueueFull")]
    public static partial void QueueFull(ILogger logger, int max, string request, string client);

    [LoggerMessage(106, LogLevel.Warning, "queue still full ({Max} waiting): {Count} more requests answered 503 in the last {Seconds} s",
        EventName = "QueueStillFull")]
    public static partial void QueueStillFull(ILogger logger, int max, long count, double seconds);

    [LoggerMessage(102, LogLevel.Warning, "{Request} waited {Seconds} s in the queue without a free worker: answered 503 without running it",
        EventName = "ExpiredInQueue")]
    public static partial void ExpiredInQueue(ILogger logger, string request, double seconds);

    [LoggerMessage(103, LogLevel.Error, "{Worker} is stuck: still running {Request} after {Seconds:0} s, despite the request timeout",
        EventName = "WorkerStuck")]
    public static partial void WorkerStuck(ILogger logger, string worker, string request, double seconds);

    [LoggerMessage(104, LogLevel.Warning, "{Worker} came back from {Request}, which had been reported stuck", EventName = "WorkerRecovered")]
    public static partial void WorkerRecovered(ILogger logger, string worker, string request);

    [LoggerMessage(105, LogLevel.Critical, "{Reason}; exiting so that a new process can serve", EventName = "AllWorkersStuck")]
    public static partial void AllWorkersStuck(ILogger logger, string reason);
}
