using AkkaWsgi.Python.Native;

namespace AkkaWsgi.Python.Wsgi;

/// <summary>Interned key strings for the environ, created once so a request only sets items.</summary>
internal sealed class EnvironKeys : IDisposable
{
    private readonly PyObject[] keys;

    public EnvironKeys()
    {
        keys = Enum.GetValues<EnvironKey>().Select(k => Py.Intern(Name(k))).ToArray();
        WsgiInput = Py.Intern("wsgi.input");
    }

    public PyObject WsgiInput { get; }

    public PyObject this[EnvironKey key] => keys[(int)key];

    public static string Name(EnvironKey key) => key switch
    {
        EnvironKey.RequestMethod => "REQUEST_METHOD",
        EnvironKey.PathInfo => "PATH_INFO",
        EnvironKey.QueryString => "QUERY_STRING",
        EnvironKey.ContentType => "CONTENT_TYPE",
        EnvironKey.ContentLength => "CONTENT_LENGTH",
        EnvironKey.ServerName => "SERVER_NAME",
        EnvironKey.ServerPort => "SERVER_PORT",
        EnvironKey.ServerProtocol => "SERVER_PROTOCOL",
        EnvironKey.RemoteAddr => "REMOTE_ADDR",
        EnvironKey.RemotePort => "REMOTE_PORT",
        EnvironKey.RequestUri => "REQUEST_URI",
        EnvironKey.UrlScheme => "wsgi.url_scheme",
        EnvironKey.ScriptName => "SCRIPT_NAME",
        _ => throw new ArgumentOutOfRangeException(nameof(key)),
    };

    public void Dispose()
    {
        foreach (var key in keys)
        {
            key.Dispose();
        }

        WsgiInput.Dispose();
    }
}
