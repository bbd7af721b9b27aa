namespace AkkaWsgi.Actors.Dispatch.Priority;

/// <summary>One client's counts in <see cref="PriorityQueuePolicy"/>; the penalty is as of <see cref="Since"/>.</summary>
internal sealed class ClientCounts
{
    public int Running { get; set; }

    public long Penalty { get; set; }

    public long Since { get; set; }

    /// <summary>Dropped from the policy's table: a lane holding these counts must look the client up again.</summary>
    public bool Dropped { get; set; }
}
