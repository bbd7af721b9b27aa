using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Hosting;
using AkkaWsgi.Actors.Cluster;
using AkkaWsgi.Actors.Dispatch;
using AkkaWsgi.Actors.Hosting;
using AkkaWsgi.Hosting.Logging;
using AkkaWsgi.Hosting.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Http.Hosting;

/// <summary>
/// --status-socket: a listener of its own (never the public one) serving /metrics (Prometheus text, by OpenTelemetry's
/// exporter), /status (a page that redraws itself from /status.json every second) and /status.json (what every worker runs now, the queue, parking, the page cache, the cluster); anything
/// else there is 404, and nothing of it is reachable on the public listeners.
/// </summary>
/// <remarks>
/// With several worker processes all of them accept on the status listener; the one a client reaches reads every
/// process's own status from its private socket (<see cref="StatusPeers"/>) and answers for all of them.
/// </remarks>
internal static class StatusListener
{
    private const string MarkKey = "akkawsgi.status";
    private const string Public = "public";
    private const string Peer = "peer";
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(2);
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Says so, once at start, when the status listener is reachable from beyond this machine's private network.</summary>
    public static void WarnIfPublic(string? statusSocket, ILogger logger)
    {
        if (statusSocket is not null && !ListenAddress.Parse(statusSocket).IsPrivate)
        {
            ServerLog.StatusSocketPublic(logger, statusSocket);
        }
    }

    /// <summary>Marks the connections a listener accepts as status connections.</summary>
    public static void Configure(ListenOptions listen) => Mark(listen, Public);

    /// <summary>Marks the connections of this process's private status socket: they get this process's status alone.</summary>
    public static void ConfigurePeer(ListenOptions listen) => Mark(listen, Peer);

    private static void Mark(ListenOptions listen, string kind) => listen.Use(next => connection =>
    {
        connection.Items[MarkKey] = kind;
        return next(connection);
    });

    /// <summary>Answers status connections before anything else of the pipeline sees them.</summary>
    /// <param name="peers">Set with several worker processes: the public listener then answers for all of them.</param>
    /// <param name="clusterNodes">This process is a node of a --cluster-listen cluster: /status.json shows every node.</param>
    public static void Use(WebApplication web, StatusPeers? peers, bool clusterNodes) => web.MapWhen(IsStatus, branch =>
    {
        if (peers is not null)
        {
            var gatherer = new StatusGatherer(peers);
            web.Lifetime.ApplicationStopped.Register(gatherer.Dispose);
            branch.Use((context, next) => IsPublic(context) ? GatherAsync(context, gatherer, next) : next(context));
        }

        branch.UseOpenTelemetryPrometheusScrapingEndpoint();
        branch.Run(context => context.Request.Path.Value switch
        {
            "/status.json" => WriteStatusAsync(context, clusterNodes),
            "/status" or "/" => WritePageAsync(context),
            _ => NotFound(context),
        });
    });

    private static bool IsStatus(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(MarkKey) == true;

    private static bool IsPublic(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items[MarkKey] as string == Public;

    private static async Task GatherAsync(HttpContext context, StatusGatherer gatherer, RequestDelegate next)
    {
        switch (context.Request.Path.Value)
        {
            case "/metrics":
                var metrics = await gatherer.MetricsAsync(context.RequestAborted).ConfigureAwait(false);
                context.Response.ContentType = "text/plain; charset=utf-8; version=0.0.4";
                await context.Response.WriteAsync(metrics, context.RequestAborted).ConfigureAwait(false);
                break;
            case "/status.json":
                var status = await gatherer.StatusAsync(context.RequestAborted).ConfigureAwait(false);
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(status.ToJsonString(Json), context.RequestAborted).ConfigureAwait(false);
                break;
            default:
                await next(context).ConfigureAwait(false); // the page, which reads /status.json, and 404s
                break;
        }
    }

    private static async Task WritePageAsync(HttpContext context)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        await using var page = typeof(StatusListener).Assembly.GetManifestResourceStream("status.html")!;
        await page.CopyToAsync(context.Response.Body).ConfigureAwait(false);
    }

    private static Task NotFound(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    private static async Task WriteStatusAsync(HttpContext context, bool clusterNodes)
    {
        var services = context.RequestServices;
        var status = await LocalAsync(services).ConfigureAwait(false);
        if (clusterNodes)
        {
            status["nodes"] = await ClusterStatus.GatherAsync(services.GetRequiredService<ActorSystem>(), AskTimeout).ConfigureAwait(false);
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(status.ToJsonString(Json)).ConfigureAwait(false);
    }

    /// <summary>This process's status, as /status.json gives it and as other nodes ask for it.</summary>
    public static async Task<JsonObject> LocalAsync(IServiceProvider services)
    {
        var server = services.GetRequiredService<WsgiServer>();
        var registry = services.GetRequiredService<ActorRegistry>();
        var dispatcher = registry.Get<DispatcherActor>();
        var stats = await dispatcher.Ask<DispatcherStats>(GetDispatcherStats.Instance, AskTimeout).ConfigureAwait(false);
        var activity = await dispatcher.Ask<List<WorkerActivity>>(GetWorkerActivity.Instance, AskTimeout).ConfigureAwait(false);
        var cluster = await registry.Get<ServerGuardian>().Ask<ClusterReport>(GetClusterReport.Instance, AskTimeout).ConfigureAwait(false);
        var application = server.Python.Application;
        var status = new
        {
            application = $"{application.Module}:{application.CallableName}",
            python = server.Python.Runtime.Version.ToString(),
            process = Environment.ProcessId,
            workers = activity.Select(w => new
            {
                name = w.Worker,
                request = w.Description,
                client = w.Request?.Client?.ToString(),
                running_seconds = w.Request is null ? (double?)null : Math.Round(w.RanFor.TotalSeconds, 3),
            }),
            queue = new { waiting = stats.Queued, busy = stats.Busy, workers = stats.Workers, stuck = stats.Stuck },
            totals = new
            {
                requests = server.Counters.Requests,
                responses_5xx = server.Counters.Responses(5),
                timeouts = stats.TimedOut,
                rejected = stats.Rejected,
                expired_in_queue = stats.ExpiredInQueue,
            },
            parked = new { now = server.Parking.Parked, woken = server.Parking.Woken, timed_out = server.Parking.TimedOut },
            page_cache = new { hits = server.PageCache.Hits, misses = server.PageCache.Misses, bytes = server.PageCache.Bytes },
            blocked = new { clients = server.Blocks.Count, refused = server.Blocks.RefusedTotal },
            cluster = cluster.Lines,
        };
        return JsonSerializer.SerializeToNode(status)!.AsObject();
    }
}
