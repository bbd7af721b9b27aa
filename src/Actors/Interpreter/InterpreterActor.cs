using Akka.Actor;
using AkkaWsgi.Actors.Dispatch;
using AkkaWsgi.Python.Native;
using AkkaWsgi.Python.Wsgi;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Actors.Interpreter;

/// <summary>
/// One Python interpreter worker: a dedicated OS thread with its own CPython thread state, kept for life, running the
/// requests the dispatcher hands it.
/// </summary>
/// <remarks>
/// The worker takes the GIL for a request and keeps it while more requests are already waiting in its mailbox (up
/// to <see cref="InterpreterOptions.MaxBatch"/> and <see cref="InterpreterOptions.MaxBatchTime"/>); it lets go when
/// the mailbox is empty. The bridge itself releases the GIL whenever it waits for the network. Finished requests go to
/// <see cref="RequestCompletions"/>; when it runs out of work, the worker finishes what is queued there itself.
/// <para>
/// It runs on <see cref="Hosting.ActorDispatchers.Pinned"/>: its own OS thread for life, on which the thread state is
/// created (PreStart) and deleted (PostStop). A failure that escapes a request has already been answered (the
/// connection aborted) and the dispatcher told; its parent resumes it (<see cref="Hosting.ServerSupervision"/>), since a
/// restart would throw away a thread state the application's <c>threading.local</c> data lives in.
/// </para>
/// </remarks>
public sealed class InterpreterActor(
    WsgiApplication application,
    IActorRef dispatcher,
    InterpreterOptions options,
    TimeProvider time,
    ILogger logger,
    RequestCompletions? completions = null) : UntypedActor
{
    private PythonThread? python;
    private WsgiWorker? worker;
    private long batchStarted;
    private int batchCount;
    private ThreadSchedule? schedule;
    private RequestFinished? finished;

    /// <summary>Creates a worker's props, on a thread of its own.</summary>
    public static Props Props(WsgiApplication application, IActorRef dispatcher, InterpreterOptions options, TimeProvider time, ILogger logger,
        RequestCompletions? completions = null) =>
        Akka.Actor.Props.Create(() => new InterpreterActor(application, dispatcher, options, time, logger, completions))
            .WithDispatcher(Hosting.ActorDispatchers.Pinned);

    protected override void PreStart()
    {
        schedule = ThreadSchedule.OpenForCurrentThread();
        completions?.DeferOnCurrentThread();
        python = PythonThread.CreateForCurrentThread();
        python.Enter();
        try
        {
            worker = application.CreateWorker(python);
        }
        finally
        {
            python.Exit();
        }

        dispatcher.Tell(new WorkerReady(Self, worker!, schedule));
    }

    protected override void OnReceive(object message)
    {
        if (message is not Run run)
        {
            Unhandled(message);
            return;
        }

        try
        {
            TakeGil();
            if (run.Job is Background.BackgroundRun background)
            {
                worker!.RunBackground(background.Job, background.Exchange);
            }
            else
            {
                var started = time.GetTimestamp();
                worker!.Run(run.Job.Exchange);
                schedule?.AddRequestTime(time.GetElapsedTime(started));
            }
        }
#pragma warning disable CA1031 // whatever a request does, the worker must live on to serve the next one
        catch (Exception e)
#pragma warning restore CA1031
        {
            InterpreterLog.RequestCrashed(logger, run.Job.Exchange.Description, e);
            if (run.Job is not Background.BackgroundRun)
            {
                run.Job.Exchange.Response.Abort();
            }
        }
        finally
        {
            Finish(run.Job);
        }
    }

    /// <summary>
    /// Ends the job and tells the dispatcher, which must hear of it even if ending the job throws (the failure then goes
    /// to the supervisor, which resumes this actor), or this worker would never be given work again.
    /// </summary>
    private void Finish(IRequestJob job)
    {
        // Until it is known below whether this thread runs the completion itself, posting it wakes no one.
        completions?.HoldWakes();
        var failed = true;
        try
        {
            job.Complete();
            failed = false;
        }
        finally
        {
            var runQueuedHere = true;
            try
            {
                // The same message every time: it only names this worker, and one less allocation per request.
                dispatcher.Tell(finished ??= new RequestFinished(Self));

                // The dispatcher usually runs on this thread during that Tell, so a next request is already queued here
                // if there is one: keep the GIL for it, and let go when there is nothing to do, or when this actor is
                // about to be suspended for its supervisor's decision. Then, without the GIL, this thread finishes the
                // requests queued for the completion thread: it would only go to sleep while that one was woken for them.
                runQueuedHere = failed || !((ActorCell)Context).HasMessages;
                if (runQueuedHere && python is { HoldsGil: true })
                {
                    python.Exit();
                }
            }
            finally
            {
                if (runQueuedHere)
                {
                    completions?.RunQueuedHere();
                }
                else
                {
                    completions?.ReleaseHeld();
                }
            }
        }
    }

    protected override void PostStop()
    {
        schedule?.Dispose();
        if (python is null)
        {
            return;
        }

        if (!python.HoldsGil)
        {
            python.Enter();
        }

        worker?.Dispose();
        python.Dispose();
    }

    private void TakeGil()
    {
        var now = time.GetTimestamp();
        if (!python!.HoldsGil)
        {
            WaitForGil();
            (batchStarted, batchCount) = (now, 0);
            return;
        }

        if (++batchCount >= options.MaxBatch || time.GetElapsedTime(batchStarted, now) >= options.MaxBatchTime)
        {
            // Offer the GIL to workers that are waiting for it; CPython hands it over if one asked.
            python.Exit();
            WaitForGil();
            (batchStarted, batchCount) = (time.GetTimestamp(), 0);
        }
    }

    /// <summary>Takes the GIL, letting the dispatcher see meanwhile that this worker holds a request it cannot run yet.</summary>
    private void WaitForGil()
    {
        schedule?.SetWaitingForGil(true);
        try
        {
            python!.Enter();
        }
        finally
        {
            schedule?.SetWaitingForGil(false);
        }
    }
}
