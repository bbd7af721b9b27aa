namespace AkkaWsgi.Python.Wsgi;

/// <summary>The application broke a PEP 3333 rule in a way that fails its request (not raised into Python).</summary>
public sealed class WsgiProtocolException : Exception
{
    public WsgiProtocolException(string message)
        : base(message)
    {
    }

    public WsgiProtocolException()
        : this("the application broke the WSGI protocol")
    {
    }

    public WsgiProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
