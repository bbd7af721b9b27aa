namespace AkkaWsgi.Actors.Cluster;

/// <summary>Asks a node's <see cref="NodeStatusResponder"/> for its status.</summary>
public sealed record GetNodeStatus
{
    public static readonly GetNodeStatus Instance = new();
}

/// <summary>A node's status, as its own /status.json would give it.</summary>
public sealed record NodeStatus(string Json)
{
    /// <summary>Far more than a node's status takes; a larger one from another node is refused.</summary>
    public const int MaxBytes = 4 * 1024 * 1024;
}
