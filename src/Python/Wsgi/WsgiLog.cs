using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Python.Wsgi;

/// <summary>Log messages of the WSGI bridge.</summary>
internal static partial class WsgiLog
{
    [LoggerMessage(1, LogLevel.Error, "{Request} failed, answered 500: {Detail}", EventName = "ApplicationError")]
    public static partial void ApplicationError(ILogger logger, string request, string detail);

    [LoggerMessage(2, LogLevel.Error, "{Request} failed after the response started, which is cut short: {Detail}",
        EventName = "ResponseAborted")]
    public static partial void ResponseAborted(ILogger logger, string request, string detail);

    [LoggerMessage(3, LogLevel.Warning, "wsgi.errors: {Line}", EventName = "WsgiErrors")]
    public static partial void WsgiErrors(ILogger logger, string line);

    [LoggerMessage(12, LogLevel.Information, "{Stream}: {Line}", EventName = "ApplicationOutput")]
    public static partial void ApplicationOutput(ILogger logger, string stream, string line);

    [LoggerMessage(4, LogLevel.Debug, "{Request}: client went away during the response", EventName = "ClientGone")]
    public static partial void ClientGone(ILogger logger, string request);

    [LoggerMessage(5, LogLevel.Error, "{Request}: close() of the response iterable raised after the response was sent: {Detail}",
        EventName = "CloseFailed")]
    public static partial void CloseFailed(ILogger logger, string request, string detail);

    [LoggerMessage(6, LogLevel.Error, "{Request} ran for {Seconds:0.0} s, past the request timeout, and was interrupted; answered {Status}. Where it was:\n{Detail}",
        EventName = "RequestTimedOut")]
    public static partial void RequestTimedOut(ILogger logger, string request, double seconds, int status, string detail);

    [LoggerMessage(7, LogLevel.Error, "{Request} ran for {Seconds:0.0} s, past the request timeout, and was interrupted after its response started, which is cut short. Where it was:\n{Detail}",
        EventName = "StartedRequestTimedOut")]
    public static partial void StartedRequestTimedOut(ILogger logger, string request, double seconds, string detail);

    [LoggerMessage(8, LogLevel.Warning, "released {Count} logging lock(s) left held by the interrupted request", EventName = "LoggingLocksReleased")]
    public static partial void LoggingLocksReleased(ILogger logger, long count);

    [LoggerMessage(11, LogLevel.Warning,
        "{Request}: the application sent the hop-by-hop header '{Name}: {Value}', which is left out: the server manages the connection (PEP 3333). Said once for each header name",
        EventName = "HopByHopHeaderDropped")]
    public static partial void HopByHopHeaderDropped(ILogger logger, string request, string name, string value);

    [LoggerMessage(9, LogLevel.Error, "background job {Job} failed; it runs again at its next time:\n{Detail}", EventName = "BackgroundJobFailed")]
    public static partial void BackgroundJobFailed(ILogger logger, string job, string detail);

    [LoggerMessage(10, LogLevel.Error, "background job {Job} ran for {Seconds:0.0} s, past --background-timeout, and was interrupted. Where it was:\n{Detail}",
        EventName = "BackgroundJobTimedOut")]
    public static partial void BackgroundJobTimedOut(ILogger logger, string job, double seconds, string detail);
}
