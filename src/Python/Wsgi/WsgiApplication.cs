using AkkaWsgi.Python.Native;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Python.Wsgi;

/// <summary>A loaded WSGI application and the server-side Python objects its requests share.</summary>
public sealed class WsgiApplication : IDisposable
{
    // Worker index and request sequence share the 48-bit token of a bridge function object.
    private const int MaxWorkers = 1 << 15;

    private readonly ILoggerFactory loggerFactory;
    private readonly ILogger appLogger;
    private readonly WsgiWorker?[] workers = new WsgiWorker?[MaxWorkers];
    private int workerCount;

    // Hop-by-hop header names the application has sent, each reported once rather than on every response.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> hopByHopSeen = new(StringComparer.OrdinalIgnoreCase);

    internal WsgiApplication(string module, string callableName, PyObject callable, PyObject serverModule,
        ILoggerFactory loggerFactory)
    {
        Module = module;
        CallableName = callableName;
        Callable = callable;
        ServerModule = serverModule;
        this.loggerFactory = loggerFactory;
        appLogger = loggerFactory.CreateLogger("akkawsgi.app");
        Keys = new EnvironKeys();
        FileWrapperType = serverModule.GetAttr("FileWrapper");
        ErrorStreamType = serverModule.GetAttr("ErrorStream");
        using var io = Py.Import("io");
        BytesIO = io.GetAttr("BytesIO");
        OpenFile = io.GetAttr("open");
        using (var types = Py.Import("types"))
        {
            GeneratorType = types.GetAttr("GeneratorType");
        }

        CloseName = Py.Intern("close");
        ReleaseLoggingLocks = serverModule.GetAttr("release_logging_locks");
        SendFileParamsName = Py.Intern("_sendfile_params");
        StartResponseId = FunctionTable.Register(new StartResponseFunction(this));
        WriteId = FunctionTable.Register(new WriteFunction(this));
        ErrorLogId = FunctionTable.Register(new ErrorLogFunction(this));
        using (var publicModule = Py.Import("akkawsgi"))
        {
            RequestTimeoutType = publicModule.GetAttr("RequestTimeout");
            using var notify = FunctionTable.Create(FunctionTable.Register(new NotifyParkedFunction(this)), 0);
            publicModule.SetAttr("_notify_parked", notify);
            using var hostService = FunctionTable.Create(FunctionTable.Register(new HostServiceFunction(this)), 0);
            publicModule.SetAttr("_host_service", hostService);
        }
    }

    public string Module { get; }

    /// <summary>True the first time <paramref name="name"/> is seen as a hop-by-hop header of a response.</summary>
    internal bool FirstHopByHop(string name) => hopByHopSeen.TryAdd(name, 0);

    public string CallableName { get; }

    /// <summary>Settings every environ carries (wsgi.multiprocess and the like).</summary>
    public WsgiSettings Settings { get; init; } = new();

    internal PyObject Callable { get; }

    internal PyObject ServerModule { get; }

    internal EnvironKeys Keys { get; }

    internal PyObject FileWrapperType { get; }

    internal PyObject ErrorStreamType { get; }

    internal PyObject BytesIO { get; }

    internal PyObject OpenFile { get; }

    internal PyObject GeneratorType { get; }

    internal PyObject CloseName { get; }

    internal PyObject ReleaseLoggingLocks { get; }

    internal PyObject RequestTimeoutType { get; }

    internal PyObject SendFileParamsName { get; }

    internal int StartResponseId { get; }

    internal int WriteId { get; }

    internal int ErrorLogId { get; }

    /// <summary>
    /// Receives <c>akkawsgi.notify_parked</c> calls (channels, action word, argument), on whichever Python thread made
    /// them and holding the GIL, so it must only hand them on. Unset, notifications go nowhere.
    /// </summary>
    public Action<IReadOnlyList<string>, string, string>? ParkNotifier { get; set; }

