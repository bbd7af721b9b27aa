namespace AkkaWsgi.Python.Native;

/// <summary>
/// Runs a short piece of work under the GIL on a thread that is not an interpreter worker (the watchdog, a signal
/// handler). PyGILState_Ensure gives such a thread a temporary thread state, which is right here: unlike a worker,
/// it keeps nothing in Python between calls.
/// </summary>
public static unsafe class ForeignThreadGil
{
    public static T Run<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var state = Py.Lib.PyGILState_Ensure();
        try
        {
            Py.DrainDeferred();
            return work();
        }
        finally
        {
            Py.Lib.PyGILState_Release(state);
        }
    }
}
