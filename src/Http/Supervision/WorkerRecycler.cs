using AkkaWsgi.Hosting.Server;
using AkkaWsgi.Http.Hosting;

namespace AkkaWsgi.Http.Supervision;

/// <summary>
/// Asks the supervisor, once, to replace this worker process when it has served its share of requests
/// (--max-requests plus jitter) or its resident memory passed --max-rss: the cure for applications that leak.
/// </summary>
internal sealed class WorkerRecycler : IDisposable
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private readonly ServerCounters counters;
    private readonly long requestLimit;
    private readonly long rssLimitBytes;
    private readonly Func<long> residentBytes;
    private readonly Action<string> retire;
    private readonly ITimer timer;
    private int retired;

    /// <param name="requestLimit">Requests after which to retire; 0 for no limit.</param>
    /// <param name="rssLimitBytes">Resident bytes past which to retire; 0 for no limit.</param>
    public WorkerRecycler(ServerCounters counters, long requestLimit, long rssLimitBytes, Func<long> residentBytes, TimeProvider time,
        Action<string> retire)
    {
        this.counters = counters;
        this.requestLimit = requestLimit;
        this.rssLimitBytes = rssLimitBytes;
        this.residentBytes = residentBytes;
        this.retire = retire;
        timer = time.CreateTimer(_ => Check(), null, CheckInterval, CheckInterval);
    }

    /// <summary>The request limit for one worker: the base plus a random share of the jitter, so workers started together part.</summary>
    public static long RequestLimit(ServerOptions options) =>
        options.MaxRequests <= 0 ? 0 : options.MaxRequests + Random.Shared.NextInt64((options.MaxRequestsJitter ?? (options.MaxRequests / 10)) + 1);

    public void Dispose() => timer.Dispose();

    internal void Check()
    {
        if (Volatile.Read(ref retired) == 1)
        {
            return;
        }

        string? reason = null;
        if (requestLimit > 0 && counters.Requests >= requestLimit)
        {
            reason = $"served {counters.Requests} requests (--max-requests, {requestLimit} for this worker)";
        }
        else if (rssLimitBytes > 0 && residentBytes() is var rss && rss >= rssLimitBytes)
        {
            reason = $"resident memory {rss / (1024 * 1024)} MiB passed --max-rss {rssLimitBytes / (1024 * 1024)} MiB";
        }

        if (reason is not null && Interlocked.Exchange(ref retired, 1) == 0)
        {
            retire(reason);
        }
    }
}
