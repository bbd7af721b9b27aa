using AkkaWsgi.Hosting.Server;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using AkkaWsgi.Actors.Cluster;
using AkkaWsgi.Actors.Dispatch;
using Akka.Actor;
using AkkaWsgi.Actors.Parking;
using AkkaWsgi.Hosting.Front.Blocking;
using AkkaWsgi.Hosting.Front.Cache;
using AkkaWsgi.Hosting.Logging;
using AkkaWsgi.Python;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Http.Hosting;

/// <summary>
/// SIGUSR1 logs the Python stack of every worker with the request it runs; SIGUSR2 logs the counters, and the cluster's
/// members when this process is a node of one. The reports
/// are built on a thread of their own: they need the GIL, which a busy worker may hold for a while.
/// </summary>
internal sealed class Diagnostics(IActorRef dispatcher, IActorRef guardian, PythonRuntime runtime, ServerCounters counters, BlockList blocks,
    PageCache cache, ParkingStats parking, ILogger logger)
    : IDisposable
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    private readonly List<PosixSignalRegistration> registrations = [];

    public void Start()
    {
        registrations.Add(PosixSignalRegistration.Create((PosixSignal)LinuxSignal.Usr1, OnSignal(DumpStacks)));
        registrations.Add(PosixSignalRegistration.Create((PosixSignal)LinuxSignal.Usr2, OnSignal(DumpCounters)));
    }

    public void Dispose()
    {
        foreach (var registration in registrations)
        {
            registration.Dispose();
        }
    }

    private Action<PosixSignalContext> OnSignal(Action report) => context =>
    {
        context.Cancel = true;
        new Thread(() => Report(report)) { IsBackground = true, Name = "diagnostics" }.Start();
    };

    private void Report(Action report)
    {
        try
        {
            report();
        }
#pragma warning disable CA1031 // a failed report must never take the server down
        catch (Exception e)
#pragma warning restore CA1031
        {
            ServerLog.DiagnosticsFailed(logger, e);
        }
    }

    private void DumpStacks()
    {
        var activity = dispatcher.Ask<List<WorkerActivity>>(GetWorkerActivity.Instance, AskTimeout).GetAwaiter().GetResult();
        var stacks = runtime.FormatStacks(activity.Select(a => a.Bridge.PythonThreadId).ToList());
        var report = new StringBuilder();
        foreach (var worker in activity)
        {
            report.Append(CultureInfo.InvariantCulture, $"{worker.Worker}: ");
            if (worker.Request is { } request)
            {
                report.Append(CultureInfo.InvariantCulture,
                    $"{worker.Description} from {request.Client?.ToString() ?? "-"}, running for {worker.RanFor.TotalSeconds:0.000} s\n");
                report.Append(stacks.TryGetValue(worker.Bridge.PythonThreadId, out var stack) ? stack : "    (no Python frame)\n");
            }
            else
            {
                report.Append("idle\n");
            }
        }

        ServerLog.WorkerStacks(logger, activity.Count, report.ToString().TrimEnd());
    }

    private void DumpCounters()
    {
        var stats = dispatcher.Ask<DispatcherStats>(GetDispatcherStats.Instance, AskTimeout).GetAwaiter().GetResult();
        ServerLog.Counters(logger,
            $"requests={counters.Requests} responses: 1xx={counters.Responses(1)} 2xx={counters.Responses(2)} " +
            $"3xx={counters.Responses(3)} 4xx={counters.Responses(4)} 5xx={counters.Responses(5)} | " +
            $"timeouts={stats.TimedOut} expired_in_queue={stats.ExpiredInQueue} dropped={stats.Dropped} " +
            $"rejected_queue_full={stats.Rejected} queued={stats.Queued} busy_workers={stats.Busy}/{stats.Workers} " +
            $"stuck_workers={stats.Stuck} blocked={blocks.RefusedTotal} | " +
            $"parked={parking.Parked} park_woken={parking.Woken} park_timed_out={parking.TimedOut} | " +
            $"cache_hits={cache.Hits} cache_misses={cache.Misses} cache_evictions={cache.Evictions} cache_bytes={cache.Bytes} | " +
            $"rss_bytes={Environment.WorkingSet} managed_heap_bytes={GC.GetTotalMemory(forceFullCollection: false)} " +
            $"python_objects={runtime.ObjectCount()}");
        var cluster = guardian.Ask<ClusterReport>(GetClusterReport.Instance, AskTimeout).GetAwaiter().GetResult();
        if (cluster.Lines.Count > 0)
        {
            ServerLog.ClusterReport(logger, string.Join('\n', cluster.Lines));
        }
    }
}
