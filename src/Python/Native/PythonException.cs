namespace AkkaWsgi.Python.Native;

/// <summary>A Python exception that crossed into .NET, with its type name, message and formatted traceback.</summary>
public sealed class PythonException : Exception
{
    public PythonException(string typeName, string message, string traceback)
        : base($"{typeName}: {message}")
    {
        TypeName = typeName;
        PythonMessage = message;
        Traceback = traceback;
    }

    public PythonException()
        : this("Exception", "", "")
    {
    }

    public PythonException(string message)
        : this("Exception", message, "")
    {
    }

    public PythonException(string message, Exception innerException)
        : base(message, innerException)
    {
        TypeName = "Exception";
        PythonMessage = message;
        Traceback = "";
    }

    /// <summary>The exception's class name, qualified by its module unless it is a builtin.</summary>
    public string TypeName { get; }

    /// <summary>str() of the exception value.</summary>
    public string PythonMessage { get; }

    /// <summary>The whole traceback as Python's traceback module prints it (chained exceptions included).</summary>
    public string Traceback { get; }

    /// <summary>True when this is (a subclass of) SystemExit or KeyboardInterrupt, which callers must not swallow.</summary>
    public bool IsExit => TypeName is "SystemExit" or "KeyboardInterrupt";

    /// <summary>Takes the pending Python error (GIL held) and clears it.</summary>
    internal static PythonException Fetch() => Py.FetchError();
}
