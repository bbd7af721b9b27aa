namespace AkkaWsgi.Python;

/// <summary>No usable CPython: not found, no shared library, too old, or it failed to load.</summary>
public sealed class PythonNotFoundException : Exception
{
    public PythonNotFoundException(string message)
        : base(message)
    {
    }

    public PythonNotFoundException()
        : this("no usable Python was found")
    {
    }

    public PythonNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
