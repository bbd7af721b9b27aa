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
/// Priorities are recomputed on every take, because the client terms change while a request waits: a scan of a
/// queue of a few hundred requests costs far less than running any of them, and needs no re-sorting when a client's
/// counts move. Unlike wsgo, which counts a request as recent only once it starts, a request counts from its
/// arrival, so a flood that is still waiting already ranks low and is the first to be turned away when the queue
/// is full. A request's own arrival counts too: a lone request from a public address waits at 0, behind the
/// server's own callers at 1000.
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

    private readonly List<Waiting> waiting = [];
    private readonly Dictionary<ClientKey, ClientState> clients = [];
    private readonly PriorityPrefix[] prefixes;
    private readonly int maxTrackedClients;
    private readonly TimeProvider time;
    private long lastSweep;

    public PriorityQueuePolicy(PriorityOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        prefixes = [.. options.Prefixes];
        maxTrackedClients = options.MaxTrackedClients;
        this.time = time;
        lastSweep = time.GetTimestamp();
    }

    public int Count => waiting.Count;

    /// <summary>How many clients have counts kept: those with requests running or a recent-request penalty left.</summary>
    public int TrackedClients => clients.Count;

    public void Enqueue(IRequestJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var now = time.GetTimestamp();
        SweepIfDue(now);
        var client = ClientKey.For(job.Info.Client);
        if (client is { } key)
        {
            var state = Track(key, now);
            state.Penalty = PenaltyOf(state, now) + RecentPenalty;
            state.Since = now;
        }

        waiting.Add(new Waiting(job, client, FixedPriority(job.Info, exempt: client is null)));
    }

    public IRequestJob? TakeNext(int busyWorkers)
    {
        var now = time.GetTimestamp();
        SweepIfDue(now);
        var best = -1;
        var bestPriority = long.MinValue;
        for (var i = 0; i < waiting.Count; i++)
        {
            // Strictly greater: of equal priorities the earliest arrival stays chosen.
            var priority = PriorityOf(waiting[i], now);
            if (priority > bestPriority)
            {
                best = i;
                bestPriority = priority;
            }
        }

        // The best is below the line only when every waiting request is.
        if (best < 0 || (busyWorkers > 0 && bestPriority <= IdleOnlyAtOrBelow))
        {
            return null;
        }

        return RemoveAt(best);
    }

    public IRequestJob? TakeLowest()
    {
        var now = time.GetTimestamp();
        var lowest = -1;
        var lowestPriority = long.MaxValue;
        for (var i = 0; i < waiting.Count; i++)
        {
            // At most: of equal priorities the newest is chosen, the one that has waited least.
            var priority = PriorityOf(waiting[i], now);
            if (priority <= lowestPriority)
            {
                lowest = i;
                lowestPriority = priority;
            }
        }

        return lowest < 0 ? null : RemoveAt(lowest);
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
        if (ClientKey.For(job.Info.Client) is { } key && clients.TryGetValue(key, out var state) && state.Running > 0)
        {
            state.Running--;
            if (IsQuiet(state, time.GetTimestamp()))
            {
                clients.Remove(key);
            }
        }
    }

    /// <summary>The priority <paramref name="job"/> has now, queued or not; higher runs sooner.</summary>
    public int Priority(IRequestJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var client = ClientKey.For(job.Info.Client);
        var priority = PriorityOf(new Waiting(job, client, FixedPriority(job.Info, exempt: client is null)), time.GetTimestamp());
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

    private long PriorityOf(in Waiting entry, long now)
    {
        if (entry.Client is not { } key || !clients.TryGetValue(key, out var state))
        {
            return entry.Fixed;
        }

        return entry.Fixed - ((long)RunningPenalty * state.Running) - PenaltyOf(state, now);
    }

    /// <summary>The recent-request penalty left at <paramref name="now"/>: stored with its time, faded on reading.</summary>
    private long PenaltyOf(ClientState state, long now)
    {
        var faded = time.GetElapsedTime(state.Since, now).Ticks * RecentDecayPerSecond / TimeSpan.TicksPerSecond;
        return Math.Max(0, state.Penalty - faded);
    }

    private bool IsQuiet(ClientState state, long now) => state.Running == 0 && PenaltyOf(state, now) == 0;

    private IRequestJob RemoveAt(int index)
    {
        var job = waiting[index].Job;
        waiting.RemoveAt(index);
        return job;
    }

    private ClientState Track(ClientKey key, long now)
    {
        if (!clients.TryGetValue(key, out var state))
        {
            if (clients.Count >= maxTrackedClients)
            {
                MakeRoom(now);
            }

            state = new ClientState { Since = now };
            clients.Add(key, state);
        }

        return state;
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
        foreach (var (key, state) in clients)
        {
            // Removing the current entry does not invalidate a Dictionary enumerator.
            if (IsQuiet(state, now))
            {
                clients.Remove(key);
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
        foreach (var (key, state) in clients)
        {
            if (clients.Count <= target)
            {
                break;
            }

            if (state.Running == 0)
            {
                clients.Remove(key);
            }
        }
    }

    /// <summary>A queued request with what was worked out about it on arrival.</summary>
    private readonly record struct Waiting(IRequestJob Job, ClientKey? Client, long Fixed);

    /// <summary>One client's counts; the penalty is as of <see cref="Since"/>.</summary>
    private sealed class ClientState
    {
        public int Running { get; set; }

        public long Penalty { get; set; }

        public long Since { get; set; }
    }
}
