using AkkaWsgi.Actors.Dispatch;
using AkkaWsgi.Actors.Kernel;
using AkkaWsgi.Python.Wsgi;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Actors.Background;

/// <summary>
/// Keeps the application's cron and timer jobs on time: each is a scheduled message to itself, and each due run goes
/// to the dispatcher as background work. A job still running when it is due again is skipped that time, so one job
/// never runs twice at once.
/// </summary>
public sealed class BackgroundJobsActor(IReadOnlyList<BackgroundJob> jobs, IActorRef dispatcher, TimeZoneInfo zone, ILogger logger) : Actor
{
    private readonly bool[] running = new bool[jobs.Count];
    private readonly CronSchedule?[] schedules = jobs
        .Select(j => j.CronFields is { } f ? new CronSchedule(f[0], f[1], f[2], f[3], f[4]) : null)
        .ToArray();

    protected override void PreStart()
    {
        for (var i = 0; i < jobs.Count; i++)
        {
            ScheduleNext(i);
        }
    }

    protected override void Receive(object message)
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
            var now = System.Time.GetUtcNow();
            if (schedules[index]!.NextAfter(now, zone) is not { } next)
            {
                BackgroundLog.NeverDue(logger, job.Name);
                return;
            }

            delay = next - now;
        }

        System.Scheduler.ScheduleTellOnce(delay, Self, new Due(index));
    }

    /// <summary>Job <see cref="Index"/> is due.</summary>
    private sealed record Due(int Index);

    /// <summary>The run of job <see cref="Index"/> ended.</summary>
    private sealed record Finished(int Index);
}
