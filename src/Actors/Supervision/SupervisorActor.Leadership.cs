namespace AkkaWsgi.Actors.Supervision;

/// <summary>Which worker process runs the application's cron and timer jobs.</summary>
public sealed partial class SupervisorActor
{
    // The cron/timer role belongs to worker 0 (of the serving generation) and moves only once its holder has exited:
    // handing it over earlier could run a job in two processes at once. While worker 0 is starting (or being
    // replaced, also after a short delay) the role waits for it; only a worker 0 that fails at start-up lets the
    // lowest other ready worker take the role meanwhile.
    private void EnsureLeader()
    {
        if (leader is not null || stopping)
        {
            return;
        }

        var serving = workers.Values.Where(w => w.Id.Generation == servingGeneration).ToList();
        var candidate = serving.Where(w => w.State == State.Ready && !w.Retiring).MinBy(w => w.Id.Slot);
        var zeroStarting = serving.Any(w => w.Id.Slot == 0 && w.State == State.Starting) ||
            replacementsDue.Contains((0, servingGeneration));
        if (candidate is null || (candidate.Id.Slot != 0 && zeroStarting))
        {
            return;
        }

        leader = candidate.Id;
        launcher.Lead(candidate.Id);
    }
}
