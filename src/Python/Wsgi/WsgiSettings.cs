namespace AkkaWsgi.Python.Wsgi;

/// <summary>The process-wide facts an environ reports (PEP 3333 wsgi.* variables).</summary>
public sealed record WsgiSettings
{
    /// <summary>wsgi.multiprocess: true when several processes serve the same application.</summary>
    public bool MultiProcess { get; init; }

    /// <summary>
    /// The application's sys.stdout and sys.stderr become log records, one per line, from before its import (for
    /// <c>--log-format json</c>, whose log must stay one JSON object per line).
    /// </summary>
    public bool CaptureStandardStreams { get; init; }
}
