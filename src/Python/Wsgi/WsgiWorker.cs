using AkkaWsgi.Python.Native;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Python.Wsgi;

/// <summary>
/// Runs requests through the WSGI application on one interpreter thread: builds the environ, calls the application,
/// sends the body and calls close() (PEP 3333). One request at a time, always with the GIL held.
/// </summary>
public sealed partial class WsgiWorker : IDisposable
{
    private readonly WsgiApplication app;
    private readonly PythonThread thread;
    private readonly int index;
    private readonly ILogger logger;
    private readonly PyObject environTemplate;
    private readonly EnvironWriter environWriter;
    private uint sequence;
    private IWsgiExchange? exchange;
    private TimeSpan? interruptedAfter;

    internal WsgiWorker(WsgiApplication app, PythonThread thread, int index, ILogger logger)
    {
        this.app = app;
        this.thread = thread;
        this.index = index;
        this.logger = logger;
        environWriter = new EnvironWriter(app.Keys);
        environTemplate = CreateEnvironTemplate();
    }

    /// <summary>The CPython id of this worker's thread (to find its stack).</summary>
    public nuint PythonThreadId => thread.PythonThreadId;

    /// <summary>Runs one request to completion: the response is complete, failed with 500, or aborted.</summary>
    public void Run(IWsgiExchange request)
    {
        if (!thread.HoldsGil)
        {
            throw new InvalidOperationException("WsgiWorker.Run needs the GIL");
        }

        BeginWork(request);
        sequence++;
        ResetResponse();
        var token = ((long)index << 32) | sequence;
        PyObject? result = null;
        string? failure = null;
        string? closeFailure = null;
        try
        {
            using var environ = environTemplate.CopyDict();
            environWriter.Begin(environ);
            try
            {
                request.WriteEnviron(environWriter);
            }
            finally
            {
                environWriter.End();
            }

            using (var input = OpenInput(request.Body))
            {
                environ.SetItem(app.Keys.WsgiInput, input);
            }

            using var startResponse = FunctionTable.Create(app.StartResponseId, token);
            result = app.Callable.Call(environ, startResponse);
            SendBody(result);
        }
        catch (Exception e) when (e is PythonException or WsgiProtocolException or InvalidOperationException or IOException)
        {
            failure = Describe(e);
        }
        finally
        {
            if (result is not null)
            {
                closeFailure = Close(result); // PEP 3333: on every path, errors included
                result.Dispose();
            }
        }

        try
        {
            Finish(failure, closeFailure);
        }
        finally
        {
            sequence++; // start_response and write objects the application kept now refuse to work
            EndWork();
        }
    }

    /// <summary>
    /// Runs a cron or timer job on this worker. <paramref name="identity"/> stands for the run, as an exchange
    /// stands for a request, so a deadline can interrupt exactly this run. Returns false when the job raised (the
    /// traceback is logged).
    /// </summary>
    public bool RunBackground(BackgroundJob job, IWsgiExchange identity)
    {
        if (!thread.HoldsGil)
        {
            throw new InvalidOperationException("WsgiWorker.RunBackground needs the GIL");
        }

        BeginWork(identity);
        try
        {
            using var _ = job.Function.Call();
            return true;
        }
        catch (PythonException e)
        {
            if (interruptedAfter is { } ranFor)
            {
                WsgiLog.BackgroundJobTimedOut(logger, job.Name, ranFor.TotalSeconds, e.Traceback.TrimEnd());
            }
            else
            {
                WsgiLog.BackgroundJobFailed(logger, job.Name, e.Traceback.TrimEnd());
            }

            return false;
        }
        finally
        {
            EndWork();
        }
    }

    /// <summary>Makes <paramref name="work"/> the one a deadline may interrupt.</summary>
    /// <remarks>
    /// Nothing can be pending from earlier work: only <see cref="TryInterrupt"/> raises in this thread, always for the
    /// current work, and <see cref="EndWork"/> withdraws what it raised, both under the GIL.
    /// </remarks>
    private void BeginWork(IWsgiExchange work)
    {
        exchange = work;
        interruptedAfter = null;
    }

