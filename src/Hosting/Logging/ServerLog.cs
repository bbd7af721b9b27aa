using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Hosting.Logging;

/// <summary>Log messages of the server's start-up and shutdown.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(1000, LogLevel.Information, "ready on {Address} ({Python}, {Workers} {WorkerNoun}, application {Application})",
        EventName = "Ready")]
    private static partial void Ready(ILogger logger, string address, string python, int workers, string workerNoun, string application);

    public static void Ready(ILogger logger, string address, string python, int workers, string application) =>
        Ready(logger, address, python, workers, workers == 1 ? "worker" : "workers", application);

    [LoggerMessage(1001, LogLevel.Critical, "{Message}", EventName = "PythonUnavailable")]
    public static partial void PythonUnavailable(ILogger logger, string message);

    [LoggerMessage(1002, LogLevel.Critical, "{Traceback}", EventName = "ApplicationTraceback")]
    public static partial void ApplicationTraceback(ILogger logger, string traceback);

    [LoggerMessage(1003, LogLevel.Critical, "{Summary}", EventName = "ApplicationLoadFailed")]
    public static partial void ApplicationLoadFailed(ILogger logger, string summary);

    [LoggerMessage(1004, LogLevel.Information, "stopping: finishing in-flight requests (up to {Seconds} s)", EventName = "Stopping")]
    public static partial void Stopping(ILogger logger, double seconds);

    [LoggerMessage(1005, LogLevel.Warning,
        "interpreter workers are still running Python after the grace period and their stop timeout; exiting at once, " +
        "without the application's exit handlers", EventName = "WorkersStuckAtExit")]
    public static partial void WorkersStuckAtExit(ILogger logger);

    [LoggerMessage(1006, LogLevel.Information, "stopped", EventName = "Stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(1007, LogLevel.Critical, "cannot start: {Message}", EventName = "StartFailed")]
    private static partial void StartFailedLine(ILogger logger, string message);

    [LoggerMessage(1016, LogLevel.Debug, "where the start failed", EventName = "StartFailedDetail")]
    private static partial void StartFailedDetail(ILogger logger, Exception exception);

    /// <summary>
    /// One line saying why the server cannot start (a port in use, a bad --chdir: the operator's to fix); the .NET
    /// stack trace only at --log-level debug.
    /// </summary>
    public static void StartFailed(ILogger logger, string message, Exception exception)
    {
        StartFailedLine(logger, message);
        StartFailedDetail(logger, exception);
    }

    [LoggerMessage(1008, LogLevel.Information, "{Client} - - [{Time}] \"{RequestLine}\" {Status} {Bytes} \"{Referer}\" \"{UserAgent}\" {Seconds}",
        EventName = "Access")]
    public static partial void Access(ILogger logger, string client, string time, string requestLine, int status, string bytes,
        string referer, string userAgent, string seconds);

    [LoggerMessage(1015, LogLevel.Information,
        "{Method} {Path} {Status} {Bytes} {DurationSeconds} {ClientAddress} {UserAgent} {RequestId}", EventName = "AccessFields")]
    public static partial void AccessFields(ILogger logger, string method, string path, int status, long bytes, double durationSeconds,
        string clientAddress, string userAgent, string requestId);

    [LoggerMessage(1009, LogLevel.Warning, "SIGUSR1: what the {Count} workers are doing\n{Report}", EventName = "WorkerStacks")]
    public static partial void WorkerStacks(ILogger logger, int count, string report);

    [LoggerMessage(1010, LogLevel.Warning, "SIGUSR2 counters: {Counters}", EventName = "Counters")]
    public static partial void Counters(ILogger logger, string counters);

    [LoggerMessage(1014, LogLevel.Warning, "SIGUSR2 {Report}", EventName = "ClusterReport")]
    public static partial void ClusterReport(ILogger logger, string report);

    [LoggerMessage(1011, LogLevel.Error, "could not build the diagnostics report", EventName = "DiagnosticsFailed")]
    public static partial void DiagnosticsFailed(ILogger logger, Exception exception);

    [LoggerMessage(1012, LogLevel.Information, "{Count} background job(s): {Jobs}", EventName = "BackgroundJobs")]
    public static partial void BackgroundJobs(ILogger logger, int count, string jobs);

    [LoggerMessage(1013, LogLevel.Warning, "access log: {Lost} lines dropped because the output did not keep up ({Total} in all)",
        EventName = "AccessLinesDropped")]
    public static partial void AccessLinesDropped(ILogger logger, long lost, long total);

    [LoggerMessage(1017, LogLevel.Error,
        "{Method} {Target}: answered 500: {Reason} (make the directory, or TMPDIR, writable with room to spare, or raise --buffer-size)",
        EventName = "RequestBodySpillFailed")]
    public static partial void RequestBodySpillFailed(ILogger logger, string method, string target, string reason);

    // Debug, as Kestrel logs the malformed requests it refuses: a client decides how often this happens, and the
    // access log already has a line with the status.
    [LoggerMessage(1018, LogLevel.Debug, "{Method} {Target}: answered {StatusCode}: {Reason}", EventName = "RequestBodyRefused")]
    public static partial void RequestBodyRefused(ILogger logger, string method, string target, int statusCode, string reason);

    [LoggerMessage(1019, LogLevel.Warning,
        "--status-socket {Address} can be reached from other machines: its pages show every client's address and the paths " +
        "they request, and its metrics the application's traffic; give it 127.0.0.1, a private address or a unix: path, " +
        "or keep it behind a firewall", EventName = "StatusSocketPublic")]
    public static partial void StatusSocketPublic(ILogger logger, string address);

    // Debug, as for a refused body: open-proxy scanners send CONNECT to every server they find.
    [LoggerMessage(1020, LogLevel.Debug, "CONNECT {Target}: answered 501: this server is not a proxy and opens no tunnels", EventName = "ConnectRefused")]
    public static partial void ConnectRefused(ILogger logger, string target);

    [LoggerMessage(1021, LogLevel.Error, "{Request}: reading the file it sends failed, so the response is cut short: {Problem}", EventName = "FileSendFailed")]
    public static partial void FileSendFailed(ILogger logger, string request, string problem);
}
