using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Actors.Interpreter;

/// <summary>
/// Runs the connection side's continuation of finished requests (the end of the response, the socket send, the read
/// of the next request) on one thread of its own, several at a time while the interpreter workers have more to run,
/// or on a worker's thread once that worker has nothing else to do.
/// </summary>
/// <remarks>
/// An interpreter worker that finishes a request must not do the connection's work while it has Python to run (that
/// is time taken from the thread holding the GIL), and handing each request to the runtime's thread pool cost more than
/// the work: the pool's idle threads spin and yield between requests, several context switches per request on cores
/// that are all busy. Here a worker only queues the request. While it has another request waiting it does not wake
/// this thread either; the thread is woken when <see cref="Batch"/> requests are queued, or at the latest after
/// <see cref="DefaultMaxDelay"/>. A worker that runs out of work runs what is queued itself
/// (<see cref="RunQueuedHere"/>), without the GIL: its thread would otherwise go to sleep while this one is woken for
/// the same work. Posts from any other thread wake this one at once. Measured (docs/performance.md): the server's CPU
/// per Flask request a third lower, throughput higher, most at a few connections.
/// <para>
/// While this thread sleeps without a deadline (nothing to do for a while: a light load), a worker's post would wake it
/// at once, and the worker, out of work a moment later, would find nothing left to run: a wake-up per request for
/// nothing, on the path of an application that waits. So a worker holds its wakes from the end of a request until it
/// knows what it does next (<see cref="HoldWakes"/>), then runs the completions itself or wakes this thread for them
/// (<see cref="ReleaseHeld"/>).
/// </para>
/// </remarks>
public sealed class RequestCompletions : IDisposable
{
    /// <summary>Queued completions that wake the thread even while workers still have requests waiting.</summary>
    public const int Batch = 16;

    /// <summary>The longest a completion waits for the thread while workers keep it from being woken, by default.</summary>
    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromMilliseconds(1);

    // Completions never wait for anything; one that does must not hold the process's exit.
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private const int Running = 0;
    private const int WaitingBriefly = 1;
    private const int Idle = 2;

    // The thread whose posts may wait for RunQueuedHere: an interpreter worker, for the server it belongs to.
    [ThreadStatic]
    private static RequestCompletions? deferringFor;

    // The thread whose posts leave even a sleeping completion thread alone until it decides (HoldWakes).
    [ThreadStatic]
    private static RequestCompletions? holdingFor;

    private readonly ConcurrentQueue<IThreadPoolWorkItem> queue = new();
    private readonly object gate = new();
    private readonly ILogger logger;
    private readonly Thread thread;
    private readonly TimeSpan maxDelay;
    private int queued;
    private int state = Running;
    private volatile bool stopping;
    private volatile bool stopped;

    /// <summary>Starts the completion thread.</summary>
    /// <param name="maxDelay">How long a deferred completion may wait at most (<see cref="DefaultMaxDelay"/>); 1 ms or more.</param>
    public RequestCompletions(ILogger logger, TimeSpan? maxDelay = null)
    {
        this.logger = logger;
        this.maxDelay = maxDelay ?? DefaultMaxDelay;

        // Monitor.Wait counts whole milliseconds: anything shorter would not wait at all, and the thread would be woken
        // for every request (measured: Flask 29 % slower, docs/performance.md).
        ArgumentOutOfRangeException.ThrowIfLessThan(this.maxDelay, TimeSpan.FromMilliseconds(1), nameof(maxDelay));
        thread = new Thread(Run) { IsBackground = true, Name = "akkawsgi.complete" };
        thread.Start();
    }

    /// <summary>True while the thread waits briefly after a batch (tests wait for it).</summary>
    internal bool WaitsBriefly => Volatile.Read(ref state) == WaitingBriefly;

    /// <summary>True while the thread sleeps until it is woken (tests wait for it).</summary>
    internal bool Sleeps => Volatile.Read(ref state) == Idle;

    /// <summary>Lets the current thread's posts wait for <see cref="RunQueuedHere"/> (an interpreter worker's thread).</summary>
    public void DeferOnCurrentThread() => deferringFor = this;

    /// <summary>
    /// Queues a finished request; its <see cref="IThreadPoolWorkItem.Execute"/> runs on the completion thread, or on a
    /// worker's thread that calls <see cref="RunQueuedHere"/> first.
    /// </summary>
    public void Post(IThreadPoolWorkItem completion)
    {
        queue.Enqueue(completion);
        var count = Interlocked.Increment(ref queued);
        if (stopped)
        {
            // Nothing may be left waiting for a thread that is gone: finish it here (only while the server stops).
            Drain();
            return;
        }

        var current = Volatile.Read(ref state);
        if (current == Idle ? holdingFor != this : current == WaitingBriefly && (deferringFor != this || count >= Batch))
        {
            Wake();
        }
    }

    /// <summary>
    /// Keeps the current thread's posts from waking the completion thread until <see cref="RunQueuedHere"/> or
    /// <see cref="ReleaseHeld"/>, to be called without anything in between that could wait: a worker ending a request,
    /// which does not know yet whether it will run the completion itself.
    /// </summary>
    public void HoldWakes() => holdingFor = this;

    /// <summary>Runs what is queued on the current thread: a worker's, which has nothing else to do for now. Ends a hold.</summary>
    public void RunQueuedHere()
    {
        try
        {
            Drain();
        }
        finally
        {
            holdingFor = null;
        }
    }

    /// <summary>Ends a hold of the current thread's wakes, waking the completion thread if its posts found it asleep.</summary>
    public void ReleaseHeld()
    {
        holdingFor = null;

        // The post came before this look at the queue; the thread announces its sleep before its own last look (Run).
        if (!queue.IsEmpty && Volatile.Read(ref state) == Idle)
        {
            Wake();
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            stopping = true;
            Monitor.Pulse(gate);
        }

        // Disposed from a completion (a host stopped by a request) the thread finishes on its own, after it.
        if (Thread.CurrentThread != thread && !thread.Join(StopTimeout))
        {
            InterpreterLog.CompletionsNotStopped(logger, StopTimeout.TotalSeconds);
        }
    }

    private void Wake()
    {
        lock (gate)
        {
            Monitor.Pulse(gate);
        }
    }

    private void Run()
    {
        while (!stopping)
        {
            var didWork = Drain();

            lock (gate)
            {
                // Announce the wait before the last look at the queue: a post after that look sees the state and wakes
                // this thread; one before it is found by the look.
                Interlocked.Exchange(ref state, didWork ? WaitingBriefly : Idle);
                if (queue.IsEmpty && !stopping)
                {
                    if (didWork)
                    {
                        Monitor.Wait(gate, maxDelay);
                    }
                    else
                    {
                        Monitor.Wait(gate);
                    }
                }

                Interlocked.Exchange(ref state, Running);
            }
        }

        // A post after this either is drained here or sees the flag and drains itself (both sides write, fence, read).
        stopped = true;
        Interlocked.MemoryBarrier();
        Drain();
    }

    private bool Drain()
    {
        var any = false;
        while (queue.TryDequeue(out var completion))
        {
            Interlocked.Decrement(ref queued);
            any = true;
            try
            {
                completion.Execute();
            }
#pragma warning disable CA1031 // one request's failure must not stop the completion of every other
            catch (Exception e)
#pragma warning restore CA1031
            {
                InterpreterLog.CompletionFailed(logger, e);
            }
        }

        return any;
    }
}
