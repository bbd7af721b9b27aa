using Akka.Actor;
using AkkaWsgi.Actors.Supervision;

namespace AkkaWsgi.Tests.Actors.Supervision;

/// <summary>What the supervisor asked the launcher to do.</summary>
internal enum LauncherAction
{
    Start,
    Drain,
    Kill,
    Signal,
    Lead,
}

/// <summary>One call the supervisor made on the launcher; <see cref="Signal"/> only for <see cref="LauncherAction.Signal"/>.</summary>
internal sealed record LauncherCall(LauncherAction Action, WorkerId Worker, int? Signal = null)
{
    public override string ToString() => Signal is { } signal ? $"{Action}({Worker}, {signal})" : $"{Action}({Worker})";
}

/// <summary>
/// A launcher that starts nothing: it records every call, in order, and lets a test wait for one. The test then plays
/// the worker process by telling the supervisor what became of it.
/// </summary>
internal sealed class FakeWorkerLauncher : IWorkerLauncher
{
    private static readonly TimeSpan DefaultPatience = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly List<LauncherCall> _calls = [];
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>Every call so far, in the order made.</summary>
    public IReadOnlyList<LauncherCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>The workers named in the calls of this kind so far, in order.</summary>
    public IReadOnlyList<WorkerId> WorkersOf(LauncherAction action) =>
        [.. Calls.Where(call => call.Action == action).Select(call => call.Worker)];

    public void Start(WorkerId worker, IActorRef supervisor) => Record(new LauncherCall(LauncherAction.Start, worker));

    public void Drain(WorkerId worker) => Record(new LauncherCall(LauncherAction.Drain, worker));

    public void Kill(WorkerId worker) => Record(new LauncherCall(LauncherAction.Kill, worker));

    public void Signal(WorkerId worker, int signal) => Record(new LauncherCall(LauncherAction.Signal, worker, signal));

    public void Lead(WorkerId worker) => Record(new LauncherCall(LauncherAction.Lead, worker));

    /// <summary>Waits until <paramref name="action"/> has been called for <paramref name="worker"/>.</summary>
    public Task<LauncherCall> WaitForAsync(LauncherAction action, WorkerId worker) =>
        WaitForAsync(call => call.Action == action && call.Worker == worker, $"{action}({worker})");

    /// <summary>
    /// Waits (at most <paramref name="patience"/>, 5 s by default) until a call matching <paramref name="match"/> has
    /// been made, and returns the first such; fails with every call so far if none comes.
    /// </summary>
    public async Task<LauncherCall> WaitForAsync(Func<LauncherCall, bool> match, string description, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? DefaultPatience);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_calls.FirstOrDefault(match) is { } found)
                {
                    return found;
                }

                changed = _changed.Task;
            }

            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                Assert.Fail($"Timed out waiting for {description}. Calls so far:{Environment.NewLine}{Describe(Calls)}");
            }

            try
            {
                await changed.WaitAsync(remaining);
            }
            catch (TimeoutException)
            {
                // Checked once more above, then reported.
            }
        }
    }

    /// <summary>The calls as one line each, for assertion messages.</summary>
    public static string Describe(IEnumerable<LauncherCall> calls) =>
        string.Join(Environment.NewLine, calls.Select(call => $"  {call}")) is { Length: > 0 } lines ? lines : "  (none)";

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Record(LauncherCall call)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _calls.Add(call);
            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }
}
