namespace AkkaWsgi.Actors.Dispatch;

/// <summary>First come, first served.</summary>
public sealed class FifoQueuePolicy : IQueuePolicy
{
    private readonly Queue<IRequestJob> jobs = new();

    public int Count => jobs.Count;

    public void Enqueue(IRequestJob job) => jobs.Enqueue(job);

    public IRequestJob? TakeNext() => jobs.TryDequeue(out var job) ? job : null;
}
