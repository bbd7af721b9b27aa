using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace AkkaWsgi.Hosting.Front.Cache;

/// <summary>
/// Whether a cached page answers a conditional GET or HEAD with 304 Not Modified (RFC 9110 13.1.2, 13.1.3, 13.2.2),
/// judged by the validators the application sent (ETag, Last-Modified): a browser revalidating a page the cache holds
/// then gets no body, and the application is not called either way.
/// </summary>
internal static class ConditionalRequest
{
    /// <summary>The headers a 304 carries from the page (RFC 9110 15.4.5), and Last-Modified as nginx sends it.</summary>
    public static readonly string[] NotModifiedHeaders =
    [
        HeaderNames.CacheControl, HeaderNames.ContentLocation, HeaderNames.ETag, HeaderNames.Expires, HeaderNames.Vary,
        HeaderNames.LastModified,
    ];

    public static bool IsNotModified(HttpRequest request, CachedPage page)
    {
        if (page.StatusCode != StatusCodes.Status200OK || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)))
        {
            return false;
        }

        var headers = request.GetTypedHeaders();
        // If-None-Match, when present, decides alone: If-Modified-Since is then ignored (RFC 9110 13.1.3).
        if (request.Headers.IfNoneMatch.Count > 0)
        {
            if (Header(page, HeaderNames.ETag) is not { } etagText || !EntityTagHeaderValue.TryParse(etagText, out var etag))
            {
                return false;
            }

            // Weak comparison (RFC 9110 8.8.3.2): "W/" prefixes do not matter for If-None-Match.
            return headers.IfNoneMatch.Any(candidate => candidate.Equals(EntityTagHeaderValue.Any) || candidate.Compare(etag, useStrongComparison: false));
        }

        return headers.IfModifiedSince is { } since &&
            Header(page, HeaderNames.LastModified) is { } modifiedText &&
            HeaderUtilities.TryParseDate(modifiedText, out var modified) &&
            modified <= since;
    }

    private static string? Header(CachedPage page, string name)
    {
        foreach (var (key, value) in page.Headers)
        {
            if (key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }
}
