using Akka.Actor;
using Akka.Hosting;
using AkkaWsgi.Actors.Cluster;
using AkkaWsgi.Actors.Dispatch;
using AkkaWsgi.Actors.Dispatch.Priority;
using AkkaWsgi.Actors.Hosting;
using AkkaWsgi.Actors.Interpreter;
using AkkaWsgi.Actors.Parking;
using AkkaWsgi.Hosting.Front;
using AkkaWsgi.Hosting.Front.Blocking;
using AkkaWsgi.Hosting.Front.Cache;
using AkkaWsgi.Hosting.Front.Parking;
using AkkaWsgi.Hosting.Logging;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Hosting.Server;

/// <summary>
/// One server's state in a host: its options and Python, the front's shared parts (block list, page cache, parking,
/// counters, access log) and what its actors report about their health.
/// </summary>
internal sealed class WsgiServer : IDisposable
{
    /// <summary>After the grace period, workers still inside a request get this long (interrupted) to stop.</summary>
    public static readonly TimeSpan WorkerStopTimeout = TimeSpan.FromSeconds(5);

    private int allStuck;
    private int fatal;

    /// <param name="accessFields">Access entries as separate fields, for a structured log (see <see cref="AccessLogStream.Fields"/>).</param>
    public WsgiServer(AkkaWsgiOptions options, PythonHost python, ILoggerFactory loggerFactory, TimeProvider time, bool accessFields = false)
    {
        Options = options;
        Python = python;
        LoggerFactory = loggerFactory;
        Time = time;
        Parking = new ParkingStats(options.MaxParked);
        Blocks = new BlockList(time, loggerFactory.CreateLogger("akkawsgi.block"));
        PageCache = new PageCache(options.CacheSize, time);
        Completions = options.InlineConnections ? new RequestCompletions(loggerFactory.CreateLogger("akkawsgi.complete")) : null;
        AccessLog = options.AccessLog ? new AccessLogStream(loggerFactory.CreateLogger("akkawsgi.access")) { Fields = accessFields } : null;
    }

    public AkkaWsgiOptions Options { get; }

    public PythonHost Python { get; }

    public ILoggerFactory LoggerFactory { get; }

    public TimeProvider Time { get; }

    public ParkingStats Parking { get; }

    public ServerCounters Counters { get; } = new();

    public BlockList Blocks { get; }

    public PageCache PageCache { get; }

    public AccessLogStream? AccessLog { get; }

    /// <summary>
    /// Where finished requests are handed back to their connections (a thread of its own), when connection work runs
    /// inline (<see cref="AkkaWsgiOptions.InlineConnections"/>); else the thread pool resumes them.
    /// </summary>
    public RequestCompletions? Completions { get; }

    /// <summary>The server's metrics, once its front is mounted (<see cref="AkkaWsgiEndpointExtensions.MapWsgi"/>).</summary>
    public ServerMetrics? Metrics { get; set; }

    /// <summary>The cluster this process is a node of, if any (set by the host before its actor system starts).</summary>
    public ClusterSettings? Cluster { get; set; }

    /// <summary>Told when the server can no longer serve (every worker stuck, or an essential actor gone).</summary>
    public Action? StopHost { get; set; }

    /// <summary>Every interpreter worker was stuck in a request past its deadline.</summary>
    public bool AllWorkersStuck => Volatile.Read(ref allStuck) == 1;

    /// <summary>An essential actor stopped.</summary>
    public bool Failed => Volatile.Read(ref fatal) == 1;

    /// <summary>How long the drain waits for requests in flight: none when every worker is stuck and nothing can finish.</summary>
    public TimeSpan GraceForDrain() => AllWorkersStuck ? WorkerStopTimeout : TimeSpan.FromSeconds(Options.GracefulTimeout);

    /// <summary>The settings the server's actors are created with.</summary>
    public ServerActorsSettings ActorSettings()
    {
        ClusterBlockBridge? clusterBlocks = null;
        ClusterCacheBridge? clusterCache = null;
        if (Cluster is not null)
        {
            clusterBlocks = new ClusterBlockBridge();
            Blocks.Shared = clusterBlocks.Share;
            clusterBlocks.Received = Blocks.BlockFromCluster;
            clusterCache = new ClusterCacheBridge();
            PageCache.Shared = clusterCache.Share;
            clusterCache.Received = url => PageCache.Invalidate(url);
        }

        var application = Python.Application;
        return new ServerActorsSettings
        {
            Workers = Options.Workers,
            WorkerProps = (dispatcher, _) => InterpreterActor.Props(application, dispatcher, new InterpreterOptions(), Time,
                LoggerFactory.CreateLogger("akkawsgi.interpreter"), Completions),
            Queue = new PriorityQueuePolicy(
                new PriorityOptions { Prefixes = Options.PriorityPrefixes.Select(PriorityPrefix.Parse).ToList() }, Time),
            Dispatcher = new DispatcherOptions
            {
                MaxQueue = Options.MaxQueue,
                RequestTimeout = TimeSpan.FromSeconds(Options.RequestTimeout),
                BackgroundTimeout = TimeSpan.FromSeconds(Options.BackgroundTimeout),
                OnQueueWait = waited => Metrics?.Queued(waited),
                OnAllWorkersStuck = _ =>
                {
                    Interlocked.Exchange(ref allStuck, 1);
                    StopHost?.Invoke();
                },
            },
            Parking = Parking,
            BackgroundJobs = application.BackgroundJobs,
            CronZone = Options.Utc ? TimeZoneInfo.Utc : TimeZoneInfo.Local,
            Time = Time,
            LoggerFactory = LoggerFactory,
            OnInterpretersStuck = () => Python.InterpretersStuck = true,
            OnFatal = _ =>
            {
                Interlocked.Exchange(ref fatal, 1);
                StopHost?.Invoke();
            },
            Cluster = Cluster,
            ClusterBlocks = clusterBlocks,
            ClusterCache = clusterCache,
        };
    }

    /// <summary>The connection side, once the actor system runs; also wires <c>akkawsgi.notify_parked</c> to its parking lot.</summary>
    public WsgiEndpoint Endpoint(IRequiredActor<DispatcherActor> dispatcher, IRequiredActor<ParkingLot> lot)
    {
        var parking = new ParkingGate(lot, Parking, LoggerFactory.CreateLogger("akkawsgi.park"));
        Python.Application.ParkNotifier = parking.Notify;
        return new WsgiEndpoint(dispatcher, Options, Blocks, parking, Completions, LoggerFactory.CreateLogger("akkawsgi"));
    }

    public void Dispose()
    {
        Completions?.Dispose();
        Blocks.Dispose();
        Metrics?.Dispose();
    }
}
