using AkkaWsgi.Hosting.Front.Body;
using AkkaWsgi.Hosting.Logging;
using AkkaWsgi.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AkkaWsgi.Hosting.Front;

/// <summary>
/// Counts every request the front answers, and with --access-log writes its line: the application's responses,
/// static files and refusals alike, since it sits in front of all of them.
/// </summary>
internal sealed class RequestAccounting(ServerCounters counters, TimeProvider time, AccessLogStream? accessLog, ServerMetrics? metrics = null)
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var started = time.GetTimestamp();
        counters.RequestStarted();
        // The body is counted only for the access log: a streamed response has no Content-Length to log instead.
        var body = accessLog is null ? null : CountBody(context);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            counters.ResponseSent(context.Response.StatusCode);
            metrics?.RequestFinished(context.Request.Method, context.Response.StatusCode, time.GetElapsedTime(started));
            if (accessLog is not null)
            {
                accessLog.Post(Entry(context, body!.Length, time.GetElapsedTime(started)));
            }
        }
    }

    private static CountingPipeWriter CountBody(HttpContext context)
    {
        var original = context.Features.Get<IHttpResponseBodyFeature>()!;
        var counted = new ObservedBodyFeature<CountingPipeWriter>(original, new CountingPipeWriter(original.Writer));
        context.Features.Set<IHttpResponseBodyFeature>(counted);
        return counted.Observer;
    }

    private AccessEntry Entry(HttpContext context, long bytes, TimeSpan duration)
    {
        var request = context.Request;
        return new AccessEntry(
            request.Method,
            request.PathBase.Add(request.Path).ToString(),
            context.TraceIdentifier,
            context.Connection.RemoteIpAddress?.ToString() ?? "-",
            time.GetUtcNow(),
            $"{request.Method} {RequestTarget.Raw(context)} {request.Protocol}",
            context.Response.StatusCode,
            bytes,
            request.Headers.Referer.ToString() is { Length: > 0 } referer ? referer : "-",
            request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent : "-",
            duration);
    }
}
