using Akka.Actor;

namespace AkkaWsgi.Actors.Cluster;

/// <summary>
/// Where the front's block list and the cluster's copy of it meet: the front shares the blocks its applications ask
/// for, and hears of the blocks asked for on other nodes.
/// </summary>
public sealed class ClusterBlockBridge
{
    private IActorRef replicator = ActorRefs.Nobody;

    /// <summary>Called with each block that reached this node from the cluster: the client's key and the block's end.</summary>
    public Action<string, DateTimeOffset>? Received { get; set; }

    /// <summary>Shares a block asked for on this node with every node (a no-op until the cluster is up).</summary>
    public void Share(string client, DateTimeOffset until) => replicator.Tell(new ShareBlock(client, until));

    internal void Attach(IActorRef actor) => replicator = actor;
}

/// <summary>A block to share with the other nodes: <paramref name="Client"/> is refused until <paramref name="Until"/>.</summary>
public sealed record ShareBlock(string Client, DateTimeOffset Until);
