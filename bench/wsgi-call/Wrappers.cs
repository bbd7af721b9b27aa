using AkkaWsgi.Python.Wsgi;
using Python.Runtime;

/// <summary>The same WSGI call made through pythonnet's object wrappers, as the server would without its C-API path.</summary>
internal static class Wrappers
{
    private static readonly (string Key, string Value)[] Cgi =
    [
        ("REQUEST_METHOD", "GET"), ("SCRIPT_NAME", ""), ("PATH_INFO", "/"), ("QUERY_STRING", ""), ("SERVER_NAME", "127.0.0.1"),
        ("SERVER_PORT", "8000"), ("SERVER_PROTOCOL", "HTTP/1.1"), ("REMOTE_ADDR", "127.0.0.1"), ("REMOTE_PORT", "50000"),
        ("HTTP_HOST", "127.0.0.1:8000"), ("HTTP_USER_AGENT", "Mozilla/5.0 (X11; Linux x86_64)"),
        ("HTTP_ACCEPT", "text/html,*/*;q=0.8"), ("HTTP_ACCEPT_LANGUAGE", "en-GB,en;q=0.5"),
        ("HTTP_ACCEPT_ENCODING", "gzip, deflate"), ("HTTP_CONNECTION", "keep-alive"), ("wsgi.url_scheme", "http"),
    ];

    /// <summary>Times <paramref name="measure"/> over the call; the calling thread holds the GIL.</summary>
    public static double Measure(WsgiApplication application, Func<Action, double> measure)
    {
        using var module = PyModule.Import(application.Module);
        using var app = module.GetAttr(application.CallableName);
        using var io = PyModule.Import("io");
        using var sys = PyModule.Import("sys");
        using var errors = sys.GetAttr("stderr");
        using var version = new PyTuple([new PyInt(1), new PyInt(0)]);
        // start_response in Python, its arguments read back through the wrappers after the call: a lower bound of what
        // a wrapper-based bridge costs (a .NET start_response would add pythonnet's method binding on every call).
        using var recorder = PyModule.FromString("bench_start_response", """
            last = []
            def start_response(status, headers, exc_info=None):
                last[:] = [status, headers]
            """);
        using var startResponse = recorder.GetAttr("start_response");
        using var last = recorder.GetAttr("last");
        var status = "";
        var headerCount = 0;

        void Call()
        {
            using var environ = new PyDict();
            foreach (var (key, value) in Cgi)
            {
                using var v = new PyString(value);
                environ[key] = v;
            }

            using (var input = io.InvokeMethod("BytesIO"))
            {
                environ["wsgi.input"] = input;
            }

                        environ["wsgi.errors"] = errors;
            environ["wsgi.version"] = version;
            environ["wsgi.multithread"] = PyObject.FromManagedObject(true);
            environ["wsgi.multiprocess"] = PyObject.FromManagedObject(false);
            environ["wsgi.run_once"] = PyObject.FromManagedObject(false);
            using var result = app.Invoke(environ, startResponse);
            long length = 0;
            using var chunks = result.GetIterator();
            while (chunks.MoveNext())
            {
                using var chunk = chunks.Current;
                length += chunk.Length();
            }

            if (result.HasAttr("close"))
            {
                result.InvokeMethod("close").Dispose();
            }

            using (var statusObject = last[0])
            using (var headers = last[1])
            using (var items = headers.GetIterator())
            {
                status = statusObject.ToString() ?? "";
                headerCount = 0;
                while (items.MoveNext())
                {
                    using var header = items.Current;
                    using var name = header[0];
                    using var value = header[1];
                    _ = name.ToString();
                    _ = value.ToString();
                    headerCount++;
                }
            }
        }

        var perCall = measure(Call);
        return status.Length > 0 && headerCount == 2 ? perCall : throw new InvalidOperationException("the application did not start its response");
    }
}
