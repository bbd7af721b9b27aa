namespace AkkaWsgi.Hosting;

/// <summary>The server cannot start: no usable Python, or an application that cannot be imported; the message says which.</summary>
public sealed class AkkaWsgiStartupException : Exception
{
    public AkkaWsgiStartupException()
    {
    }

    public AkkaWsgiStartupException(string message)
        : base(message)
    {
    }

    public AkkaWsgiStartupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
