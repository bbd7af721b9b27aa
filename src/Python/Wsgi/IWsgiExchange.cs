namespace AkkaWsgi.Python.Wsgi;

/// <summary>One request and its response, as the WSGI bridge sees them.</summary>
public interface IWsgiExchange
{
    /// <summary>"METHOD target", for log lines about this request.</summary>
    string Description { get; }

    /// <summary>The request body, already complete.</summary>
    RequestBody Body { get; }

    IWsgiResponse Response { get; }

    /// <summary>Adds the request's CGI variables and headers to the environ (PEP 3333).</summary>
    void WriteEnviron(EnvironWriter environ);
}
