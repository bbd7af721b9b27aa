using System.Buffers;

namespace AkkaWsgi.Actors.Dispatch.Priority;

/// <summary>Runs the waiting request with the highest priority first, scored as wsgo's scheduler scores it.</summary>
/// <remarks>
/// <para>
/// A request's priority is <see cref="BasePriority"/>, less <see cref="QueryPenalty"/> with a query string, less
/// <see cref="BotPenalty"/> for a crawler's User-Agent, less <see cref="RunningPenalty"/> for each request its client
/// has running, less its client's decaying recent-request penalty, plus the weight of the longest matching
/// <see cref="PriorityOptions.Prefixes"/> entry. The numbers match wsgo, whose flags this server accepts, so a site
/// moved from wsgo is scheduled as it was. Client terms and the bot term do not apply to exempt addresses
/// (<see cref="ClientKey.IsExempt"/>).
/// </para>
/// <para>
/// Priorities are recomputed on every take, because the client terms change while a request waits. They are the
/// same for all of one client's requests with the same fixed terms, which wait together in a <see cref="WaitingLane"/>
/// (the exempt clients share lanes): a take scores each lane once and takes the oldest request of the best, so it
/// costs the same however many requests of one kind wait, and nothing needs re-sorting when a client's counts move.
/// (A scan of every waiting request cost the thread holding the GIL about a microsecond per Django request with a
/// hundred waiting, the Python run in between having pushed the list out of its caches; docs/performance.md.)
/// </para>
/// <para>
/// Unlike wsgo, which counts a request as recent only once it starts, a request counts from its arrival, so a flood
/// that is still waiting already ranks low and is the first to be turned away when the queue is full. A request's
/// own arrival counts too: a lone request from a public address waits at 0, behind the server's own callers at 1000.
/// </para>
/// </remarks>
public sealed class PriorityQueuePolicy : IQueuePolicy
{
    /// <summary>Where every request starts; wsgo's value, which keeps a plain request clear of the idle-only line.</summary>
    internal const int BasePriority = 1000;

    /// <summary>Query strings mark searches and filters, usually the costly and the least cacheable pages.</summary>
    internal const int QueryPenalty = 500;

    /// <summary>Puts any crawler below <see cref="IdleOnlyAtOrBelow"/>: bots may wait, people may not.</summary>
    internal const int BotPenalty = 8000;

    /// <summary>Per request a client has running: with the idle-only line it caps one client at about five workers.</summary>
    internal const int RunningPenalty = 2000;

    /// <summary>Added to a client's recent-request penalty per request, so a client that keeps sending sinks.</summary>
    internal const int RecentPenalty = 1000;

    /// <summary>How fast the recent-request penalty fades: one request per second from a client costs nothing lasting.</summary>
    internal const int RecentDecayPerSecond = 1000;

    /// <summary>Requests scored at or below this run only on an otherwise idle server (wsgo's threshold).</summary>
    internal const int IdleOnlyAtOrBelow = -7000;

    // "http:" and "https:" catch the many crawlers that put their info URL in the User-Agent but no other marker.
    private static readonly SearchValues<string> BotMarkers = SearchValues.Create(
        ["facebook", "bot", "crawler", "spider", "index", "http:", "https:"],
        StringComparison.OrdinalIgnoreCase);

    // Quiet clients are forgotten in a sweep at most this often: a sweep walks the whole table, and penalties last
    // about a second, so sweeping more often would mostly find nothing to drop.
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    private readonly List<WaitingLane> lanes = [];
    private readonly Dictionary<(ClientKey? Client, long Fixed), WaitingLane> laneOf = [];
    private readonly Dictionary<ClientKey, ClientCounts> clients = [];
    private readonly PriorityPrefix[] prefixes;
    private readonly int maxTrackedClients;
    private readonly TimeProvider time;
    private long lastSweep;
    private long arrivals;
    private WaitingLane? spareLane;

