using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;

namespace AkkaWsgi.Actors.Cluster;

/// <summary>
/// Publishes this node's page-cache invalidations to every node, and hands those published (by any node, this one
/// included) to this node's page cache.
/// </summary>
/// <remarks>
/// The node that served the unsafe request has already dropped its own pages before answering; hearing its own
/// message again costs at most one extra miss. Pub-sub's delivery is what remoting gives: at most once, in order per
/// pair of nodes, within a round trip on a healthy cluster.
/// </remarks>
public sealed class CacheInvalidationRelay : ReceiveActor
{
    private readonly ClusterCacheBridge bridge;
    private readonly IActorRef mediator;

    public CacheInvalidationRelay(ClusterCacheBridge bridge)
    {
        this.bridge = bridge;
        mediator = DistributedPubSub.Get(Context.System).Mediator;
        Receive<ShareCacheInvalidation>(share => mediator.Tell(new Publish(CacheInvalidation.Topic, new CacheInvalidation(share.Urls))));
        Receive<CacheInvalidation>(invalidation =>
        {
            foreach (var url in invalidation.Urls)
            {
                bridge.Received?.Invoke(url);
            }
        });
        Receive<SubscribeAck>(_ => { });
    }

    /// <summary>Creates the relay's props.</summary>
    public static Props Props(ClusterCacheBridge bridge) => Akka.Actor.Props.Create(() => new CacheInvalidationRelay(bridge));

    protected override void PreStart()
    {
        mediator.Tell(new Subscribe(CacheInvalidation.Topic, Self));
        bridge.Attach(Self);
    }

    protected override void PostStop() => bridge.Attach(ActorRefs.Nobody);
}
