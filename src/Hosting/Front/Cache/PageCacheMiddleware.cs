using System.Globalization;
using AkkaWsgi.Hosting.Front.Blocking;
using AkkaWsgi.Hosting.Front.Body;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace AkkaWsgi.Hosting.Front.Cache;

/// <summary>
/// <c>--max-age</c>: answers repeated GET, HEAD and OPTIONS requests from <see cref="PageCache"/> without Python,
/// keeps the responses the application marked cacheable, and refreshes a page in the background once it is past
/// half its lifetime, so that a popular page never expires into a burst of identical requests.
/// </summary>
internal sealed class PageCacheMiddleware(PageCache cache, TimeSpan maxAge, ILogger logger)
{
    // Framing and headers Kestrel writes itself: sent again from the stored copy they would be doubled or wrong.
    private static readonly string[] Unstored =
    [
        HeaderNames.TransferEncoding, HeaderNames.Date, HeaderNames.Server, HeaderNames.Age, HeaderNames.Connection,
        HeaderNames.KeepAlive,
    ];

    /// <summary>The middleware: a hit is answered here, a miss goes on with its response copied.</summary>
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (!CachePolicy.IsCacheable(context.Request))
        {
            return CachePolicy.Invalidates(context.Request) ? PassAndInvalidateAsync(context, next) : next(context);
        }

        if (Find(context.Request) is { } page)
        {
            cache.RecordHit();
            var age = cache.Age(page);
            if (age >= page.Lifetime / 2 && page.TryClaimRefresh())
            {
                StartRefresh(context, next, page);
            }

            return ServeAsync(context, page, age);
        }