    /// <summary>Ends the current work: a late interrupt is withdrawn, and locks an interrupt may have left are freed.</summary>
    /// <remarks>
    /// Withdrawing walks every thread state of the interpreter under its lock, so it is done only after an interrupt:
    /// done twice for every request, it cost 2.8 µs of GIL time a request with 16 workers on an application that waits
    /// 10 ms (about 4 % of all the time a worker held the GIL), though nothing measurable on a small one that does not.
    /// </remarks>
    private void EndWork()
    {
        exchange = null;
        if (interruptedAfter is not null)
        {
            thread.ClearPendingAsync();
            ReleaseLoggingLocks();
        }
    }

    /// <summary>
    /// Interrupts the request <paramref name="target"/> with akkawsgi.RequestTimeout, if this worker is still
    /// running it. The caller holds the GIL, so the worker cannot move on to another request meanwhile, and a stale
    /// deadline never hits the next request.
    /// </summary>
    public bool TryInterrupt(IWsgiExchange target, TimeSpan ranFor)
    {
        if (!ReferenceEquals(exchange, target) || interruptedAfter is not null)
        {
            return false;
        }

        interruptedAfter = ranFor;
        thread.RaiseAsync(app.RequestTimeoutType);
        return true;
    }

    private void ReleaseLoggingLocks()
    {
        try
        {
            using var released = app.ReleaseLoggingLocks.Call();
            if (released.ToInt64() is var count and > 0)
            {
                WsgiLog.LoggingLocksReleased(logger, count);
            }
        }
        catch (PythonException e)
        {
            WsgiLog.ApplicationError(logger, "releasing logging locks", e.Traceback);
        }
    }

    private PyObject CreateEnvironTemplate()
    {
        var environ = Py.Dict();
        using (var one = Py.Long(1))
        using (var zero = Py.Long(0))
        using (var version = Py.Tuple(one, zero))
        {
            environ.SetItem("wsgi.version", version);
        }

        using var errorLog = FunctionTable.Create(app.ErrorLogId, index);
        using var errors = app.ErrorStreamType.Call(errorLog);
        using var yes = Py.Bool(true);
        using var no = Py.Bool(false);
        using var multiProcess = Py.Bool(app.Settings.MultiProcess);
        using var empty = Py.Str("");
        environ.SetItem("wsgi.errors", errors);
        environ.SetItem("wsgi.multithread", yes);
        environ.SetItem("wsgi.multiprocess", multiProcess);
        environ.SetItem("wsgi.run_once", no);
        environ.SetItem("wsgi.input_terminated", yes);
        environ.SetItem("wsgi.file_wrapper", app.FileWrapperType);
        environ.SetItem("SCRIPT_NAME", empty);
        return environ;
    }

    private PyObject OpenInput(RequestBody body)
    {
        switch (body)
        {
            case RequestBody.InMemory { Data.IsEmpty: true }:
                return app.BytesIO.Call();
            case RequestBody.InMemory memory:
                using (var bytes = Py.Bytes(memory.Data.Span))
                {
                    return app.BytesIO.Call(bytes);
                }

            case RequestBody.InFile file:
                using (var path = Py.Str(file.Path))
                using (var mode = Py.Str("rb"))
                {
                    return app.OpenFile.Call(path, mode);
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(body));
        }
    }

    /// <summary>Calls the result's close(), exactly once; returns a failure description if it raised.</summary>
    private string? Close(PyObject result)
    {
        if (result.IsListOrTuple)
        {
            return null; // they have no close(), and asking would raise (and build) an AttributeError per request
        }

        try
        {
            using var close = result.TryGetAttr(app.CloseName);
            if (close is not null)
            {
                using var _ = close.Call();
            }

            return null;
        }
        catch (PythonException e)
        {
            return Describe(e);
        }
    }

    private static string Describe(Exception e) => e switch
    {
        PythonException python => python.Traceback.TrimEnd(),
        WsgiProtocolException protocol => protocol.Message,
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    public void Dispose()
    {
        environWriter.Dispose();
        environTemplate.Dispose();
    }
}
