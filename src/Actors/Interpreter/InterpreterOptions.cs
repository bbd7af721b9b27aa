namespace AkkaWsgi.Actors.Interpreter;

/// <summary>How long a worker keeps the GIL across back-to-back requests.</summary>
public sealed record InterpreterOptions
{
    /// <summary>
    /// Requests a worker may run in a row without letting go of the GIL. Handing the GIL between 16 threads after
    /// every request was measured to cost about half the throughput of a small app.
    /// </summary>
    public int MaxBatch { get; init; } = 32;

    /// <summary>Time a worker may keep the GIL across requests before offering it to the others.</summary>
    public TimeSpan MaxBatchTime { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// One request in this many has its CPU and wall time measured for the dispatcher. Reading a thread's CPU time is a
    /// system call of a few hundred nanoseconds; one request in eight keeps that under 1 % of a hello-world request
    /// while the dispatcher still hears about a change of load within a few dozen requests.
    /// </summary>
    public int SampleEvery { get; init; } = 8;
}