    public PriorityQueuePolicy(PriorityOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        prefixes = [.. options.Prefixes];
        maxTrackedClients = options.MaxTrackedClients;
        this.time = time;
        lastSweep = time.GetTimestamp();
    }

    public int Count { get; private set; }

    /// <summary>How many clients have counts kept: those with requests running or a recent-request penalty left.</summary>
    public int TrackedClients => clients.Count;

    public void Enqueue(IRequestJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var now = time.GetTimestamp();
        SweepIfDue(now);
        var client = ClientKey.For(job.Info.Client);
        ClientCounts? counts = null;
        if (client is { } key)
        {
            counts = Track(key, now);
            counts.Penalty = PenaltyOf(counts, now) + RecentPenalty;
            counts.Since = now;
        }

        var fixedPriority = FixedPriority(job.Info, exempt: client is null);
        if (!laneOf.TryGetValue((client, fixedPriority), out var lane))
        {
            // The lane that emptied last is reused: a queue that keeps emptying would otherwise allocate one each time.
            lane = spareLane ?? new WaitingLane();
            spareLane = null;
            lane.Open(client, fixedPriority, lanes.Count);
            laneOf.Add((client, fixedPriority), lane);
            lanes.Add(lane);
        }

        lane.Counts = counts;
        lane.Add(job, arrivals++);
        Count++;
    }

    public IRequestJob? TakeNext(int busyWorkers)
    {
        var now = time.GetTimestamp();
        SweepIfDue(now);
        WaitingLane? best = null;
        var bestPriority = long.MinValue;
        foreach (var lane in lanes)
        {
            // Of equal priorities the earliest arrival is chosen.
            var priority = PriorityOf(lane, now);
            if (best is null || priority > bestPriority || (priority == bestPriority && lane.OldestArrival < best.OldestArrival))
            {
                best = lane;
                bestPriority = priority;
            }
        }

        // The best is below the line only when every waiting request is.
        if (best is null || (busyWorkers > 0 && bestPriority <= IdleOnlyAtOrBelow))
        {
            return null;
        }

        var job = best.TakeOldest();
        Left(best);
        return job;
    }

    public IRequestJob? TakeLowest()
    {
        var now = time.GetTimestamp();
        WaitingLane? lowest = null;
        var lowestPriority = long.MaxValue;
        foreach (var lane in lanes)
        {
            // Of equal priorities the newest is chosen, the one that has waited least.
            var priority = PriorityOf(lane, now);
            if (lowest is null || priority < lowestPriority || (priority == lowestPriority && lane.NewestArrival > lowest.NewestArrival))
            {
                lowest = lane;
                lowestPriority = priority;
            }
        }

        if (lowest is null)
        {
            return null;
        }

        var job = lowest.TakeNewest();
        Left(lowest);
        return job;
    }

    public void Started(IRequestJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (ClientKey.For(job.Info.Client) is { } key)
        {
            Track(key, time.GetTimestamp()).Running++;
        }
    }

    public void Finished(IRequestJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (ClientKey.For(job.Info.Client) is { } key && clients.TryGetValue(key, out var counts) && counts.Running > 0)
        {
            counts.Running--;
            if (IsQuiet(counts, time.GetTimestamp()))
            {
                Forget(key, counts);
            }
        }
    }

    /// <summary>The priority <paramref name="job"/> has now, queued or not; higher runs sooner.</summary>
    public int Priority(IRequestJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var client = ClientKey.For(job.Info.Client);
        var counts = client is { } key ? clients.GetValueOrDefault(key) : null;
        var priority = Score(FixedPriority(job.Info, exempt: client is null), counts, time.GetTimestamp());
        return (int)Math.Clamp(priority, int.MinValue, int.MaxValue);
    }

