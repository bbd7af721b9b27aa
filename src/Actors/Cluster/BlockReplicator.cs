using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Actors.Cluster;

/// <summary>
/// Keeps the blocked clients in the cluster's replicated data, a last-writer-wins map from client to the block's end
/// (Unix milliseconds), and hands every block that appears there to this node's block list.
/// </summary>
/// <remarks>
/// A block is written to a majority of nodes at once, so the others hear of it in one round trip rather than at the
/// next gossip; a node that joins later gets the whole map. Ended blocks are pruned by whichever node notices them,
/// so the map holds only blocks still running.
/// </remarks>
public sealed class BlockReplicator : ReceiveActor, IWithTimers
{
    private static readonly LWWDictionaryKey<string, long> Key = new("akkawsgi-blocks");
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan PruneInterval = TimeSpan.FromSeconds(30);

    private readonly ClusterBlockBridge bridge;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly IActorRef replicator;
    private readonly UniqueAddress self;
    private readonly Dictionary<string, long> known = new(StringComparer.Ordinal);

    public BlockReplicator(ClusterBlockBridge bridge, TimeProvider time, ILogger logger)
    {
        this.bridge = bridge;
        this.time = time;
        this.logger = logger;
        replicator = DistributedData.Get(Context.System).Replicator;
        self = Akka.Cluster.Cluster.Get(Context.System).SelfUniqueAddress;

        Receive<ShareBlock>(Share);
        Receive<Changed>(changed => Apply(changed.Get(Key)));
        Receive<Prune>(_ => PruneEnded());
        Receive<UpdateSuccess>(_ => { });
        Receive<UpdateTimeout>(_ => { }); // written locally all the same; gossip carries it to the rest
        Receive<IUpdateFailure>(failure => ClusterLog.BlockShareFailed(logger, "(unknown)", failure.ToString() ?? "update failed"));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Creates the replicator's props.</summary>
    public static Props Props(ClusterBlockBridge bridge, TimeProvider time, ILogger logger) =>
        Akka.Actor.Props.Create(() => new BlockReplicator(bridge, time, logger));

    protected override void PreStart()
    {
        replicator.Tell(Dsl.Subscribe(Key, Self));
        bridge.Attach(Self);
        Timers.StartPeriodicTimer("prune", Prune.Instance, PruneInterval);
    }

    protected override void PostStop()
    {
        bridge.Attach(ActorRefs.Nobody);
        replicator.Tell(Dsl.Unsubscribe(Key, Self));
    }

    private void Share(ShareBlock block)
    {
        var until = block.Until.ToUnixTimeMilliseconds();
        if (known.TryGetValue(block.Client, out var current) && current >= until)
        {
            return;
        }

        known[block.Client] = until;
        replicator.Tell(Dsl.Update(Key, LWWDictionary<string, long>.Empty, new WriteMajority(WriteTimeout), map =>
            map.TryGetValue(block.Client, out var existing) && existing >= until ? map : map.SetItem(self, block.Client, until)));
    }

    private void Apply(LWWDictionary<string, long> map)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var (client, until) in map.Entries)
        {
            if (until <= now || (known.TryGetValue(client, out var current) && current >= until))
            {
                continue;
            }

            known[client] = until;
            bridge.Received?.Invoke(client, DateTimeOffset.FromUnixTimeMilliseconds(until));
        }
    }

    private void PruneEnded()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var client in known.Where(k => k.Value <= now).Select(k => k.Key).ToList())
        {
            known.Remove(client);
        }

        replicator.Tell(Dsl.Update(Key, LWWDictionary<string, long>.Empty, WriteLocal.Instance, map =>
        {
            foreach (var (client, until) in map.Entries.Where(e => e.Value <= now).ToList())
            {
                map = map.Remove(self, client);
            }

            return map;
        }));
    }

    private sealed record Prune
    {
        public static readonly Prune Instance = new();
    }
}
