namespace AkkaWsgi.Hosting.Server;

/// <summary>
/// Lets a CoordinatedShutdown task have Python finalised on the thread that initialised it, which is waiting here.
/// </summary>
/// <remarks>
/// CPython's finalisation belongs to its main thread: <c>threading._shutdown</c> and the main thread state are that
/// thread's. The shutdown's own tasks run on the thread pool, so the task asks and the main thread does it.
/// </remarks>
internal sealed class PythonExitHandOff
{
    private readonly TaskCompletionSource asked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Called by the shutdown: completes once the main thread has finalised Python (or declined to).</summary>
    public Task RequestAsync()
    {
        asked.TrySetResult();
        return done.Task;
    }

    /// <summary>
    /// Blocks the main thread until the shutdown asks (then runs <paramref name="finalise"/> and returns its result)
    /// or finishes without asking (false: Python was not finalised).
    /// </summary>
    public bool FinaliseWhenAsked(Task shutdown, Func<bool> finalise)
    {
        Task.WaitAny(asked.Task, shutdown);
        if (!asked.Task.IsCompleted)
        {
            return false;
        }

        try
        {
            return finalise();
        }
        finally
        {
            done.TrySetResult();
        }
    }
}
