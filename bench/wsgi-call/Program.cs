using System.Diagnostics;
using System.Globalization;
using AkkaWsgi.Python;
using AkkaWsgi.Python.Native;
using AkkaWsgi.Python.Wsgi;
using Microsoft.Extensions.Logging.Abstractions;

// The in-process cost of one WSGI call of a hello-world application, without HTTP: the server's own path (environ,
// start_response, the body, close) and, for comparison, the same call made through pythonnet's object wrappers.
//
//   dotnet run -c Release --project bench/wsgi-call [PYTHON] [CALLS]
var python = args.Length > 0 ? args[0] : "/usr/bin/python3";
var calls = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000;
var directory = Directory.CreateTempSubdirectory("akkawsgi-wsgi-call-").FullName;
File.WriteAllText(Path.Combine(directory, "bench_hello.py"), """
    def application(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "13")])
        return [b"Hello, world!"]
    """);

var runtime = PythonRuntime.Start(PythonLocator.Locate(python, null), directory, NullLoggerFactory.Instance);
var application = runtime.LoadApplication("bench_hello", new WsgiSettings());
runtime.ReleaseMainThread();

double server = 0, wrapped = 0;
var thread = new Thread(() =>
{
    using var state = PythonThread.CreateForCurrentThread();
    state.Enter();
    var worker = application.CreateWorker(state);
    var exchange = new HelloExchange();
    server = Measure(calls, () => worker.Run(exchange));
    wrapped = Wrappers.Measure(application, call => Measure(calls, call));
    state.Exit();
});
thread.Start();
thread.Join();
Console.WriteLine(FormattableString.Invariant(
    $"Python {runtime.Version}, {calls:N0} calls each: server path {server:0.00} µs per call; through pythonnet's wrappers {wrapped:0.00} µs"));
Directory.Delete(directory, recursive: true);
return 0;

static double Measure(int calls, Action call)
{
    for (var i = 0; i < calls / 10; i++)
    {
        call();
    }

    var best = double.MaxValue;
    for (var round = 0; round < 3; round++)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            call();
        }

        best = Math.Min(best, clock.Elapsed.TotalMicroseconds / calls);
    }

    return best;
}

/// <summary>A GET request as a browser sends it, with a response that keeps nothing.</summary>
internal sealed class HelloExchange : IWsgiExchange, IWsgiResponse
{
    private static readonly (string Name, string Value)[] Headers =
    [
        ("Host", "127.0.0.1:8000"), ("User-Agent", "Mozilla/5.0 (X11; Linux x86_64)"), ("Accept", "text/html,*/*;q=0.8"),
        ("Accept-Language", "en-GB,en;q=0.5"), ("Accept-Encoding", "gzip, deflate"), ("Connection", "keep-alive"),
    ];

    public string Description => "GET /";

    public RequestBody Body => RequestBody.Empty;

    public IWsgiResponse Response => this;

    public bool IsClientGone => false;

    public bool DiscardsBody => false;

    public bool HasStarted => false;

    public bool TryDiscard() => true;

    public void WriteEnviron(EnvironWriter environ)
    {
        environ.Set(EnvironKey.RequestMethod, "GET");
        environ.Set(EnvironKey.PathInfo, "/");
        environ.Set(EnvironKey.QueryString, "");
        environ.Set(EnvironKey.ServerName, "127.0.0.1");
        environ.Set(EnvironKey.ServerPort, "8000");
        environ.Set(EnvironKey.ServerProtocol, "HTTP/1.1");
        environ.Set(EnvironKey.RemoteAddr, "127.0.0.1");
        environ.Set(EnvironKey.RemotePort, "50000");
        environ.Set(EnvironKey.UrlScheme, "http");
        foreach (var (name, value) in Headers)
        {
            environ.AddHeader(name, value);
        }
    }

    public void Start(int statusCode, string reasonPhrase, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
    }

    public void Write(ReadOnlySpan<byte> data)
    {
    }

    public ValueTask<bool> FlushAsync() => ValueTask.FromResult(true);

    public ValueTask<bool> SendFileAsync(Microsoft.Win32.SafeHandles.SafeFileHandle file, long offset, long? count) =>
        ValueTask.FromResult(true);

    public bool TrySendFileLater(Microsoft.Win32.SafeHandles.SafeFileHandle file, long offset, long count) => false;

    public void Abort()
    {
    }
}