    /// <summary>The terms that cannot change while the request waits, worked out once when it arrives.</summary>
    private long FixedPriority(RequestInfo info, bool exempt)
    {
        long priority = BasePriority;
        if (info.HasQuery)
        {
            priority -= QueryPenalty;
        }

        if (!exempt && info.UserAgent is { } userAgent && userAgent.AsSpan().ContainsAny(BotMarkers))
        {
            priority -= BotPenalty;
        }

        var matched = -1;
        var weight = 0;
        foreach (var prefix in prefixes)
        {
            if (prefix.Prefix.Length >= matched && info.Path.StartsWith(prefix.Prefix, StringComparison.Ordinal))
            {
                matched = prefix.Prefix.Length;
                weight = prefix.Weight;
            }
        }

        return priority + weight;
    }

    private long PriorityOf(WaitingLane lane, long now)
    {
        // The client may have been forgotten (and perhaps tracked anew) since the lane last looked.
        if (lane.Client is { } key && (lane.Counts is null || lane.Counts.Dropped))
        {
            lane.Counts = clients.GetValueOrDefault(key);
        }

        return Score(lane.Fixed, lane.Counts, now);
    }

    /// <summary>The fixed terms less the client terms; a client without counts has none.</summary>
    private long Score(long fixedPriority, ClientCounts? counts, long now) =>
        counts is null ? fixedPriority : fixedPriority - ((long)RunningPenalty * counts.Running) - PenaltyOf(counts, now);

    /// <summary>The recent-request penalty left at <paramref name="now"/>: stored with its time, faded on reading.</summary>
    private long PenaltyOf(ClientCounts counts, long now)
    {
        var faded = time.GetElapsedTime(counts.Since, now).Ticks * RecentDecayPerSecond / TimeSpan.TicksPerSecond;
        return Math.Max(0, counts.Penalty - faded);
    }

    private bool IsQuiet(ClientCounts counts, long now) => counts.Running == 0 && PenaltyOf(counts, now) == 0;

    /// <summary>After a take from <paramref name="lane"/>: an empty lane leaves the list (the last one takes its place).</summary>
    private void Left(WaitingLane lane)
    {
        Count--;
        if (lane.Count > 0)
        {
            return;
        }

        var last = lanes[^1];
        lanes[lane.Index] = last;
        last.Index = lane.Index;
        lanes.RemoveAt(lanes.Count - 1);
        laneOf.Remove((lane.Client, lane.Fixed));
        spareLane = lane;
    }

    private ClientCounts Track(ClientKey key, long now)
    {
        if (!clients.TryGetValue(key, out var counts))
        {
            if (clients.Count >= maxTrackedClients)
            {
                MakeRoom(now);
            }

            counts = new ClientCounts { Since = now };
            clients.Add(key, counts);
        }

        return counts;
    }

    private void Forget(ClientKey key, ClientCounts counts)
    {
        counts.Dropped = true;
        clients.Remove(key);
    }

    private void SweepIfDue(long now)
    {
        if (time.GetElapsedTime(lastSweep, now) >= SweepInterval)
        {
            Sweep(now);
        }
    }

    private void Sweep(long now)
    {
        lastSweep = now;
        foreach (var (key, counts) in clients)
        {
            // Removing the current entry does not invalidate a Dictionary enumerator.
            if (IsQuiet(counts, now))
            {
                Forget(key, counts);
            }
        }
    }

    /// <summary>
    /// Frees table space when it is full: first the quiet clients, then, if that was not enough, clients with nothing
    /// running, down to three quarters of the cap so that a flood does not pay for a full walk on every request.
    /// Clients with requests running are kept, so their counts stay right; there are no more of them than workers.
    /// </summary>
    private void MakeRoom(long now)
    {
        Sweep(now);
        if (clients.Count < maxTrackedClients)
        {
            return;
        }

        var target = maxTrackedClients - Math.Max(1, maxTrackedClients / 4);
        foreach (var (key, counts) in clients)
        {
            if (clients.Count <= target)
            {
                break;
            }

            if (counts.Running == 0)
            {
                Forget(key, counts);
            }
        }
    }
}
