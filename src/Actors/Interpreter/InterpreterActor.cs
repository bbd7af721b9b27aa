using AkkaWsgi.Actors.Dispatch;
using AkkaWsgi.Actors.Kernel;
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
/// the mailbox is empty. The bridge itself releases the GIL whenever it waits for the network.
/// </remarks>
public sealed class InterpreterActor(
    WsgiApplication application,
    IActorRef dispatcher,
    InterpreterOptions options,
    ILogger logger) : DedicatedActor
{
    private PythonThread? python;
    private WsgiWorker? worker;
    private long batchStarted;
    private int batchCount;

    protected override void OnThreadStart()
    {
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

        dispatcher.Tell(new WorkerReady(Self, worker!));
    }

    protected override void Receive(object message)
    {
        if (message is not Run run)
        {
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
                worker!.Run(run.Job.Exchange);
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
            run.Job.Complete();
            dispatcher.Tell(new RequestFinished(Self));
        }
    }

    protected override void OnMailboxEmpty()
    {
        if (python is { HoldsGil: true })
        {
            python.Exit();
        }
    }

    protected override void OnThreadStop()
    {
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
        var now = System.Time.GetTimestamp();
        if (!python!.HoldsGil)
        {
            python.Enter();
            (batchStarted, batchCount) = (now, 0);
            return;
        }

        if (++batchCount >= options.MaxBatch || System.Time.GetElapsedTime(batchStarted, now) >= options.MaxBatchTime)
        {
            // Offer the GIL to workers that are waiting for it; CPython hands it over if one asked.
            python.Exit();
            python.Enter();
            (batchStarted, batchCount) = (System.Time.GetTimestamp(), 0);
        }
    }
}
