using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace AkkaWsgi.Hosting.Front.Cache;

/// <summary>Which requests may be answered from the cache, and which responses may be kept in it, for how long.</summary>
/// <remarks>
/// Deliberately narrower than a shared cache under RFC 9111: the application opts in with <c>max-age</c>, and
/// anything that may be personal (a request with credentials, a response setting a cookie or marked private) or
/// transient (errors, redirects other than the permanent one, partial content) is never kept.
/// </remarks>
internal static class CachePolicy
{
    /// <summary>The largest body kept; larger responses still go out, uncached, so one big download cannot flush the cache.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>
    /// True when <paramref name="request"/> may be answered from the cache and its response stored: GET, HEAD or
    /// OPTIONS without credentials and without a body.
    /// </summary>
    public static bool IsCacheable(HttpRequest request)
    {
        // RFC 9111 3.5: a shared cache must not reuse a response to a request with Authorization for another request.
        return (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)) &&
            !request.Headers.ContainsKey(HeaderNames.Authorization) &&
            request.ContentLength is null or 0 &&
            !request.Headers.ContainsKey(HeaderNames.TransferEncoding);
    }

    /// <summary>
    /// True when <paramref name="request"/>'s method is not safe (RFC 9110 9.2.1: anything but GET, HEAD, OPTIONS and
    /// TRACE, unknown methods included): once it succeeds, the pages stored for its URL may be stale (RFC 9111 4.4).
    /// </summary>
    public static bool Invalidates(HttpRequest request) =>
        !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) ||
          HttpMethods.IsTrace(request.Method));

    /// <summary>
    /// How long a response may be kept: min(its <c>s-maxage</c> or else its <c>max-age</c>, <paramref name="maxAge"/>), or
    /// null when it must not be kept at all.
    /// </summary>
    /// <remarks>
    /// <para>
    /// This cache is shared by every client, so <c>s-maxage</c> wins over <c>max-age</c> (RFC 9111 5.2.2.10): a site
    /// sending <c>max-age=0, s-maxage=600</c> has browsers revalidate while shared caches keep the page, and one sending
    /// <c>max-age=3600, s-maxage=0</c> lets only the browser keep it.
    /// </para>
    /// <para>
    /// Only 200, 301 and 404 are kept: they are the statuses RFC 9110 15.1 makes heuristically cacheable that a page
    /// cache meets in practice, and all three say the same thing about the URL every time. A 302 or 307 is often
    /// state-dependent (a login redirect), and 5xx or 429 describe the server's moment, not the page.
    /// </para>
    /// </remarks>
    public static TimeSpan? Lifetime(int statusCode, IHeaderDictionary headers, TimeSpan maxAge)
    {
        if (statusCode is not (StatusCodes.Status200OK or StatusCodes.Status301MovedPermanently or StatusCodes.Status404NotFound) ||
            headers.ContainsKey(HeaderNames.SetCookie) ||
            VaryNames(headers) is null)
        {
            return null;
        }

        var cacheControl = headers.CacheControl;
        if (cacheControl.Count == 0 ||
            !CacheControlHeaderValue.TryParse(string.Join(",", cacheControl.ToArray()), out var parsed) ||
            parsed.Private || parsed.NoStore || parsed.NoCache ||
            (parsed.SharedMaxAge ?? parsed.MaxAge) is not { } given || given <= TimeSpan.Zero)
        {
            return null;
        }

        return given < maxAge ? given : maxAge;
    }

    /// <summary>The request headers a response's <c>Vary</c> names (lower-cased, without duplicates), or null for <c>Vary: *</c>.</summary>
    public static IReadOnlyList<string>? VaryNames(IHeaderDictionary headers)
    {
        var names = new List<string>();
        foreach (var value in headers.Vary)
        {
            foreach (var name in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (name == "*")
                {
                    return null; // RFC 9110 12.5.5: varies on something outside the request; never matches.
                }

                var lower = name.ToLowerInvariant();
                if (!names.Contains(lower))
                {
                    names.Add(lower);
                }
            }
        }

        return names;
    }
}
