namespace AkkaWsgi.Python.Wsgi;

/// <summary>The per-request environ keys a server supplies besides the HTTP_ headers (PEP 3333, CGI).</summary>
public enum EnvironKey
{
    RequestMethod,
    PathInfo,
    QueryString,
    ContentType,
    ContentLength,
    ServerName,
    ServerPort,
    ServerProtocol,
    RemoteAddr,
    RemotePort,
    RequestUri,
    UrlScheme,
    ScriptName,
}
