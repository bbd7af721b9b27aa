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
    /// The oldest node removes itself when it finds itself alone against the rest (so a crashed oldest node does not
    /// stop all the others); off where the oldest node is one that must outlive the rest (a supervisor).
    /// </summary>
    public bool DownOldestIfAlone { get; init; } = true;

    /// <summary>
    /// Log members joining and leaving; off for the worker processes of one machine, whose comings and goings the
    /// supervisor already logs (unreachable and removed nodes are logged either way).
    /// </summary>
    public bool AnnounceMembers { get; init; } = true;

    /// <summary>How long an unreachable node has to come back before the split-brain resolver removes it.</summary>
    public TimeSpan StableAfter { get; init; } = TimeSpan.FromSeconds(7);
}
