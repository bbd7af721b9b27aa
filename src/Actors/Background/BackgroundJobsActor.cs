using Akka.Actor;
using AkkaWsgi.Actors.Dispatch;
using AkkaWsgi.Python.Wsgi;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Actors.Background;

/// <summary>
/// Keeps the application's cron and timer jobs on time: each is a scheduled message to itself, and each due run goes
/// to the dispatcher as background work. A job still running when it is due again is skipped that time, so one job
/// never runs twice at once.
/// </summary>
/// <remarks>
/// The schedules are keyed timers (one per job), so they go with the actor when it stops. Its parent resumes it when
/// handling a message fails (<see cref="Hosting.ServerSupervision"/>): a restart would forget which runs are in
/// progress and could start a job again while it still runs.
/// </remarks>
public sealed class BackgroundJobsActor(IReadOnlyList<BackgroundJob> jobs, IActorRef dispatcher, TimeZoneInfo zone, TimeProvider time, ILogger logger)
    : UntypedActor, IWithTimers
{
    private readonly bool[] running = new bool[jobs.Count];
    private readonly CronSchedule?[] schedules = jobs
        .Select(j => j.CronFields is { } f ? new CronSchedule(f[0], f[1], f[2], f[3], f[4]) : null)
        .ToArray();

    /// <summary>Set by Akka: one timer per job.</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Creates the props of the actor that keeps <paramref name="jobs"/> on time.</summary>
    public static Props Props(IReadOnlyList<BackgroundJob> jobs, IActorRef dispatcher, TimeZoneInfo zone, TimeProvider time, ILogger logger) =>
        Akka.Actor.Props.Create(() => new BackgroundJobsActor(jobs, dispatcher, zone, time, logger));

    protected override void PreStart()
    {
        for (var i = 0; i < jobs.Count; i++)
        {
            ScheduleNext(i);
        }
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Due due:
                var job = jobs[due.Index];
                if (running[due.Index])
                {
                    BackgroundLog.StillRunning(logger, job.Name);
                }
                else
                {
                    running[due.Index] = true;
                    var self = Self;
                    var index = due.Index;
                    dispatcher.Tell(new BackgroundJobDue(new BackgroundRun(job, () => self.Tell(new Finished(index)))));
                }

                ScheduleNext(due.Index);
                break;
            case Finished finished:
                running[finished.Index] = false;
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void ScheduleNext(int index)
    {
        var job = jobs[index];
        TimeSpan delay;
        if (job.Interval is { } interval)
        {
            delay = interval;
        }
        else
        {
            var now = time.GetUtcNow();
            if (schedules[index]!.NextAfter(now, zone) is not { } next)
            {
                BackgroundLog.NeverDue(logger, job.Name);
                return;
            }

            delay = next - now;
        }

        Timers.StartSingleTimer(index, new Due(index), delay);
    }

    /// <summary>Job <see cref="Index"/> is due.</summary>
    private sealed record Due(int Index);

    /// <summary>The run of job <see cref="Index"/> ended.</summary>
    private sealed record Finished(int Index);
}
