using System.Globalization;
using System.Text;

namespace AkkaWsgi.Actors.Cluster;

/// <summary>The HOCON that makes the server's actor system a cluster node.</summary>
/// <remarks>
/// Between machines, split brains are resolved by keeping the side with the oldest node (<c>keep-oldest</c>, with
/// <c>down-if-alone</c>): the oldest node also runs the cron singleton, so the side that keeps running cron is the side
/// that keeps running at all, and a crashed node (the oldest included, once it is alone) is removed without stopping
/// the others. A node that finds itself removed stops, and its supervisor or service manager starts it again as a
/// fresh member. The worker processes of one machine are never removed on suspicion (<see cref="ClusterSettings.OneMachine"/>).
/// <para>
/// Serialisation is closed: the server's own messages have a serializer of their own, Akka's cluster messages theirs,
/// and anything else is refused on both sides instead of falling back to polymorphic JSON.
/// </para>
/// </remarks>
public static class ClusterConfig
{
    /// <summary>The serializer id of the server's cluster messages (Akka reserves 0–100).</summary>
    public const int SerializerId = 4711;

    /// <summary>On in the cluster of one machine's worker processes, whose exits their supervisor sees and reports.</summary>
    public const string OneMachineKey = "akkawsgi.one-machine-cluster";

    public static string Hocon(ClusterSettings settings)
    {
        var seeds = string.Join(", ", settings.Seeds.Select(s => Quote(s.AkkaAddress(ClusterSettings.SystemName, settings.Tls))));
        var serializer = typeof(ClusterMessageSerializer).AssemblyQualifiedName!;
        var refusing = typeof(RefusingSerializer).AssemblyQualifiedName!;
        var broadcast = typeof(ParkBroadcast).AssemblyQualifiedName!;
        var getStatus = typeof(GetNodeStatus).AssemblyQualifiedName!;
        var status = typeof(NodeStatus).AssemblyQualifiedName!;
        var invalidation = typeof(CacheInvalidation).AssemblyQualifiedName!;
        var builder = new StringBuilder();
        builder.Append(CultureInfo.InvariantCulture, $$"""
            {{OneMachineKey}} = {{(settings.OneMachine ? "on" : "off")}}
            akka {
              # Every node runs the pub-sub mediator and the replicator, so that none of them talks to a missing peer.
              extensions = [
                "Akka.Cluster.Tools.PublishSubscribe.DistributedPubSubExtensionProvider, Akka.Cluster.Tools",
                "Akka.DistributedData.DistributedDataProvider, Akka.DistributedData"
              ]
              actor {
                provider = cluster
                serializers {
                  akkawsgi = {{Quote(serializer)}}
                  json = {{Quote(refusing)}}
                }
                serialization-bindings {
                  {{Quote(broadcast)}} = akkawsgi
                  {{Quote(getStatus)}} = akkawsgi
                  {{Quote(status)}} = akkawsgi
                  {{Quote(invalidation)}} = akkawsgi
                }
                serialization-identifiers {
                  {{Quote(serializer)}} = {{SerializerId}}
                  {{Quote(refusing)}} = 1
                }
                serialization-settings.allow-unregistered-types = false
              }
              remote {
                log-remote-lifecycle-events = off
                dot-netty.tcp {
                  hostname = {{Quote(settings.Listen.Host)}}
                  port = {{settings.Listen.Port}}
                  enable-ssl = {{(settings.Tls ? "on" : "off")}}
                }
              }
              cluster {
                seed-nodes = [{{seeds}}]
                log-info = off
                {{Downing(settings)}}
                run-coordinated-shutdown-when-down = on
                pub-sub.gossip-interval = 500ms
                distributed-data.gossip-interval = 500ms
              }
            }
            """);
        return builder.ToString();
    }

    private static string Downing(ClusterSettings settings) => settings.OneMachine
        // An empty provider is Akka's "no downing": only the supervisor downs a node, when its process has exited.
        ? $$"""
            downing-provider-class = ""
                failure-detector.acceptable-heartbeat-pause = {{(long)ClusterSettings.OneMachineHeartbeatPause.TotalMilliseconds}}ms
            """
        : $$"""
            downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                split-brain-resolver {
                  active-strategy = keep-oldest
                  stable-after = {{(long)ClusterSettings.StableAfter.TotalMilliseconds}}ms
                  keep-oldest.down-if-alone = on
                  # Reachability that keeps changing can leave each side deciding from a different view; downing
                  # every node then (each restarts as a new member) is a brief pause, two cron runners are not.
                  down-all-when-unstable = on
                }
            """;

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
