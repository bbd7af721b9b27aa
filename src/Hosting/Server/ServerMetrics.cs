using System.Diagnostics;
using System.Diagnostics.Metrics;
using Akka.Actor;
using AkkaWsgi.Actors.Dispatch;

namespace AkkaWsgi.Hosting.Server;

/// <summary>
/// The server's numbers as .NET metrics (meter <see cref="MeterName"/>), for any exporter the host adds; the akkawsgi
/// executable serves them as Prometheus text on --status-socket.
/// </summary>
/// <remarks>
/// Almost everything is read from counters the server keeps anyway, when a collection asks; the request path adds only
/// the duration histogram's record. The dispatcher's numbers take one message to it per collection.
/// </remarks>
internal sealed class ServerMetrics : IDisposable
{
    /// <summary>The meter's name, for exporters that select meters.</summary>
    public const string MeterName = "AkkaWsgi";

    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(2);

    // Seconds, from a page cache hit to a request at the default timeout.
    private static readonly double[] DurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
    private readonly Meter meter = new(MeterName);
    private readonly Histogram<double> duration;
    // Counted here and read when collected: recording to an instrument with tags on every request cost hello-world
    // several per cent of its CPU with an exporter listening (docs/performance.md).
    private readonly long[,] requestsByClass = new long[Methods.Length + 1, 5];
    private long queuedTicks;
    private long queuedRequests;
    private readonly Akka.Hosting.IRequiredActor<DispatcherActor> dispatcher;
    private readonly Lock statsGate = new();
    private DispatcherStats? stats;
    private long statsTaken;

