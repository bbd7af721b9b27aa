namespace AkkaWsgi.Actors.Supervision;

/// <summary>The SIGUSR2 report of the supervisor's own state.</summary>
public sealed partial class SupervisorActor
{
    private void Report()
    {
        var lines = workers.Values
            .OrderBy(w => w.Id.Generation).ThenBy(w => w.Id.Slot).ThenBy(w => w.Id.Serial)
            .Select(w =>
            {
                var up = time.GetElapsedTime(w.StartedAt);
                var state = w.State == State.Ready && w.Retiring ? "retiring" : w.State.ToString().ToLowerInvariant();
                var role = leader == w.Id ? ", runs cron and timers" : "";
                return $"{w.Describe()}: {state}, up {(long)up.TotalHours}:{up:mm\\:ss}{role}";
            });
        SupervisorLog.Status(logger, servingGeneration, pendingGeneration?.ToString(global::System.Globalization.CultureInfo.InvariantCulture) ?? "none",
            replaced, reloads, string.Join("\n", lines));
    }
}
