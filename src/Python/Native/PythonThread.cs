using PythonEngine = Python.Runtime.PythonEngine;
using PythonNetGil = Python.Runtime.Py.GILState;

namespace AkkaWsgi.Python.Native;

/// <summary>
/// One OS thread's own CPython thread state, created on that thread and kept for its life, so that
/// <c>threading.local</c> values survive between the requests a worker runs.
/// </summary>
/// <remarks>
/// The thread state comes from pythonnet: an outermost <c>Py.GIL()</c> (PyGILState_Ensure) creates it, and it is held
/// for the thread's whole life, the GIL being released between requests with <c>BeginAllowThreads</c> and taken back
/// with <c>EndAllowThreads</c> (PyEval_SaveThread/RestoreThread, as cheap as the C calls themselves). A
/// <c>Py.GIL()</c> per request would delete the thread state each time and lose those values (pythonnet issue 1452),
/// and extension modules that cache a thread's state would be left with a dangling one. Every method must be called on
/// the owning thread; the <c>Py.GIL()</c> scope must end on it too, or pythonnet's finalizer fails.
/// </remarks>
public sealed class PythonThread : IDisposable
{
    private readonly int ownerManagedThreadId;
    private readonly PythonNetGil? lifetime;
    private nint savedState;
    private bool holdsGil;

    private PythonThread(PythonNetGil? lifetime, bool holdsGil)
    {
        this.lifetime = lifetime;
        this.holdsGil = holdsGil;
        ownerManagedThreadId = Environment.CurrentManagedThreadId;
        PythonThreadId = Py.CurrentThreadIdent();
    }

    /// <summary>The thread id CPython knows this thread by (what PyThreadState_SetAsyncExc needs).</summary>
    public nuint PythonThreadId { get; }

    public bool HoldsGil => holdsGil;

    /// <summary>Creates a thread state for the calling thread, which must not hold the GIL; returns with it released.</summary>
    public static PythonThread CreateForCurrentThread()
    {
        var thread = new PythonThread(global::Python.Runtime.Py.GIL(), holdsGil: true);
        thread.Exit();
        return thread;
    }

    /// <summary>Adopts the thread state of the thread that initialised Python (which holds the GIL).</summary>
    internal static PythonThread AdoptInitializingThread() => new(lifetime: null, holdsGil: true);

    /// <summary>Takes the GIL for this thread, then releases references other threads dropped without it.</summary>
    public void Enter()
    {
        CheckOwner();
        if (holdsGil)
        {
            throw new InvalidOperationException("this thread already holds the GIL");
        }

        PythonEngine.EndAllowThreads(savedState);
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

        savedState = PythonEngine.BeginAllowThreads();
        holdsGil = false;
    }

    /// <summary>
    /// Raises <paramref name="exceptionType"/> in this thread the next time it runs Python bytecode. Any thread may
    /// call it, holding the GIL. A thread inside a long C call (or time.sleep) sees it only when that call returns.
    /// </summary>
    /// <remarks>
    /// pythonnet's own <c>Interrupt</c> raises only KeyboardInterrupt; the server raises its own exception class
    /// through the same loaded library.
    /// </remarks>
    public void RaiseAsync(PyObject exceptionType)
    {
        if (!Py.HoldsGil)
        {
            throw new InvalidOperationException("raising in another thread needs the GIL");
        }

        Py.RaiseAsync(PythonThreadId, exceptionType);
    }

    /// <summary>Withdraws an asynchronous exception not yet raised, so it cannot hit a later request.</summary>
    public void ClearPendingAsync() => Py.ClearPendingAsync(PythonThreadId);

    /// <summary>Releases the GIL for a blocking wait and takes it back when the scope ends.</summary>
    public GilRelease ReleaseGil() => new(this);

    /// <summary>Destroys a worker's thread state (ending its outermost <c>Py.GIL()</c>), as its thread ends.</summary>
    public void Dispose()
    {
        if (lifetime is null || (!holdsGil && savedState == 0))
        {
            return;
        }

        CheckOwner();
        if (!holdsGil)
        {
            Enter();
        }

        // PyGILState_Release at the outermost level clears and deletes the thread state and releases the GIL.
        lifetime.Dispose();
        holdsGil = false;
        savedState = 0;
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
