namespace AkkaWsgi.Python;

/// <summary>The WSGI application could not be imported or is not callable.</summary>
public sealed class ApplicationLoadException : Exception
{
    public ApplicationLoadException(string summary, string traceback)
        : base(summary) => Traceback = traceback;

    public ApplicationLoadException()
        : this("the application could not be loaded", "")
    {
    }

    public ApplicationLoadException(string message)
        : this(message, "")
    {
    }

    public ApplicationLoadException(string message, Exception innerException)
        : base(message, innerException) => Traceback = "";

    /// <summary>The Python traceback, as Python prints it (empty when there was none).</summary>
    public string Traceback { get; }
}
