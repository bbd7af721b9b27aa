namespace AkkaWsgi.Python.Native;

/// <summary>An owned reference to a Python object; disposing it gives the reference back exactly once.</summary>
/// <remarks>
/// Dispose with the GIL held. A reference that is never disposed, or disposed on a thread without the GIL, is not
/// leaked: it is queued and released by the next thread that takes the GIL, because Py_DecRef without the GIL (for
/// example on the finalizer thread) corrupts the interpreter.
/// </remarks>
public sealed partial class PyObject : IDisposable
{
    private nint handle;

    private PyObject(nint handle) => this.handle = handle;

    ~PyObject()
    {
        if (handle != 0)
        {
            Py.DeferDecRef(handle);
        }
    }

    /// <summary>True once the reference has been given back or handed over.</summary>
    public bool IsDisposed => handle == 0;

    internal nint Handle => handle != 0 ? handle : throw new ObjectDisposedException(nameof(PyObject));

    /// <summary>Takes ownership of a new reference returned by the C-API; throws the pending Python error for NULL.</summary>
    internal static PyObject Steal(nint newReference) =>
        newReference != 0 ? new PyObject(newReference) : throw PythonException.Fetch();

    /// <summary>Takes ownership of a new reference, or returns null for NULL when no error is set.</summary>
    internal static PyObject? StealOrNull(nint newReference) =>
        newReference != 0 ? new PyObject(newReference) : Py.ErrorOccurred ? throw PythonException.Fetch() : null;

    /// <summary>Makes a borrowed reference owned (borrowed references are never kept as such).</summary>
    internal static PyObject FromBorrowed(nint borrowed)
    {
        if (borrowed == 0)
        {
            throw PythonException.Fetch();
        }

        Py.IncRef(borrowed);
        return new PyObject(borrowed);
    }

    /// <summary>Hands the reference over to a C-API call that steals it; this object is then empty.</summary>
    internal nint Release()
    {
        var h = Interlocked.Exchange(ref handle, 0);
        ObjectDisposedException.ThrowIf(h == 0, this);
#pragma warning disable CA1816 // handing the reference over ends this object's ownership just as Dispose does
        GC.SuppressFinalize(this);
#pragma warning restore CA1816
        return h;
    }

    /// <summary>Another owned reference to the same object.</summary>
    public PyObject NewReference() => FromBorrowed(Handle);

    public void Dispose()
    {
        var h = Interlocked.Exchange(ref handle, 0);
        if (h != 0)
        {
            Py.DecRef(h);
            GC.SuppressFinalize(this);
        }
    }

    public override string ToString() => handle == 0 ? "<released>" : Py.Describe(handle);
}
