using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace AkkaWsgi.Hosting.Front.Cache;

/// <summary>Builds the request a background refresh sends down the pipeline in place of a client.</summary>
internal static class RefreshRequest
{
    // A refresh must get the full page: a 304 or 206 answering the client's validators or range would not be stored.
    private static readonly string[] Omitted =
    [
        HeaderNames.IfNoneMatch, HeaderNames.IfModifiedSince, HeaderNames.IfMatch, HeaderNames.IfUnmodifiedSince,
        HeaderNames.Range, HeaderNames.IfRange,
    ];

    /// <summary>
    /// A copy of <paramref name="original"/> (target, headers, scheme, addresses) as a <paramref name="method"/>
    /// request whose response goes nowhere but the cache. Built before the original's context is recycled.
    /// </summary>
    public static DefaultHttpContext Create(HttpContext original, string method)
    {
        var source = original.Request;
        var context = new DefaultHttpContext();
        var request = context.Features.Get<IHttpRequestFeature>()!;
        request.Method = method;
        request.Scheme = source.Scheme;
        request.Protocol = source.Protocol;
        request.PathBase = source.PathBase.Value ?? "";
        request.Path = source.Path.Value ?? "";
        request.QueryString = source.QueryString.Value ?? "";
        request.RawTarget = original.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path + request.QueryString;
        foreach (var (name, values) in source.Headers)
        {
            if (!Omitted.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                context.Request.Headers[name] = values;
            }
        }

        var connection = original.Connection;
        context.Connection.RemoteIpAddress = connection.RemoteIpAddress;
        context.Connection.RemotePort = connection.RemotePort;
        context.Connection.LocalIpAddress = connection.LocalIpAddress;
        context.Connection.LocalPort = connection.LocalPort;
        context.Features.Set<IHttpRequestLifetimeFeature>(new RefreshLifetimeFeature());
        return context;
    }
}