    public ServerMetrics(WsgiServer server, Akka.Hosting.IRequiredActor<DispatcherActor> dispatcher)
    {
        this.dispatcher = dispatcher;
        duration = meter.CreateHistogram("akkawsgi.request.duration", "s", "Time from the request's arrival to its response's end", tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        meter.CreateObservableCounter("akkawsgi.queue.wait", () => TimeSpan.FromTicks(Interlocked.Read(ref queuedTicks)).TotalSeconds, "s",
            "Time requests waited for a worker, in all (divide by akkawsgi_queue_waited_requests_total for the mean)");
        meter.CreateObservableCounter("akkawsgi.queue.waited_requests", () => Interlocked.Read(ref queuedRequests),
            description: "Requests handed to a worker after waiting in the queue (or not at all)");
        meter.CreateObservableCounter("akkawsgi.requests", RequestsByClass, description: "Requests answered, by method and status class");
        meter.CreateObservableCounter("akkawsgi.static.hits", () => server.Counters.StaticHits, description: "Files the static maps served");
        meter.CreateObservableGauge("akkawsgi.worker_process.reloads", () => WorkerProcess.Reloads,
            description: "Reloads (SIGHUP) the supervisor had made when it started this worker process");
        meter.CreateObservableGauge("akkawsgi.worker_process.starts", () => WorkerProcess.Starts,
            description: "Worker processes the supervisor had started when it started this one, this one included (replacements and reloads add to it)");
        meter.CreateObservableCounter("akkawsgi.responses", () => Enumerable.Range(1, 5).Select(c =>
            new Measurement<long>(server.Counters.Responses(c), new KeyValuePair<string, object?>("status_class", $"{c}xx"))),
            description: "Responses sent, by status class");
        meter.CreateObservableGauge("akkawsgi.queue.length", () => Stats()?.Queued ?? 0, description: "Requests waiting for a worker");
        meter.CreateObservableGauge("akkawsgi.workers.busy", () => Stats()?.Busy ?? 0, description: "Workers running a request");
        meter.CreateObservableGauge("akkawsgi.workers.idle", () => Stats() is { } s ? s.Workers - s.Busy : 0, description: "Workers free for a request");
        meter.CreateObservableGauge("akkawsgi.workers.stuck", () => Stats()?.Stuck ?? 0, description: "Workers past their request's deadline");
        meter.CreateObservableCounter("akkawsgi.request.timeouts", () => Stats()?.TimedOut ?? 0, description: "Requests interrupted at their deadline");
        meter.CreateObservableCounter("akkawsgi.queue.expired", () => Stats()?.ExpiredInQueue ?? 0, description: "Requests that waited past their deadline (503)");
        meter.CreateObservableCounter("akkawsgi.queue.rejected", () => Stats()?.Rejected ?? 0, description: "Requests turned away with a full queue (503)");
        meter.CreateObservableGauge("akkawsgi.parked", () => server.Parking.Parked, description: "Requests parked now");
        meter.CreateObservableCounter("akkawsgi.parked.woken", () => server.Parking.Woken, description: "Parked requests woken by a notification");
        meter.CreateObservableCounter("akkawsgi.parked.timed_out", () => server.Parking.TimedOut, description: "Parked requests that reached their timeout");
        meter.CreateObservableCounter("akkawsgi.blocked.requests", () => server.Blocks.RefusedTotal, description: "Requests refused (429) from blocked clients");
        meter.CreateObservableGauge("akkawsgi.blocked.clients", () => server.Blocks.Count, description: "Clients blocked now");
        meter.CreateObservableCounter("akkawsgi.page_cache.hits", () => server.PageCache.Hits, description: "Responses served from the page cache");
        meter.CreateObservableCounter("akkawsgi.page_cache.misses", () => server.PageCache.Misses, description: "Cacheable requests the page cache did not have");
        meter.CreateObservableCounter("akkawsgi.page_cache.evictions", () => server.PageCache.Evictions, description: "Pages evicted to stay within --cache-size");
        meter.CreateObservableGauge("akkawsgi.page_cache.size", () => server.PageCache.Bytes, "By", "Bytes the page cache holds");
        meter.CreateObservableGauge("akkawsgi.process.memory.resident", () => Environment.WorkingSet, "By", "Resident memory of this process");
        meter.CreateObservableGauge("akkawsgi.process.memory.managed", () => GC.GetTotalMemory(forceFullCollection: false), "By", "Managed heap in use");
        meter.CreateObservableCounter("akkawsgi.process.gc.collections", () => Enumerable.Range(0, GC.MaxGeneration + 1).Select(g =>
            new Measurement<long>(GC.CollectionCount(g), new KeyValuePair<string, object?>("generation", g))),
            description: "Garbage collections, by generation");
        var runtime = server.Python.Runtime;
        var application = server.Python.Application;
        meter.CreateObservableGauge("akkawsgi.info", () => new Measurement<int>(1,
            new KeyValuePair<string, object?>("python_version", runtime.Version.ToString()),
            new KeyValuePair<string, object?>("application", $"{application.Module}:{application.CallableName}")),
            description: "The Python version and the application served, as labels");
    }

    /// <summary>The worker process's place in its supervisor's history (set by the executable; 0 and 1 alone).</summary>
    public static (int Reloads, int Starts) WorkerProcess { get; set; } = (0, 1);

    /// <summary>Records one answered request; called on the request path.</summary>
    public void RequestFinished(string method, int status, TimeSpan elapsed)
    {
        duration.Record(elapsed.TotalSeconds);
        var methodIndex = Array.IndexOf(Methods, method);
        Interlocked.Increment(ref requestsByClass[methodIndex < 0 ? Methods.Length : methodIndex, Math.Clamp(status / 100, 1, 5) - 1]);
    }

    /// <summary>Records how long a request waited for a worker; called by the dispatcher.</summary>
    public void Queued(TimeSpan waited)
    {
        Interlocked.Add(ref queuedTicks, waited.Ticks);
        Interlocked.Increment(ref queuedRequests);
    }

    // A label per standard method, one for the rest: a client cannot make new series with made-up methods.
    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

    private IEnumerable<Measurement<long>> RequestsByClass()
    {
        for (var m = 0; m <= Methods.Length; m++)
        {
            for (var c = 0; c < 5; c++)
            {
                var count = Interlocked.Read(ref requestsByClass[m, c]);
                if (count > 0)
                {
                    yield return new Measurement<long>(count,
                        new KeyValuePair<string, object?>("method", m < Methods.Length ? Methods[m] : "other"),
                        new KeyValuePair<string, object?>("status_class", $"{c + 1}xx"));
                }
            }
        }
    }

    public void Dispose() => meter.Dispose();

    // One question to the dispatcher per collection, shared by every instrument that reads it.
    private DispatcherStats? Stats()
    {
        lock (statsGate)
        {
            if (stats is null || Stopwatch.GetElapsedTime(statsTaken) > TimeSpan.FromMilliseconds(500))
            {
                try
                {
                    stats = dispatcher.ActorRef.Ask<DispatcherStats>(GetDispatcherStats.Instance, AskTimeout).GetAwaiter().GetResult();
                    statsTaken = Stopwatch.GetTimestamp();
                }
                catch (AskTimeoutException)
                {
                    // A dispatcher that does not answer in time: last known numbers, or none.
                }
            }

            return stats;
        }
    }
}