    /// <summary>
    /// The host's services the application may reach with <c>akkawsgi.host_service(name)</c>, by name; each is asked
    /// for its object on the Python thread that calls, holding the GIL. Unset, there are none.
    /// </summary>
    public IReadOnlyDictionary<string, Func<object?>>? HostServices { get; set; }

    /// <summary>The application's cron and timer jobs, registered while it was imported.</summary>
    public IReadOnlyList<BackgroundJob> BackgroundJobs { get; private set; } = [];

    /// <summary>Reads the jobs the akkawsgi module registered; call once, holding the GIL, after the import.</summary>
    internal void LoadBackgroundJobs()
    {
        using var module = Py.Import("akkawsgi");
        using var registry = module.GetAttr("_jobs");
        using var getItem = registry.GetAttr("__getitem__");
        var jobs = new List<BackgroundJob>();
        for (var i = 0; i < registry.Length; i++)
        {
            using var index = Py.Long(i);
            using var entry = getItem.Call(index);
            using var kind = entry.TupleItem(0);
            using var spec = entry.TupleItem(1);
            var function = entry.TupleItem(2);
            var name = QualifiedName(function);
            if (kind.AsString() == "cron")
            {
                var fields = Enumerable.Range(0, 5).Select(f =>
                {
                    using var field = spec.TupleItem(f);
                    return (int)field.ToInt64();
                }).ToArray();
                jobs.Add(new BackgroundJob(name, fields, null, function));
            }
            else
            {
                using var seconds = spec.TupleItem(0);
                // str() of a Python float round-trips, and the decorator made it a float and bounded it; the list is
                // the application's to reach, though, so what does not fit the clock fails the load, not the process.
                if (!double.TryParse(seconds.AsString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture,
                        out var interval) || !(interval > 0) || interval > TimeSpan.MaxValue.TotalSeconds / 2)
                {
                    throw new ApplicationLoadException($"background job {name}: {seconds.AsString()} is not a usable timer interval in seconds");
                }

                jobs.Add(new BackgroundJob(name, null, TimeSpan.FromSeconds(interval), function));
            }
        }

        BackgroundJobs = jobs;
    }

    private static string QualifiedName(PyObject function)
    {
        using var module = function.TryGetAttr("__module__");
        using var name = function.TryGetAttr("__qualname__");
        return $"{module?.AsString() ?? "?"}.{name?.AsString() ?? Py.SafeText(function)}";
    }

    /// <summary>
    /// Creates the bridge state of one interpreter worker. Call it on the worker's own thread, holding the GIL.
    /// </summary>
    public WsgiWorker CreateWorker(PythonThread thread)
    {
        var index = Interlocked.Increment(ref workerCount) - 1;
        if (index >= MaxWorkers)
        {
            throw new InvalidOperationException($"at most {MaxWorkers} workers are supported");
        }

        var worker = new WsgiWorker(this, thread, index, loggerFactory.CreateLogger("akkawsgi.wsgi"));
        Volatile.Write(ref workers[index], worker);
        return worker;
    }

    internal WsgiWorker WorkerFor(long token) =>
        Volatile.Read(ref workers[(int)(token >> 32)])
        ?? throw new PyRaiseException(PyErrorKind.RuntimeError, "this function belongs to a request that has ended");

    internal void LogErrorLine(string line) => WsgiLog.WsgiErrors(appLogger, line);

    public void Dispose()
    {
        foreach (var job in BackgroundJobs)
        {
            job.Function.Dispose();
        }

        Callable.Dispose();
        ServerModule.Dispose();
        Keys.Dispose();
        FileWrapperType.Dispose();
        ErrorStreamType.Dispose();
        BytesIO.Dispose();
        OpenFile.Dispose();
        GeneratorType.Dispose();
        CloseName.Dispose();
        ReleaseLoggingLocks.Dispose();
        RequestTimeoutType.Dispose();
        SendFileParamsName.Dispose();
    }
}
