using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Actors.Supervision;

/// <summary>
/// Keeps <see cref="SupervisorOptions.Processes"/> worker processes serving: replaces one that dies (at once) or
/// fails at start-up (with a doubling delay, giving up when nothing serves), replaces a retiring one only once its
/// successor is ready, runs SIGHUP reloads as a whole new generation that takes over only when all of it is ready,
/// and keeps the cron/timer role on exactly one live worker.
/// </summary>
/// <remarks>
/// Its schedules (retries, start and stop timeouts) are Akka timers, each keyed by the message it sends (a record, so
/// equal messages are one key); elapsed times are read from the
/// <see cref="TimeProvider"/> it is given, so tests drive both from one virtual clock. It runs under the user guardian
/// of the supervisor process's own actor system, which restarts an actor that throws; a restart here would forget every
/// worker process, so handling of a message catches nothing and the code keeps its invariants instead, and the
/// supervisor host treats the actor's termination as the end of the process (exit 1).
/// </remarks>
public sealed partial class SupervisorActor(IWorkerLauncher launcher, SupervisorOptions options, TimeProvider time, ILogger logger)
    : UntypedActor, IWithTimers
{
    private const int SigAbrt = 6;

    private const int GiveUpStatus = 1;

    private readonly Dictionary<WorkerId, Worker> workers = [];
    private readonly Dictionary<int, int> startFailures = [];
    private readonly Dictionary<int, int> quickDeaths = [];
    private readonly HashSet<(int Slot, int Generation)> replacementsDue = [];
    private int serial;
    private int servingGeneration = 1;
    private int lastGeneration = 1;
    private int? pendingGeneration;

    // A reload asked for while another was starting: that one may have imported older code (a deploy that signals
    // twice), so another follows it, whether it becomes ready or fails. Several such requests make one.
    private bool reloadAgain;
    private WorkerId? leader;
    private bool everReady;
    private bool announced;
    private bool stopping;
    private bool finished;
    private int finalStatus;
    private int replaced;
    private int reloads;

    /// <summary>Set by Akka: retries and the start and stop timeouts, keyed by slot or worker.</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Creates the supervisor's props.</summary>
    public static Props Props(IWorkerLauncher launcher, SupervisorOptions options, TimeProvider time, ILogger logger) =>
        Akka.Actor.Props.Create(() => new SupervisorActor(launcher, options, time, logger));

    protected override void PreStart()
    {
        for (var slot = 0; slot < options.Processes; slot++)
        {
            Launch(slot, servingGeneration);
        }
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case WorkerStarted started when workers.TryGetValue(started.Worker, out var worker):
                worker.ProcessId = started.ProcessId;
                SupervisorLog.WorkerStarted(logger, started.Worker.ToString(), started.ProcessId);
                break;
            case WorkerReady ready when workers.TryGetValue(ready.Worker, out var worker) && worker.State == State.Starting:
                OnReady(worker);
                break;
            case WorkerRetiring retiring when workers.TryGetValue(retiring.Worker, out var worker):
                OnRetiring(worker, retiring.Reason);
                break;
            case WorkerExited exited when workers.Remove(exited.Worker, out var worker):
                OnExited(worker, exited.ExitCode);
                break;
            case RetrySlot retry:
                replacementsDue.Remove((retry.Slot, retry.Generation));
                if (!stopping && (retry.Generation == servingGeneration || retry.Generation == pendingGeneration) &&
                    !workers.Values.Any(w => w.Id.Slot == retry.Slot && w.Id.Generation == retry.Generation &&
                        (w.State == State.Starting || (w.State == State.Ready && !w.Retiring))))
                {
                    Launch(retry.Slot, retry.Generation);
                }

                break;
            case StartTimedOut timedOut when workers.TryGetValue(timedOut.Worker, out var worker) && worker.State == State.Starting:
                // SIGABRT rather than SIGKILL: the fault handler prints where the import hangs (a database that never
                // answers, a lock), which is what the operator needs to fix it.
                SupervisorLog.StartTimedOut(logger, worker.Describe(), options.StartTimeout.TotalSeconds);
                launcher.Signal(worker.Id, SigAbrt);
                Timers.StartSingleTimer(new AbortTimedOut(worker.Id), new AbortTimedOut(worker.Id), options.AbortGrace);
                break;
            case AbortTimedOut timedOut when workers.ContainsKey(timedOut.Worker):
                launcher.Kill(timedOut.Worker);
                break;
            case StopTimedOut timedOut when workers.TryGetValue(timedOut.Worker, out var worker):
                SupervisorLog.StopTimedOut(logger, worker.Describe());
                launcher.Kill(worker.Id);
                break;
            case ReloadWorkers:
                Reload();
                break;
            case StopWorkers when stopping:
                // Asked twice (Ctrl-C again): the operator will not wait for in-flight requests.
                SupervisorLog.StoppingNow(logger, workers.Count);
                foreach (var worker in workers.Values)
                {
                    launcher.Kill(worker.Id);
                }

                break;
            case StopWorkers:
                StopAll(0);
                break;
            case ReportStatus:
                Report();
                break;
            case ForwardSignal forward:
                foreach (var worker in workers.Values.Where(w => w.State != State.Stopping))
                {
                    if (worker.State == State.Starting)
                    {
                        // It cannot report before it is ready, and in its first moments, before its runtime takes
                        // them, the default action of SIGUSR1 and SIGUSR2 would end it: a monitor sending SIGUSR2
                        // every minute would then fail a reload now and then.
                        SupervisorLog.SignalHeldBack(logger, forward.Signal, worker.Describe());
                        continue;
                    }

                    launcher.Signal(worker.Id, forward.Signal);
                }

                break;
        }
    }

    private void OnReady(Worker worker)
    {
        worker.State = State.Ready;
        worker.ReadyAt = time.GetTimestamp();
        Timers.Cancel(new StartTimedOut(worker.Id));
        everReady = true;
        var id = worker.Id;
        SupervisorLog.WorkerReady(logger, worker.Describe());
        if (id.Generation == pendingGeneration)
        {
            if (SlotsReady(id.Generation))
            {
                // The whole new generation accepts connections now; the old one can stop taking them and drain.
                foreach (var old in workers.Values.Where(w => w.Id.Generation != id.Generation && w.State != State.Stopping).ToList())
                {
                    StopWorker(old);
                }

                servingGeneration = id.Generation;
                pendingGeneration = null;
                startFailures.Clear();
                reloads++;
                SupervisorLog.ReloadComplete(logger, id.Generation);
                Announce();
                ReloadAgainIfAsked();
            }
        }
        else if (id.Generation == servingGeneration)
        {
            startFailures.Remove(id.Slot);

            // A successor is ready: the worker it replaces (retiring, or hung and killed) can go.
            foreach (var predecessor in workers.Values.Where(w => w.Id.Slot == id.Slot && w.Id.Generation == id.Generation && w.Id != id &&
                         w.State == State.Ready).ToList())
            {
                StopWorker(predecessor);
            }

            if (SlotsReady(id.Generation))
            {
                Announce();
            }
        }
        else
        {
            StopWorker(worker); // a replacement for a generation that has since been retired
        }

        EnsureLeader();
    }

    private void OnRetiring(Worker worker, string reason)
    {
        if (worker.State != State.Ready || worker.Retiring || stopping || worker.Id.Generation != servingGeneration)
        {
            return; // already being replaced, one way or another
        }

        worker.Retiring = true;
        replaced++;
        SupervisorLog.Retiring(logger, worker.Describe(), reason);
        if (pendingGeneration is null)
        {
            Launch(worker.Id.Slot, worker.Id.Generation);
        }

        // Otherwise the reload under way replaces it, or, should the reload fail, ReplaceRetiring does.
    }

    private void ReplaceRetiring()
    {
        foreach (var retiring in workers.Values.Where(w => w.Retiring && w.State == State.Ready && w.Id.Generation == servingGeneration).ToList())
        {
            if (!workers.Values.Any(w => w.Id.Slot == retiring.Id.Slot && w.Id.Generation == servingGeneration && w.State == State.Starting))
            {
                Launch(retiring.Id.Slot, servingGeneration);
            }
        }
    }

    private void Announce()
    {
        if (!announced)
        {
            announced = true;
            options.OnReady();
        }
    }

    private void OnExited(Worker worker, int status)
    {
        Timers.Cancel(new StartTimedOut(worker.Id));
        Timers.Cancel(new StopTimedOut(worker.Id));
        var id = worker.Id;
        if (leader == id)
        {
            leader = null;
        }

        if (stopping || worker.State == State.Stopping)
        {
            SupervisorLog.WorkerStopped(logger, worker.Describe(), DescribeStatus(status));
            if (stopping && workers.Count == 0)
            {
                Finish();
            }
            else
            {
                EnsureLeader();
            }

            return;
        }

        if (worker.State == State.Starting)
        {
            OnStartFailed(worker, status);
        }
        else
        {
            OnDied(worker, status);
        }

        EnsureLeader();
    }

    private void OnDied(Worker worker, int status)
    {
        var id = worker.Id;
        replaced++;
        var replacementUnderway = workers.Values.Any(w => w.Id.Slot == id.Slot && w.Id.Generation == id.Generation);
        if (replacementUnderway || (id.Generation != servingGeneration && id.Generation != pendingGeneration))
        {
            SupervisorLog.WorkerDied(logger, worker.Describe(), DescribeStatus(status), 0);
            return;
        }

        // A worker that dies soon after it became ready (an application crashing on every request, say) is replaced
        // after the same doubling delays as start-up failures, not in a tight loop; one that served a while, at once.
        var quick = time.GetElapsedTime(worker.ReadyAt) < options.MinimumUptime;
        var deaths = quickDeaths[id.Slot] = quick ? quickDeaths.GetValueOrDefault(id.Slot) + 1 : 0;
        var delay = deaths == 0 ? TimeSpan.Zero : RetryDelay(deaths);
        SupervisorLog.WorkerDied(logger, worker.Describe(), DescribeStatus(status), delay.TotalSeconds);
        if (delay == TimeSpan.Zero)
        {
            Launch(id.Slot, id.Generation);
        }
        else
        {
            replacementsDue.Add((id.Slot, id.Generation));
            Timers.StartSingleTimer(new RetrySlot(id.Slot, id.Generation), new RetrySlot(id.Slot, id.Generation), delay);
        }
    }

    private void OnStartFailed(Worker worker, int status)
    {
        var id = worker.Id;
        if (id.Generation == pendingGeneration)
        {
            // The new code does not start: keep serving with the generation that works.
            SupervisorLog.ReloadFailed(logger, worker.Describe(), DescribeStatus(status), servingGeneration);
            foreach (var sibling in workers.Values.Where(w => w.Id.Generation == id.Generation && w.State != State.Stopping).ToList())
            {
                StopWorker(sibling);
            }

            pendingGeneration = null;
            ReplaceRetiring();
            ReloadAgainIfAsked();
            return;
        }

        if (id.Generation != servingGeneration)
        {
            return;
        }

        var failures = startFailures[id.Slot] = startFailures.GetValueOrDefault(id.Slot) + 1;
        if (!everReady && options.FatalStartExitCodes.Contains(status))
        {
            SupervisorLog.CannotStart(logger, worker.Describe(), DescribeStatus(status));
            StopAll(status);
            return;
        }

        var serving = workers.Values.Any(w => w.State == State.Ready);
        if (failures >= options.MaxStartFailures && !serving)
        {
            SupervisorLog.GivingUp(logger, failures, DescribeStatus(status));
            StopAll(options.FatalStartExitCodes.Contains(status) ? status : GiveUpStatus);
            return;
        }

        var delay = RetryDelay(failures);
        SupervisorLog.StartFailed(logger, worker.Describe(), DescribeStatus(status), failures, delay.TotalSeconds);
        Timers.StartSingleTimer(new RetrySlot(id.Slot, id.Generation), new RetrySlot(id.Slot, id.Generation), delay);
    }

    private void Reload()
    {
        if (stopping)
        {
            return;
        }

        if (pendingGeneration is { } pending)
        {
            reloadAgain = true;
            SupervisorLog.ReloadQueued(logger, pending);
            return;
        }

        var generation = ++lastGeneration;
        pendingGeneration = generation;
        SupervisorLog.ReloadStarted(logger, generation, options.Processes, options.Processes == 1 ? "worker process" : "worker processes");
        for (var slot = 0; slot < options.Processes; slot++)
        {
            Launch(slot, generation);
        }
    }

    private void ReloadAgainIfAsked()
    {
        if (reloadAgain)
        {
            reloadAgain = false;
            Reload();
        }
    }

    private void StopAll(int status)
    {
        if (!stopping)
        {
            stopping = true;
            finalStatus = status;
        }

        foreach (var worker in workers.Values.Where(w => w.State != State.Stopping).ToList())
        {
            StopWorker(worker);
        }

        if (workers.Count == 0)
        {
            Finish();
        }
    }

    private void Finish()
    {
        if (!finished)
        {
            finished = true;
            options.OnFinished(finalStatus);
        }
    }

    private void Launch(int slot, int generation)
    {
        var worker = new Worker(new WorkerId(slot, generation, ++serial)) { StartedAt = time.GetTimestamp() };
        workers[worker.Id] = worker;
        Timers.StartSingleTimer(new StartTimedOut(worker.Id), new StartTimedOut(worker.Id), options.StartTimeout);
        launcher.Start(worker.Id, Self);
    }

    private void StopWorker(Worker worker)
    {
        worker.State = State.Stopping;
        Timers.Cancel(new StartTimedOut(worker.Id));
        Timers.StartSingleTimer(new StopTimedOut(worker.Id), new StopTimedOut(worker.Id), options.GracefulTimeout + options.KillGrace);
        launcher.Drain(worker.Id);
    }

    private bool SlotsReady(int generation) =>
        Enumerable.Range(0, options.Processes)
            .All(slot => workers.Values.Any(w => w.Id.Generation == generation && w.Id.Slot == slot && w.State == State.Ready));

    private TimeSpan RetryDelay(int failures)
    {
        var delay = options.FirstRetryDelay * Math.Pow(2, Math.Min(failures - 1, 20));
        return delay < options.MaxRetryDelay ? delay : options.MaxRetryDelay;
    }

    private string DescribeStatus(int status) => status switch
    {
        > 128 and < 160 => $"killed by signal {status - 128}",
        _ when options.ExitStatusMeanings.TryGetValue(status, out var meaning) => $"exit status {status}: {meaning}",
        _ => $"exit status {status}",
    };
}
