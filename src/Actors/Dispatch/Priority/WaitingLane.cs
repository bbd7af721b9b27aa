namespace AkkaWsgi.Actors.Dispatch.Priority;

/// <summary>
/// The waiting requests that always share a priority: one client's (or the exempt clients') requests with the same
/// fixed terms, oldest first. A take then scores each lane once instead of every request.
/// </summary>
internal sealed class WaitingLane
{
    private (IRequestJob Job, long Arrival)[] items = new (IRequestJob, long)[4];
    private int head;

    /// <summary>The client whose requests these are; null for the exempt clients, who have no client terms.</summary>
    public ClientKey? Client { get; private set; }

    /// <summary>The terms worked out on arrival (<see cref="PriorityQueuePolicy"/>), the same for every request here.</summary>
    public long Fixed { get; private set; }

    /// <summary>The client's counts as last looked up; looked up again once they have been dropped from the table.</summary>
    public ClientCounts? Counts { get; set; }

    /// <summary>Where this lane is in the policy's list, so that it leaves the list without a search.</summary>
    public int Index { get; set; }

    public int Count { get; private set; }

    /// <summary>When the oldest request arrived, as the policy counts arrivals.</summary>
    public long OldestArrival => items[head].Arrival;

    /// <summary>When the newest request arrived, as the policy counts arrivals.</summary>
    public long NewestArrival => items[Slot(Count - 1)].Arrival;

    /// <summary>Makes an empty lane (a new one or one that emptied) the lane of other requests.</summary>
    public void Open(ClientKey? client, long fixedPriority, int index)
    {
        Client = client;
        Fixed = fixedPriority;
        Index = index;
        Counts = null;
    }

    public void Add(IRequestJob job, long arrival)
    {
        if (Count == items.Length)
        {
            var grown = new (IRequestJob, long)[items.Length * 2];
            for (var i = 0; i < Count; i++)
            {
                grown[i] = items[Slot(i)];
            }

            items = grown;
            head = 0;
        }

        items[Slot(Count)] = (job, arrival);
        Count++;
    }

    public IRequestJob TakeOldest()
    {
        var job = items[head].Job;
        items[head] = default;
        head = (head + 1) % items.Length;
        Count--;
        return job;
    }

    public IRequestJob TakeNewest()
    {
        var slot = Slot(Count - 1);
        var job = items[slot].Job;
        items[slot] = default;
        Count--;
        return job;
    }

    private int Slot(int offset) => (head + offset) % items.Length;
}
