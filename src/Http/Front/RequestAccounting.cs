using System.Globalization;
using AkkaWsgi.Http.Hosting;
using AkkaWsgi.Http.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Http.Front;

/// <summary>
/// Counts every request the front answers, and with --access-log writes its line: the application's responses,
/// static files and refusals alike, since it sits in front of all of them.
/// </summary>
internal sealed class RequestAccounting(ServerCounters counters, TimeProvider time, ILogger? accessLog)
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var started = time.GetTimestamp();
        counters.RequestStarted();
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            counters.ResponseSent(context.Response.StatusCode);
            if (accessLog is not null)
            {
                LogAccess(accessLog, context, time.GetElapsedTime(started));
            }
        }
    }

    private void LogAccess(ILogger logger, HttpContext context, TimeSpan duration)
    {
        var request = context.Request;
        ServerLog.Access(logger,
            context.Connection.RemoteIpAddress?.ToString() ?? "-",
            time.GetUtcNow().ToString("dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture),
            $"{request.Method} {RequestTarget.Raw(context)} {request.Protocol}",
            context.Response.StatusCode,
            context.Response.ContentLength?.ToString(CultureInfo.InvariantCulture) ?? "-",
            request.Headers.Referer.ToString() is { Length: > 0 } referer ? referer : "-",
            request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent : "-",
            duration.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture));
    }
}
