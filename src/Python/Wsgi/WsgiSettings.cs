namespace AkkaWsgi.Python.Wsgi;

/// <summary>The process-wide facts an environ reports (PEP 3333 wsgi.* variables).</summary>
public sealed record WsgiSettings
{
    /// <summary>wsgi.multiprocess: true when several processes serve the same application.</summary>
    public bool MultiProcess { get; init; }
}
