namespace AkkaWsgi.Python.Native;

/// <summary>
/// Runs a short piece of work under the GIL on a thread that is not an interpreter worker (the watchdog, a signal
/// handler). pythonnet's <c>Py.GIL()</c> gives such a thread a temporary thread state, which is right here: unlike a
/// worker, it keeps nothing in Python between calls.
/// </summary>
public static class ForeignThreadGil
{
    public static T Run<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        using (global::Python.Runtime.Py.GIL())
        {
            Py.DrainDeferred();
            return work();
        }
    }
}
