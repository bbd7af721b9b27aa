namespace AkkaWsgi.Actors.Cluster;

/// <summary>How this process joins a cluster of server processes: where it listens, whom it contacts, how it proves itself.</summary>
public sealed record ClusterSettings
{
    /// <summary>The name of every node's actor system; a node only joins nodes of the same name.</summary>
    public const string SystemName = "akkawsgi";

    /// <summary>This node's cluster endpoint.</summary>
    public required ClusterEndpoint Listen { get; init; }

    /// <summary>Nodes to contact when joining; a node that is the first of its own list may start the cluster alone.</summary>
    public required IReadOnlyList<ClusterEndpoint> Seeds { get; init; }

    /// <summary>Mutual TLS between nodes; the certificate comes with the actor system's setup (<see cref="ClusterTls"/>).</summary>
    public bool Tls { get; init; }

    /// <summary>
    /// Cron and timer jobs run on the oldest node only (a cluster singleton), rather than where this process's
    /// supervisor says.
    /// </summary>
    public bool CronOnOldestNode { get; init; } = true;

    /// <summary>
    /// The nodes are the worker processes of one machine and their supervisor, which removes a worker from the cluster
    /// when its process exits, and whose workers stop when it does. No node is removed because its heartbeats are late:
    /// on one machine that only means the machine or a process stalled (swapping, a hypervisor, a burst of load), and
    /// every node on it will answer again.
    /// </summary>
    public bool OneMachine { get; init; }

    /// <summary>
    /// Log members joining and leaving; off for the worker processes of one machine, whose comings and goings the
    /// supervisor already logs (unreachable nodes, and nodes removed for being unreachable, are logged either way).
    /// </summary>
    public bool AnnounceMembers { get; init; } = true;

    /// <summary>How long an unreachable node of several machines has to come back before the split-brain resolver removes it.</summary>
    public static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(7);

    /// <summary>How long heartbeats may pause on one machine before a node is reported unreachable.</summary>
    public static readonly TimeSpan OneMachineHeartbeatPause = TimeSpan.FromSeconds(10);

    /// <summary>A node of the cluster that a supervisor's worker processes form on loopback (<see cref="OneMachine"/>).</summary>
    public static ClusterSettings ForOneMachine(int port, IEnumerable<int> seeds) => new()
    {
        Listen = new ClusterEndpoint("127.0.0.1", port),
        Seeds = [.. seeds.Select(p => new ClusterEndpoint("127.0.0.1", p))],
        OneMachine = true,
        // The supervisor names the one process that runs cron, and logs the workers' comings and goings itself.
        CronOnOldestNode = false,
        AnnounceMembers = false,
    };
}
