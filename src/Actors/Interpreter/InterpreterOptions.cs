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

}
