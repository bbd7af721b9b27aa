using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Cluster.Tools.Singleton;
using AkkaWsgi.Actors.Background;
using AkkaWsgi.Actors.Cluster;
using AkkaWsgi.Actors.Dispatch;
using AkkaWsgi.Actors.Parking;
using AkkaWsgi.Actors.Watchdog;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Actors.Hosting;

/// <summary>
/// The parent of the server's actors: the watchdog, the dispatcher, the interpreter workers, the parking lot and, once
/// this process is told to run them, the background jobs; in a cluster also the membership log, the block replicator and
/// the cron singleton's manager. It applies <see cref="ServerSupervision"/> to them and watches
/// them: without the dispatcher, the parking lot, the watchdog or any interpreter the server cannot serve, and it says
/// so through <see cref="ServerActorsSettings.OnFatal"/>.
/// </summary>
/// <remarks>One subtree, so that a host's own actor system can carry the server beside its own actors.</remarks>
public sealed class ServerGuardian : ReceiveActor
{
    private readonly ServerActorsSettings settings;
    private readonly ILogger logger;
    private readonly ServerActors actors;
    private readonly HashSet<IActorRef> interpreters;
    private readonly List<IActorRef> stopWaiters = [];
    private readonly IActorRef? membership;
    private bool backgroundStarted;
    private IActorRef? backgroundJobs;
    private bool stopping;
    private bool fatalReported;

    public ServerGuardian(ServerActorsSettings settings)
    {
        this.settings = settings;
        logger = settings.LoggerFactory.CreateLogger("akkawsgi.actors");
        var watchdog = Context.ActorOf(WatchdogActor.Props(settings.LoggerFactory.CreateLogger("akkawsgi.watchdog")), "watchdog");
        var dispatcher = Context.ActorOf(
            DispatcherActor.Props(settings.Queue, settings.Dispatcher, watchdog, settings.Time, settings.LoggerFactory.CreateLogger("akkawsgi.dispatcher")),
            "dispatcher");
        var workers = Enumerable.Range(0, settings.Workers)
            .Select(i => Context.ActorOf(settings.WorkerProps(dispatcher, i), $"python-worker-{i}"))
            .ToList();
        var mediator = settings.Cluster is null ? null : DistributedPubSub.Get(Context.System).Mediator;
        var parkingLot = Context.ActorOf(ParkingLot.Props(settings.Parking, mediator), "parking-lot");
        if (settings.Cluster is { } cluster)
        {
            membership = Context.ActorOf(ClusterMembership.Props(cluster, settings.LoggerFactory.CreateLogger("akkawsgi.cluster")), "cluster-membership");
            if (settings.ClusterBlocks is { } blocks)
            {
                Context.ActorOf(BlockReplicator.Props(blocks, settings.Time, settings.LoggerFactory.CreateLogger("akkawsgi.cluster")), "block-replicator");
            }

            if (settings.ClusterCache is { } cache)
            {
                Context.ActorOf(CacheInvalidationRelay.Props(cache), "cache-invalidation-relay");
            }

            if (cluster.CronOnOldestNode && settings.BackgroundJobs.Count > 0)
            {
                // The same path on every node: the managers find each other there and agree on the oldest.
                Context.ActorOf(
                    ClusterSingletonManager.Props(CronLeader.Props(Self, settings.LoggerFactory.CreateLogger("akkawsgi.cluster")),
                        PoisonPill.Instance, ClusterSingletonManagerSettings.Create(Context.System)),
                    "cron-leader");
            }
        }

        actors = new ServerActors(dispatcher, parkingLot, watchdog, workers);
        interpreters = [.. workers];
        foreach (var child in workers.Append(dispatcher).Append(parkingLot).Append(watchdog))
        {
            Context.Watch(child);
        }

        Receive<GetServerActors>(_ => Sender.Tell(actors));
        Receive<GetClusterReport>(ask =>
        {
            if (membership is null)
            {
                Sender.Tell(new ClusterReport([]));
            }
            else
            {
                membership.Forward(ask);
            }
        });
        Receive<StartBackgroundJobs>(_ => StartBackground());
        Receive<StopInterpreters>(_ => StopWorkers());
        Receive<Terminated>(OnChildTerminated);
    }

    /// <summary>Creates the guardian's props.</summary>
    public static Props Props(ServerActorsSettings settings) => Akka.Actor.Props.Create(() => new ServerGuardian(settings));

    protected override SupervisorStrategy SupervisorStrategy() => ServerSupervision.Strategy();

    protected override void PostStop() => stopping = true;

    private void StartBackground()
    {
        if (backgroundStarted || settings.BackgroundJobs.Count == 0)
        {
            return;
        }

        backgroundStarted = true;
        backgroundJobs = Context.ActorOf(
            BackgroundJobsActor.Props(settings.BackgroundJobs, actors.Dispatcher, settings.CronZone, settings.Time,
                settings.LoggerFactory.CreateLogger("akkawsgi.background")),
            "background-jobs");
    }

    private void StopWorkers()
    {
        stopping = true;
        stopWaiters.Add(Sender);

        // Its timers would go on handing runs to a dispatcher without workers, each run never ending and every later
        // one reported as skipped, for as long as the rest of the stop takes (leaving the cluster: seconds).
        if (backgroundJobs is not null)
        {
            Context.Stop(backgroundJobs);
        }

        foreach (var worker in interpreters)
        {
            // Handled after the request a worker is running, if any: a worker never stops in the middle of one.
            Context.Stop(worker);
        }

        ReplyIfStopped();
    }

    private void ReplyIfStopped()
    {
        if (interpreters.Count > 0)
        {
            return;
        }

        foreach (var waiter in stopWaiters)
        {
            waiter.Tell(InterpretersStopped.Instance);
        }

        stopWaiters.Clear();
    }

    private void OnChildTerminated(Terminated terminated)
    {
        if (stopping)
        {
            interpreters.Remove(terminated.ActorRef);
            ReplyIfStopped();
            return;
        }

        var name = terminated.ActorRef.Path.Name;
        if (interpreters.Remove(terminated.ActorRef))
        {
            ActorsLog.InterpreterGone(logger, name, interpreters.Count);
            if (interpreters.Count > 0)
            {
                return;
            }
        }

        if (!fatalReported)
        {
            fatalReported = true;
            var reason = interpreters.Count == 0 && name.StartsWith("python-worker-", StringComparison.Ordinal)
                ? "no interpreter worker is left"
                : $"the server's {name} actor stopped";
            ActorsLog.Fatal(logger, reason);
            settings.OnFatal?.Invoke(reason);
        }
    }
}
