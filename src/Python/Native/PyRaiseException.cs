namespace AkkaWsgi.Python.Native;

/// <summary>The Python exception classes .NET code raises into Python.</summary>
public enum PyErrorKind
{
    TypeError,
    ValueError,
    RuntimeError,
    OSError,
}

/// <summary>Thrown by a <see cref="ManagedFunction"/> to raise a Python exception in its caller.</summary>
public sealed class PyRaiseException : Exception
{
    public PyRaiseException(PyErrorKind kind, string message)
        : base(message) => Kind = kind;

    public PyRaiseException()
        : this(PyErrorKind.RuntimeError, "error")
    {
    }

    public PyRaiseException(string message)
        : this(PyErrorKind.RuntimeError, message)
    {
    }

    public PyRaiseException(string message, Exception innerException)
        : base(message, innerException) => Kind = PyErrorKind.RuntimeError;

    private PyRaiseException(bool alreadySet)
        : base("the Python error indicator is already set") => IsAlreadySet = alreadySet;

    /// <summary>Raised after the Python error indicator was set directly (a re-raise of exc_info).</summary>
    public static PyRaiseException AlreadySet { get; } = new(alreadySet: true);

    public PyErrorKind Kind { get; }

    public bool IsAlreadySet { get; }
}
