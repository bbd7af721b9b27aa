using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Actors.Supervision;

/// <summary>Log messages of the process supervisor.</summary>
internal static partial class SupervisorLog
{
    [LoggerMessage(500, LogLevel.Debug, "{Worker} started as pid {ProcessId}", EventName = "WorkerStarted")]
    public static partial void WorkerStarted(ILogger logger, string worker, int processId);

    [LoggerMessage(501, LogLevel.Information, "{Worker} ready", EventName = "WorkerReady")]
    public static partial void WorkerReady(ILogger logger, string worker);

    [LoggerMessage(502, LogLevel.Error, "{Worker} exited unexpectedly ({Status}); starting a replacement in {Seconds} s", EventName = "WorkerDied")]
    public static partial void WorkerDied(ILogger logger, string worker, string status, double seconds);

    [LoggerMessage(503, LogLevel.Information, "{Worker} stopped ({Status})", EventName = "WorkerStopped")]
    public static partial void WorkerStopped(ILogger logger, string worker, string status);

    [LoggerMessage(504, LogLevel.Error, "{Worker} failed at start-up ({Status}), {Failures} time(s) in a row; retrying in {Seconds} s",
        EventName = "StartFailed")]
    public static partial void StartFailed(ILogger logger, string worker, string status, int failures, double seconds);

    [LoggerMessage(505, LogLevel.Critical, "the application cannot start: {Worker} failed ({Status}); see its messages above. Exiting.",
        EventName = "CannotStart")]
    public static partial void CannotStart(ILogger logger, string worker, string status);

    [LoggerMessage(506, LogLevel.Critical, "workers failed at start-up {Failures} times in a row (last: {Status}) and none is serving; giving up",
        EventName = "GivingUp")]
    public static partial void GivingUp(ILogger logger, int failures, string status);

    [LoggerMessage(507, LogLevel.Information, "reload: starting generation {Generation} ({Processes} {WorkerProcesses})", EventName = "ReloadStarted")]
    public static partial void ReloadStarted(ILogger logger, int generation, int processes, string workerProcesses);

    [LoggerMessage(508, LogLevel.Information, "reload: generation {Generation} is serving; the previous one is draining", EventName = "ReloadComplete")]
    public static partial void ReloadComplete(ILogger logger, int generation);

    [LoggerMessage(509, LogLevel.Error, "reload failed: {Worker} did not start ({Status}); generation {Generation} keeps serving",
        EventName = "ReloadFailed")]
    public static partial void ReloadFailed(ILogger logger, string worker, string status, int generation);

    [LoggerMessage(510, LogLevel.Information,
        "reload: generation {Generation} is still starting, and may hold older code; another generation starts once it is serving or has failed",
        EventName = "ReloadQueued")]
    public static partial void ReloadQueued(ILogger logger, int generation);

    [LoggerMessage(511, LogLevel.Information, "{Worker} retiring ({Reason}); its replacement is starting", EventName = "Retiring")]
    public static partial void Retiring(ILogger logger, string worker, string reason);

    [LoggerMessage(512, LogLevel.Error, "{Worker} not ready after {Seconds} s; aborting it, so that its Python stack shows where its start-up hangs", EventName = "StartTimedOut")]
    public static partial void StartTimedOut(ILogger logger, string worker, double seconds);

    [LoggerMessage(513, LogLevel.Warning, "{Worker} did not exit in time after being asked to stop; killing it", EventName = "StopTimedOut")]
    public static partial void StopTimedOut(ILogger logger, string worker);

    [LoggerMessage(514, LogLevel.Warning, "asked to stop again: killing the {Count} remaining worker processes now", EventName = "StoppingNow")]
    public static partial void StoppingNow(ILogger logger, int count);

    [LoggerMessage(515, LogLevel.Warning,
        "SIGUSR2 supervisor: generation {Generation} serving, reload under way: {Pending}, worker processes replaced: {Replaced}, reloads: {Reloads}\n{Workers}",
        EventName = "Status")]
    public static partial void Status(ILogger logger, int generation, string pending, int replaced, int reloads, string workers);

    [LoggerMessage(516, LogLevel.Information, "signal {Signal} not passed to {Worker}: it is still starting (importing the application) and cannot report yet",
        EventName = "SignalHeldBack")]
    public static partial void SignalHeldBack(ILogger logger, int signal, string worker);
}
