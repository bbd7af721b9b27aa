using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace AkkaWsgi.Hosting.Front.Static;

/// <summary>Puts the <c>--static-map</c> directories in front of the application.</summary>
internal static class StaticMapExtensions
{
    /// <summary>Sent for files whose extension has no known type, as nginx's default_type does.</summary>
    public const string DefaultContentType = "application/octet-stream";

    /// <summary>
    /// Serves existing files under each map's prefix before the application, with the framework's static file
    /// middleware (Content-Type by extension, ETag and Last-Modified with 304, ranges, HEAD); adds
    /// <c>Cache-Control: public, max-age=<paramref name="maxAgeSeconds"/></c>. Missing files, and methods other than
    /// GET and HEAD, go on to the application. Does nothing without maps.
    /// </summary>
    /// <param name="served">Told of every file served, for the counters.</param>
    public static IApplicationBuilder UseStaticMaps(this IApplicationBuilder app, IReadOnlyList<StaticMapping> mappings, int maxAgeSeconds,
        Action? served = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(mappings);
        ArgumentOutOfRangeException.ThrowIfNegative(maxAgeSeconds);
        if (mappings.Count == 0)
        {
            return app;
        }

        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("akkawsgi.static");
        var contentTypes = new FileExtensionContentTypeProvider();
        var cacheControl = new CacheControlHeaderValue { Public = true, MaxAge = TimeSpan.FromSeconds(maxAgeSeconds) }.ToString();
        // Resolved once, at start-up: a directory that cannot be resolved stops the server instead of every request.
        var directories = mappings.Select(m => new ContainedFileProvider(m.Directory)).ToList();
        app.ApplicationServices.GetService<IHostApplicationLifetime>()?.ApplicationStopped.Register(() => directories.ForEach(d => d.Dispose()));
        for (var i = 0; i < mappings.Count; i++)
        {
            StaticLog.Mapped(logger, mappings[i].Prefix.Length == 0 ? "/" : mappings[i].Prefix, directories[i].Root);
        }

        return app.Use(next =>
        {
            var fallThrough = StaticMapMiddleware.FallThrough(next);
            var sites = mappings.Select((mapping, i) =>
            {
                var branch = app.New();
                branch.UseStaticFiles(new StaticFileOptions
                {
                    RequestPath = new PathString(mapping.Prefix),
                    FileProvider = directories[i],
                    ContentTypeProvider = contentTypes,
                    ServeUnknownFileTypes = true,
                    DefaultContentType = DefaultContentType,
                    OnPrepareResponse = file =>
                    {
                        StaticMapMiddleware.PrepareResponse(file, cacheControl);
                        served?.Invoke();
                    },
                });
                branch.Run(fallThrough);
                return new StaticSite(mapping, directories[i], branch.Build());
            }).ToList();
            return new StaticMapMiddleware(next, sites, contentTypes, logger).InvokeAsync;
        });
    }
}