        cache.RecordMiss();
        return PassAndStoreAsync(context, next);
    }

    /// <summary>Runs the rest of the pipeline with the response body copied, then stores the response if it may be kept.</summary>
    public async Task PassAndStoreAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var features = context.Features;
        var original = features.Get<IHttpResponseBodyFeature>()!;
        var capture = new ObservedBodyFeature<CapturePipeWriter>(original, new CapturePipeWriter(original.Writer, CachePolicy.MaxBodyBytes));
        features.Set<IHttpResponseBodyFeature>(capture);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            features.Set(original);
        }

        if (context.RequestAborted.IsCancellationRequested || features.Get<IHttpRequestLifetimeFeature>() is RefreshLifetimeFeature { IsAborted: true })
        {
            return; // the body may be cut short
        }

        if (Page(context, capture.Observer) is { } page)
        {
            cache.Store(page);
        }
    }

    /// <summary>
    /// Runs a request with an unsafe method (a POST, PUT, DELETE, ...) and, if it did not fail, drops the pages stored
    /// for its URL (RFC 9111 4.4), and for the URL its <c>Location</c> or <c>Content-Location</c> names on this site,
    /// so that the page a form posts to, or redirects to after a post, is not served as it was before.
    /// </summary>
    /// <remarks>
    /// The pages go as the response starts, before the client can read it and ask again; a response that never
    /// starts (the client went away) is looked at once the request is over.
    /// </remarks>
    private async Task PassAndInvalidateAsync(HttpContext context, RequestDelegate next)
    {
        context.Response.OnStarting(static state =>
        {
            var (middleware, context) = ((PageCacheMiddleware, HttpContext))state;
            middleware.DropStale(context);
            return Task.CompletedTask;
        }, (this, context));
        await next(context).ConfigureAwait(false);
        if (!context.Response.HasStarted)
        {
            DropStale(context);
        }
    }

    private void DropStale(HttpContext context)
    {
        var response = context.Response;
        if (response.StatusCode >= StatusCodes.Status400BadRequest)
        {
            return;
        }

        var request = context.Request;
        var origin = Origin(request);
        var own = origin + RequestTarget.Raw(context);
        List<string> stale = [own];
        foreach (var header in (ReadOnlySpan<string>)[HeaderNames.Location, HeaderNames.ContentLocation])
        {
            if (SameSiteUrl(origin, own, response.Headers[header].ToString()) is { } named)
            {
                stale.Add(named);
            }
        }

        foreach (var url in stale)
        {
            Invalidate(request, url);
        }

        cache.Shared?.Invoke(stale);
    }

    private void Invalidate(HttpRequest request, string url)
    {
        if (cache.Invalidate(url) is > 0 and var count)
        {
            CacheLog.Invalidated(logger, request.Method, RequestTarget.Raw(request.HttpContext), request.HttpContext.Response.StatusCode, count, url);
        }
    }

    /// <summary>
    /// The URL, as pages are stored under, that <paramref name="reference"/> (a Location or Content-Location of the
    /// response to <paramref name="url"/>) names if it is on <paramref name="origin"/>, the request's own scheme and
    /// host; null for another site (RFC 9111 4.4 forbids invalidating those).
    /// </summary>
    private static string? SameSiteUrl(string origin, string url, string reference)
    {
        // A fragment never reaches the server, so no page is stored under one.
        reference = reference.Split('#', 2)[0];
        if (reference.Length == 0)
        {
            return null;
        }

        // The usual form, a path on this site, is kept as written, as the key keeps the target as the client sends it.
        if (reference[0] == '/' && (reference.Length == 1 || reference[1] != '/'))
        {
            return origin + reference;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var target) ||
            !Uri.TryCreate(target, reference, out var resolved) ||
            !string.Equals(resolved.Scheme, target.Scheme, StringComparison.OrdinalIgnoreCase) ||
            !string.Equals(resolved.Host, target.Host, StringComparison.OrdinalIgnoreCase) ||
            resolved.Port != target.Port)
        {
            return null;
        }

        return origin + resolved.GetComponents(UriComponents.PathAndQuery, UriFormat.UriEscaped);
    }

    private static string Origin(HttpRequest request) => $"{request.Scheme}://{RequestTarget.Host(request)}";

    private static string Url(HttpRequest request) => Origin(request) + RequestTarget.Raw(request.HttpContext);

    private static string KeyFor(HttpRequest request, string method) => PageCache.Key(method, Url(request));

    private CachedPage? Find(HttpRequest request)
    {
        if (HttpMethods.IsHead(request.Method))
        {
            // A GET's entry answers HEAD too, without its body (RFC 9110 9.3.2).
            return cache.Find(KeyFor(request, HttpMethods.Get), request) ?? cache.Find(KeyFor(request, HttpMethods.Head), request);
        }

        return cache.Find(KeyFor(request, HttpMethods.IsGet(request.Method) ? HttpMethods.Get : HttpMethods.Options), request);
    }

    private CachedPage? Page(HttpContext context, CapturePipeWriter body)
    {
        var request = context.Request;
        var response = context.Response;
        var method = HttpMethods.IsHead(request.Method) ? HttpMethods.Head : HttpMethods.IsGet(request.Method) ? HttpMethods.Get : HttpMethods.Options;
        var hasBody = method != HttpMethods.Head;
        if (CachePolicy.Lifetime(response.StatusCode, response.Headers, maxAge) is not { } lifetime ||
            context.Items.ContainsKey(BlockDirective.ItemsKey) ||
            body.Overflowed ||
            (hasBody && response.ContentLength is { } length && length != body.Length))
        {
            return null;
        }

        var cookieNames = context.Items.TryGetValue(VaryCookiesDirective.ItemsKey, out var listed) && listed is string names
            ? VaryCookiesDirective.ParseNames(names)
            : null;
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in response.Headers)
        {
            if (Unstored.Contains(name, StringComparer.OrdinalIgnoreCase) ||
                (hasBody && name.Equals(HeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            foreach (var value in values)
            {
                headers.Add(new(name, value ?? ""));
            }
        }

        return new CachedPage(KeyFor(request, method), method, CacheVariant.For(request, CachePolicy.VaryNames(response.Headers)!, cookieNames),
            response.StatusCode, context.Features.Get<IHttpResponseFeature>()?.ReasonPhrase, headers,
            hasBody ? body.Captured.ToArray() : ReadOnlyMemory<byte>.Empty, cache.Time.GetTimestamp(), lifetime);
    }

    private static async Task ServeAsync(HttpContext context, CachedPage page, TimeSpan age)
    {
        var response = context.Response;
        // RFC 9111 5.1: seconds since the response was generated, as a whole number.
        var ageHeader = ((long)age.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        if (ConditionalRequest.IsNotModified(context.Request, page))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            foreach (var (name, value) in page.Headers.Where(h => ConditionalRequest.NotModifiedHeaders.Contains(h.Key, StringComparer.OrdinalIgnoreCase)))
            {
                HeaderAppend.Add(response.Headers, name, value);
            }

            response.Headers.Age = ageHeader;
            return;
        }

        response.StatusCode = page.StatusCode;
        if (page.ReasonPhrase is { } reason)
        {
            context.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = reason;
        }

        foreach (var (name, value) in page.Headers)
        {
            HeaderAppend.Add(response.Headers, name, value);
        }

        response.Headers.Age = ageHeader;
        if (!page.HasBody)
        {
            return;
        }

        response.ContentLength = page.Body.Length;
        if (!HttpMethods.IsHead(context.Request.Method) && page.Body.Length > 0)
        {
            await response.BodyWriter.WriteAsync(page.Body).ConfigureAwait(false);
        }
    }

    private void StartRefresh(HttpContext context, RequestDelegate next, CachedPage page)
    {
        var refresh = RefreshRequest.Create(context, page.Method);
        var description = $"{page.Method} {RequestTarget.Raw(refresh)}";
        _ = Task.Run(async () =>
        {
            try
            {
                await PassAndStoreAsync(refresh, next).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // nobody awaits a refresh: a failure is logged, and the old page serves until it expires
            catch (Exception e)
#pragma warning restore CA1031
            {
                CacheLog.RefreshFailed(logger, description, e);
            }
        });
    }
}
