using Akka.Hosting;
using AkkaWsgi.Actors.Dispatch;
using AkkaWsgi.Actors.Parking;
using AkkaWsgi.Hosting.Front;
using AkkaWsgi.Hosting.Front.Blocking;
using AkkaWsgi.Hosting.Front.Cache;
using AkkaWsgi.Hosting.Front.Static;
using AkkaWsgi.Hosting.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Hosting;

/// <summary>Mounts the WSGI application in the host's request pipeline.</summary>
public static class AkkaWsgiEndpointExtensions
{
    /// <summary>
    /// Serves the application under <paramref name="prefix"/> ("/legacy", or "/" for everything): the prefix becomes its
    /// SCRIPT_NAME and the rest of the path its PATH_INFO; requests outside it never reach Python, and a request the
    /// host's own endpoints match stays theirs. The server's front (forwarded headers from trusted proxies, blocks,
    /// static maps, the page cache, parking) runs for the requests it gets; the host's middleware before this call
    /// runs around it.
    /// </summary>
    public static IApplicationBuilder MapWsgi(this IApplicationBuilder app, string prefix = "/")
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(prefix);
        if (!prefix.StartsWith('/'))
        {
            throw new ArgumentException($"akkawsgi: the prefix '{prefix}' must start with '/'", nameof(prefix));
        }

        prefix = prefix.TrimEnd('/');
        return prefix.Length == 0
            ? app.MapWhen(context => context.GetEndpoint() is null, Pipeline)
            : app.Map(prefix, branch => branch.MapWhen(context => context.GetEndpoint() is null, Pipeline));
    }

    private static void Pipeline(IApplicationBuilder branch)
    {
        var services = branch.ApplicationServices;
        var server = services.GetRequiredService<WsgiServer>();
        var options = server.Options;
        var dispatcher = services.GetRequiredService<IRequiredActor<DispatcherActor>>();
        var endpoint = server.Endpoint(dispatcher, services.GetRequiredService<IRequiredActor<ParkingLot>>());
        server.Metrics ??= new ServerMetrics(server, dispatcher);
        branch.Use(new ForwardedHeader(TrustedProxies.Networks(options.TrustedProxies)).InvokeAsync);
        // Only requests that carry the headers go through the framework's handling: it costs allocations on every
        // request it sees, and changes nothing on one without them.
        branch.UseWhen(ForwardedHeader.IsForwarded, forwarded => forwarded.UseForwardedHeaders(TrustedProxies.Options(options.TrustedProxies)));
        branch.Use(new RequestAccounting(server.Counters, server.Time, server.AccessLog, server.Metrics).InvokeAsync);
        branch.Use(new BlockGate(server.Blocks, server.Time).InvokeAsync);
        branch.UseStaticMaps(options.StaticMaps.Select(StaticMapping.Parse).ToList(), options.StaticMaxAge, server.Counters.StaticServed);
        if (options.MaxAge > 0)
        {
            var cacheLogger = server.LoggerFactory.CreateLogger("akkawsgi.cache");
            CacheLog.Enabled(cacheLogger, options.MaxAge, options.CacheSize);
            branch.Use(new PageCacheMiddleware(server.PageCache, TimeSpan.FromSeconds(options.MaxAge), cacheLogger).InvokeAsync);
        }

        branch.Run(endpoint.HandleAsync);
    }
}
