namespace AkkaWsgi.Actors.Dispatch;

/// <summary>First come, first served; when full, the newest request is turned away.</summary>
public sealed class FifoQueuePolicy : IQueuePolicy
{
    private readonly LinkedList<IRequestJob> jobs = new();

    public int Count => jobs.Count;

    public void Enqueue(IRequestJob job) => jobs.AddLast(job);

    public IRequestJob? TakeNext(int busyWorkers) => Take(jobs.First);

    public IRequestJob? TakeLowest() => Take(jobs.Last);

    public void Started(IRequestJob job)
    {
    }

    public void Finished(IRequestJob job)
    {
    }

    private IRequestJob? Take(LinkedListNode<IRequestJob>? node)
    {
        if (node is null)
        {
            return null;
        }

        jobs.Remove(node);
        return node.Value;
    }
}
