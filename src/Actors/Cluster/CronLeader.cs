using Akka.Actor;
using AkkaWsgi.Actors.Hosting;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Actors.Cluster;

/// <summary>
/// The cluster singleton that stands for "cron runs here": it lives on the oldest node only, and starting it starts
/// that node's background jobs. When its node leaves or is removed, the next oldest node starts its own.
/// </summary>
/// <remarks>
/// A node's jobs stop with the node (leaving the cluster is part of its shutdown), so two nodes never run them at once
/// in normal operation; a network split is settled by the split-brain resolver (<see cref="ClusterConfig"/>), whose
/// losing side stops.
/// </remarks>
public sealed class CronLeader(IActorRef guardian, ILogger logger) : UntypedActor
{
    /// <summary>Creates the singleton's props.</summary>
    public static Props Props(IActorRef guardian, ILogger logger) => Akka.Actor.Props.Create(() => new CronLeader(guardian, logger));

    protected override void PreStart()
    {
        ClusterLog.CronHere(logger);
        guardian.Tell(StartBackgroundJobs.Instance);
    }

    protected override void OnReceive(object message) => Unhandled(message);
}
