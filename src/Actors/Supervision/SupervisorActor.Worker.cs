namespace AkkaWsgi.Actors.Supervision;

/// <summary>What the supervisor keeps of each worker process, and the messages it sends itself.</summary>
public sealed partial class SupervisorActor
{
    private enum State
    {
        Starting,
        Ready,
        Stopping,
    }

    /// <summary>A worker's start-up deadline passed.</summary>
    private sealed record StartTimedOut(WorkerId Worker);

    /// <summary>A worker aborted for not starting in time had its chance to print its stacks and exit.</summary>
    private sealed record AbortTimedOut(WorkerId Worker);

    /// <summary>A stopping worker's time to drain and exit passed.</summary>
    private sealed record StopTimedOut(WorkerId Worker);

    /// <summary>Time to try starting this slot again after a start-up failure.</summary>
    private sealed record RetrySlot(int Slot, int Generation);

    /// <summary>What the supervisor knows of one worker process.</summary>
    private sealed class Worker(WorkerId id)
    {
        public WorkerId Id { get; } = id;

        public int? ProcessId { get; set; }

        /// <summary>The <see cref="TimeProvider"/> timestamp of its start.</summary>
        public long StartedAt { get; init; }

        /// <summary>The <see cref="TimeProvider"/> timestamp of its becoming ready.</summary>
        public long ReadyAt { get; set; }

        public State State { get; set; }

        public bool Retiring { get; set; }

        public string Describe() => ProcessId is { } pid ? $"{Id}, pid {pid}" : Id.ToString();
    }
}
