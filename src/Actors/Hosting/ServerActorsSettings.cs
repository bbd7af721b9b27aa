using Akka.Actor;
using AkkaWsgi.Actors.Cluster;
using AkkaWsgi.Actors.Dispatch;
using AkkaWsgi.Actors.Parking;
using AkkaWsgi.Python.Wsgi;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Actors.Hosting;

/// <summary>What the <see cref="ServerGuardian"/> needs to create the server's actors.</summary>
public sealed record ServerActorsSettings
{
    /// <summary>How many interpreter workers (--workers).</summary>
    public required int Workers { get; init; }

    /// <summary>The props of interpreter worker number <c>index</c>, reporting to <c>dispatcher</c>.</summary>
    public required Func<IActorRef, int, Props> WorkerProps { get; init; }

    /// <summary>The dispatcher's queue policy.</summary>
    public required IQueuePolicy Queue { get; init; }

    /// <summary>The dispatcher's options.</summary>
    public required DispatcherOptions Dispatcher { get; init; }

    /// <summary>Counters and the --max-parked reservation shared with the front.</summary>
    public required ParkingStats Parking { get; init; }

    /// <summary>The application's cron and timer jobs.</summary>
    public IReadOnlyList<BackgroundJob> BackgroundJobs { get; init; } = [];

    /// <summary>The time zone cron schedules are read in.</summary>
    public TimeZoneInfo CronZone { get; init; } = TimeZoneInfo.Local;

    /// <summary>Elapsed times and wall-clock time; scheduled messages go through Akka's scheduler.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Where the actors log.</summary>
    public required ILoggerFactory LoggerFactory { get; init; }

    /// <summary>Called when interpreter workers are still running Python after the stop timeout (Python must not be finalised).</summary>
    public Action? OnInterpretersStuck { get; init; }

    /// <summary>The cluster this process is a node of; null when it serves alone (nothing of the cluster is started).</summary>
    public ClusterSettings? Cluster { get; init; }

    /// <summary>Where the front's block list and the cluster's copy meet; used only with <see cref="Cluster"/>.</summary>
    public ClusterBlockBridge? ClusterBlocks { get; init; }

    /// <summary>Where the front's page cache and the cluster meet; used only with <see cref="Cluster"/>.</summary>
    public ClusterCacheBridge? ClusterCache { get; init; }

    /// <summary>Called once when the server can no longer serve (an essential actor is gone, or every worker).</summary>
    public Action<string>? OnFatal { get; init; }
}
