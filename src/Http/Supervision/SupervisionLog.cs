using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Http.Supervision;

/// <summary>Log messages of the supervisor process itself (its actor's are in SupervisorLog).</summary>
internal static partial class SupervisionLog
{
    [LoggerMessage(1500, LogLevel.Information,
        "ready on {Address} ({Processes} × {Workers} {WorkerNoun}, application {Application}, supervisor pid {ProcessId})",
        EventName = "SupervisorReady")]
    private static partial void Ready(ILogger logger, string address, string processes, int workers, string workerNoun, string application, int processId);

    /// <summary>The supervisor's ready line, with its processes counted in words ("1 worker process", "2 worker processes").</summary>
    public static void Ready(ILogger logger, string address, int processes, int workers, string application, int processId) =>
        Ready(logger, address, processes == 1 ? "1 worker process" : FormattableString.Invariant($"{processes} worker processes"),
            workers, workers == 1 ? "worker" : "workers", application, processId);

    [LoggerMessage(1501, LogLevel.Error, "cannot start {Worker}: {Message}", EventName = "LaunchFailed")]
    public static partial void LaunchFailed(ILogger logger, string worker, string message, Exception exception);

    [LoggerMessage(1502, LogLevel.Warning, "cannot send signal {Signal} to {Worker}: {Message}", EventName = "SignalFailed")]
    public static partial void SignalFailed(ILogger logger, int signal, string worker, string message);

    [LoggerMessage(1503, LogLevel.Information, "{Signal}: reloading the application in a new generation of workers", EventName = "ReloadRequested")]
    public static partial void ReloadRequested(ILogger logger, string signal);

    [LoggerMessage(1504, LogLevel.Information, "{Signal}: stopping every worker gracefully (up to {Seconds} s)", EventName = "StopRequested")]
    public static partial void StopRequested(ILogger logger, string signal, double seconds);

    [LoggerMessage(1505, LogLevel.Information, "stopped", EventName = "SupervisorStopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(1506, LogLevel.Information, "workers will run as user {User} (uid {UserId}, gid {GroupId})", EventName = "DroppingPrivileges")]
    public static partial void DroppingPrivileges(ILogger logger, string user, uint userId, uint groupId);

    [LoggerMessage(1507, LogLevel.Warning, "SIGHUP ignored: reloading needs the supervisor, which --no-supervisor turned off", EventName = "ReloadUnsupervised")]
    public static partial void ReloadUnsupervised(ILogger logger);

    [LoggerMessage(1508, LogLevel.Information, "worker ready ({Python}, {Workers} {WorkerNoun}, application {Application})", EventName = "WorkerReady")]
    private static partial void WorkerReady(ILogger logger, string python, int workers, string workerNoun, string application);

    public static void WorkerReady(ILogger logger, string python, int workers, string application) =>
        WorkerReady(logger, python, workers, workers == 1 ? "worker" : "workers", application);

    [LoggerMessage(1509, LogLevel.Warning, "asking to be replaced: {Reason}", EventName = "Retiring")]
    public static partial void Retiring(ILogger logger, string reason);

    [LoggerMessage(1510, LogLevel.Warning, "the supervisor is gone; stopping", EventName = "SupervisorGone")]
    public static partial void SupervisorGone(ILogger logger);

    [LoggerMessage(1511, LogLevel.Information, "running the application's cron and timer jobs in this worker", EventName = "Leading")]
    public static partial void Leading(ILogger logger);

    [LoggerMessage(1512, LogLevel.Warning, "connections are not balanced with the other worker processes: {Reason}", EventName = "Unbalanced")]
    public static partial void Unbalanced(ILogger logger, string reason);

    [LoggerMessage(1513, LogLevel.Warning,
        "--processes {Processes} is more than {PerCore} per core on this machine ({Cores}): each process holds its own Python " +
        "and workers in memory, so past a few per core they take turns for the CPU instead of serving more, and starting or " +
        "stopping them all is slow; an application that waits on I/O is served better by more --workers", EventName = "TooManyProcesses")]
    private static partial void TooManyProcesses(ILogger logger, int processes, int perCore, string cores);

    /// <summary>The warning for more processes than the cores can run side by side, with the cores counted in words.</summary>
    public static void TooManyProcesses(ILogger logger, int processes, int perCore, int cores) =>
        TooManyProcesses(logger, processes, perCore, cores == 1 ? "1 core" : FormattableString.Invariant($"{cores} cores"));
}
