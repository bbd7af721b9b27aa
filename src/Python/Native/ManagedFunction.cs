namespace AkkaWsgi.Python.Native;

/// <summary>A .NET function Python code can call, such as start_response or write.</summary>
/// <remarks>
/// Each Python-side function object carries a token (for example the request it belongs to), so one registered
/// function serves every request and a stale function object from an earlier request can be recognised.
/// </remarks>
public abstract class ManagedFunction
{
    protected ManagedFunction(string name) => Name = name;

    public string Name { get; }

    /// <summary>Runs with the GIL held. Returns an owned result for Python (null means None); throws
    /// <see cref="PyRaiseException"/> to raise a Python exception.</summary>
    public abstract PyObject? Invoke(long token, PyArgs args);
}
