using Akka.Actor;

namespace AkkaWsgi.Actors.Cluster;

/// <summary>
/// Where the front's page cache and the cluster meet: the front shares the URLs it dropped pages of, and hears of the
/// URLs other nodes dropped.
/// </summary>
public sealed class ClusterCacheBridge
{
    private IActorRef relay = ActorRefs.Nobody;

    /// <summary>Called with each URL whose pages some node found stale, this node's own included.</summary>
    public Action<string>? Received { get; set; }

    /// <summary>Tells every node that the pages of <paramref name="urls"/> are stale (a no-op until the cluster is up).</summary>
    public void Share(IReadOnlyList<string> urls) => relay.Tell(new ShareCacheInvalidation(urls));

    internal void Attach(IActorRef actor) => relay = actor;
}

/// <summary>URLs whose pages this node found stale, for the relay to publish to every node.</summary>
public sealed record ShareCacheInvalidation(IReadOnlyList<string> Urls);
