using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace AkkaWsgi.Hosting.Front.Static;

/// <summary>
/// Chooses the static map for a request (longest prefix), refuses traversal with 404, picks a precompressed sibling,
/// and hands the request to that map's framework static file middleware; anything it does not serve goes on to
/// the application with its path as it was.
/// </summary>
/// <remarks>
/// Maps are matched against the path as sent, percent-decoded: the same path the application sees as PATH_INFO.
/// Kestrel's Request.Path has already removed dot segments (<c>/static/../secret</c> arrives as <c>/secret</c>), so
/// a traversal attempt would otherwise escape the map unnoticed and reach the application under a path it never
/// asked for.
/// </remarks>
internal sealed class StaticMapMiddleware(RequestDelegate next, IReadOnlyList<StaticSite> sites, IContentTypeProvider contentTypes,
    ILogger logger)
{
    private const int StackDecodeLimit = 512;

    public Task InvokeAsync(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var path = PathAsSent(target, context.Request.Path);
        var site = FindLongest(path);
        if (site is null)
        {
            return next(context);
        }

        var subpath = path[site.Mapping.Prefix.Length..];
        if (StaticPath.IsTraversal(subpath))
        {
            StaticLog.TraversalRefused(logger, context.Request.Method, target ?? path);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        var request = context.Request;
        var choice = PrecompressedChoice.None;
        if ((HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && site.Files.GetFileInfo(subpath).Exists)
        {
            var accepted = StringWithQualityHeaderValue.TryParseList(request.Headers.AcceptEncoding, out var list) ? list : [];
            choice = PrecompressedSiblings.Choose(site.Files, subpath, accepted);
        }

        var contentType = choice.Coding is null ? null : ContentTypeOf(subpath);
        var original = request.Path;
        context.Features.Set(new StaticSelection(original, choice, contentType));
        request.Path = new PathString(site.Mapping.Prefix + subpath + choice.Suffix);
        return ServeAsync(site, context, original, logger);
    }

    /// <summary>The end of every map's branch: what the static file middleware passed on goes to the application.</summary>
    public static RequestDelegate FallThrough(RequestDelegate next) => context =>
    {
        if (context.Features.Get<StaticSelection>() is { } selection)
        {
            context.Request.Path = selection.OriginalPath;
            context.Features.Set<StaticSelection>(null);
        }

        return next(context);
    };

    /// <summary>
    /// The static file middleware's last word on the headers, for 200, 206 and 304 alike: caching, and for a
    /// sibling its coding and the content type of the file it stands for.
    /// </summary>
    public static void PrepareResponse(StaticFileResponseContext file, string cacheControl)
    {
        var response = file.Context.Response;
        response.Headers.CacheControl = cacheControl;
        if (file.Context.Features.Get<StaticSelection>() is not { } selection)
        {
            return;
        }

        if (selection.Choice.HasSiblings)
        {
            // RFC 9110 12.5.5: the representation depends on Accept-Encoding, so shared caches must key on it.
            response.Headers.Append(HeaderNames.Vary, HeaderNames.AcceptEncoding);
        }

        if (selection.Choice.Coding is { } coding && response.StatusCode < StatusCodes.Status400BadRequest)
        {
            response.Headers.ContentEncoding = coding;
            response.ContentType = selection.ContentType;
        }
    }

    // What runs after this middleware returns (hosting diagnostics, the middleware before it) sees the path it gave.
    private static async Task ServeAsync(StaticSite site, HttpContext context, PathString original, ILogger logger)
    {
        try
        {
            await site.Serve(context).ConfigureAwait(false);
        }
        catch (UnauthorizedAccessException e) when (!context.Response.HasStarted)
        {
            // The file exists but this process may not read it: usually a deploy that left it to another user than
            // --uid. Said as what it is, once per request, not as the application's unhandled exception.
            StaticLog.Unreadable(logger, context.Request.Method, original.Value ?? "/", e.Message);
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
        }
        finally
        {
            context.Request.Path = original;
        }
    }

    private static string PathAsSent(string? target, PathString fallback)
    {
        if (string.IsNullOrEmpty(target))
        {
            return fallback.Value ?? "/";
        }

        RequestTarget.Split(target, out var path, out _);
        if (!path.Contains('%', StringComparison.Ordinal))
        {
            return path;
        }

        var size = RequestTarget.MaxDecodedLength(path);
        Span<byte> bytes = size <= StackDecodeLimit ? stackalloc byte[size] : new byte[size];
        var length = RequestTarget.Decode(path, bytes);
        return Encoding.UTF8.GetString(bytes[..length]);
    }

    private StaticSite? FindLongest(string path)
    {
        StaticSite? best = null;
        foreach (var site in sites)
        {
            if (site.Mapping.Covers(path) && (best is null || site.Mapping.Prefix.Length > best.Mapping.Prefix.Length))
            {
                best = site;
            }
        }

        return best;
    }

    private string? ContentTypeOf(string subpath) =>
        contentTypes.TryGetContentType(subpath, out var type) ? type : StaticMapExtensions.DefaultContentType;
}
