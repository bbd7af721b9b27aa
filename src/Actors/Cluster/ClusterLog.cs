using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Actors.Cluster;

/// <summary>Log messages about the cluster: its members coming and going, and which node runs cron.</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(1600, LogLevel.Information, "cluster: this node ({Node}) is up; nodes up: {Members}", EventName = "ClusterSelfUp")]
    public static partial void SelfUp(ILogger logger, string node, int members);

    [LoggerMessage(1601, LogLevel.Information, "cluster: node {Node} joined; nodes up: {Members}", EventName = "ClusterNodeJoined")]
    public static partial void Joined(ILogger logger, string node, int members);

    [LoggerMessage(1602, LogLevel.Information, "cluster: node {Node} left; nodes up: {Members}", EventName = "ClusterNodeLeft")]
    public static partial void Left(ILogger logger, string node, int members);

    [LoggerMessage(1603, LogLevel.Warning,
        "cluster: node {Node} is unreachable (no heartbeat); it will be removed if it does not answer within {Seconds} s", EventName = "ClusterNodeUnreachable")]
    public static partial void Unreachable(ILogger logger, string node, double seconds);

    [LoggerMessage(1611, LogLevel.Warning,
        "cluster: node {Node} is unreachable (no heartbeat for {Seconds} s: this machine or that process is stalled); it stays a member for as long as its process runs",
        EventName = "ClusterNodeUnreachableOnThisMachine")]
    public static partial void UnreachableOnThisMachine(ILogger logger, string node, double seconds);

    [LoggerMessage(1612, LogLevel.Debug, "cluster: node {Node} was removed (its process exited); nodes up: {Members}", EventName = "ClusterNodeRemovedAfterExit")]
    public static partial void RemovedAfterExit(ILogger logger, string node, int members);

    [LoggerMessage(1610, LogLevel.Debug, "cluster: node {Node} is unreachable as it leaves ({Status}); it is being removed",
        EventName = "ClusterNodeUnreachableAsItLeaves")]
    public static partial void UnreachableAsItLeaves(ILogger logger, string node, string status);

    [LoggerMessage(1604, LogLevel.Information, "cluster: node {Node} is reachable again", EventName = "ClusterNodeReachable")]
    public static partial void Reachable(ILogger logger, string node);

    [LoggerMessage(1605, LogLevel.Warning, "cluster: node {Node} was removed (it stayed unreachable); nodes up: {Members}", EventName = "ClusterNodeDowned")]
    public static partial void Downed(ILogger logger, string node, int members);

    [LoggerMessage(1606, LogLevel.Error,
        "cluster: this node was removed from the cluster (unreachable from the others, or on the losing side of a network split); stopping, to start again as a new member",
        EventName = "ClusterSelfRemoved")]
    public static partial void SelfRemoved(ILogger logger);

    [LoggerMessage(1607, LogLevel.Information, "cluster: cron and timer jobs run on this node (the oldest in the cluster)", EventName = "ClusterCronHere")]
    public static partial void CronHere(ILogger logger);

    [LoggerMessage(1608, LogLevel.Information, "cluster: joining through {Seeds} as {Node}", EventName = "ClusterJoining")]
    public static partial void Joining(ILogger logger, string seeds, string node);

    [LoggerMessage(1609, LogLevel.Warning, "cluster: sharing the block of {Client} with the other nodes failed: {Reason}", EventName = "ClusterBlockShareFailed")]
    public static partial void BlockShareFailed(ILogger logger, string client, string reason);
}
