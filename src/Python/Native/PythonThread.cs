namespace AkkaWsgi.Python.Native;

/// <summary>
/// One OS thread's own CPython thread state, created on that thread and kept for its life, so that
/// <c>threading.local</c> values survive between the requests a worker runs.
/// </summary>
/// <remarks>
/// PyGILState_Ensure/Release per call would create and destroy a thread state each time and lose those values.
/// Every method must be called on the owning thread.
/// </remarks>
public sealed unsafe class PythonThread : IDisposable
{
    private readonly int ownerManagedThreadId;
    private nint state;
    private bool holdsGil;

    private PythonThread(nint state, bool holdsGil)
    {
        this.state = state;
        this.holdsGil = holdsGil;
        ownerManagedThreadId = Environment.CurrentManagedThreadId;
    }

    /// <summary>The thread id CPython knows this thread by (what PyThreadState_SetAsyncExc needs).</summary>
    public nuint PythonThreadId { get; private set; }

    public bool HoldsGil => holdsGil;

    /// <summary>Creates a thread state for the calling thread, which must not hold the GIL.</summary>
    public static PythonThread CreateForCurrentThread()
    {
        var lib = Py.Lib;
        var thread = new PythonThread(lib.PyThreadState_New(lib.PyInterpreterState_Main()), holdsGil: false);
        if (thread.state == 0)
        {
            throw new InvalidOperationException("PyThreadState_New failed");
        }

        thread.Enter();
        thread.PythonThreadId = lib.PyThread_get_thread_ident();
        thread.Exit();
        return thread;
    }

    /// <summary>Adopts the thread state of the thread that initialised Python (which holds the GIL).</summary>
    internal static PythonThread AdoptInitializingThread()
    {
        return new PythonThread(Py.Lib.PyThreadState_Get(), holdsGil: true)
        {
            PythonThreadId = Py.Lib.PyThread_get_thread_ident(),
        };
    }

    /// <summary>Takes the GIL for this thread, then releases references other threads dropped without it.</summary>
    public void Enter()
    {
        CheckOwner();
        if (holdsGil)
        {
            throw new InvalidOperationException("this thread already holds the GIL");
        }

        Py.Lib.PyEval_RestoreThread(state);
        holdsGil = true;
        Py.DrainDeferred();
    }

    /// <summary>Releases the GIL so other Python threads can run.</summary>
    public void Exit()
    {
        CheckOwner();
        if (!holdsGil)
        {
            throw new InvalidOperationException("this thread does not hold the GIL");
        }

        state = Py.Lib.PyEval_SaveThread();
        holdsGil = false;
    }

    /// <summary>
    /// Raises <paramref name="exceptionType"/> in this thread the next time it runs Python bytecode. Any thread may
    /// call it, holding the GIL. A thread inside a long C call (or time.sleep) sees it only when that call returns.
    /// </summary>
    public void RaiseAsync(PyObject exceptionType)
    {
        if (!Py.HoldsGil)
        {
            throw new InvalidOperationException("raising in another thread needs the GIL");
        }

        Py.Lib.PyThreadState_SetAsyncExc(PythonThreadId, exceptionType.Handle);
    }

    /// <summary>Withdraws an asynchronous exception not yet raised, so it cannot hit a later request.</summary>
    public void ClearPendingAsync() => Py.Lib.PyThreadState_SetAsyncExc(PythonThreadId, 0);

    /// <summary>Releases the GIL for a blocking wait and takes it back when the scope ends.</summary>
    public GilRelease ReleaseGil() => new(this);

    /// <summary>Destroys the thread state; a worker thread does this as it ends.</summary>
    public void Dispose()
    {
        if (state == 0 && !holdsGil)
        {
            return;
        }

        CheckOwner();
        if (!holdsGil)
        {
            Enter();
        }

        Py.Lib.PyThreadState_Clear(state);
        Py.Lib.PyThreadState_DeleteCurrent(); // also releases the GIL
        holdsGil = false;
        state = 0;
    }

    private void CheckOwner()
    {
        if (Environment.CurrentManagedThreadId != ownerManagedThreadId)
        {
            throw new InvalidOperationException("a Python thread state can only be used by the thread that created it");
        }
    }

    /// <summary>Scope in which the owning thread does not hold the GIL.</summary>
    public readonly struct GilRelease : IDisposable
    {
        private readonly PythonThread thread;

        internal GilRelease(PythonThread thread)
        {
            this.thread = thread;
            thread.Exit();
        }

        public void Dispose() => thread.Enter();
    }
}
