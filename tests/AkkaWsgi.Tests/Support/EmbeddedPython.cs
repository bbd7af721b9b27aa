using System.Collections.Concurrent;
using AkkaWsgi.Python;
using AkkaWsgi.Python.Native;
using AkkaWsgi.Python.Wsgi;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Tests.Support;

/// <summary>
/// CPython embedded in the test process, once for all bridge tests (an interpreter cannot be started twice). Work
/// runs on one dedicated thread that owns a Python thread state, as an interpreter worker's does.
/// </summary>
public sealed class EmbeddedPython
{
    private static readonly Lazy<EmbeddedPython> Instance = new(() => new EmbeddedPython());
    private readonly BlockingCollection<Action> work = [];
    private readonly PythonRuntime runtime;
    private PythonThread? thread;

    private EmbeddedPython()
    {
        AppsDirectory = Directory.CreateTempSubdirectory("akkawsgi-bridge-tests-").FullName;
        var installation = PythonLocator.Locate(PythonInstalls.Default, null);
        PythonRuntime? started = null;
        Exception? failure = null;
        using var ready = new ManualResetEventSlim();
        var main = new Thread(() =>
        {
            try
            {
                started = PythonRuntime.Start(installation, AppsDirectory, Logs);
                started.ReleaseMainThread();
            }
#pragma warning disable CA1031 // reported to the constructing thread
            catch (Exception e)
#pragma warning restore CA1031
            {
                failure = e;
            }

            ready.Set();
        }) { IsBackground = true, Name = "python-test-main" };
        main.Start();
        ready.Wait();
        runtime = started ?? throw new InvalidOperationException("Python did not start", failure);
        var worker = new Thread(Loop) { IsBackground = true, Name = "python-test-worker" };
        worker.Start();
    }

    public static EmbeddedPython Shared => Instance.Value;

    /// <summary>Where test applications are written; it is on sys.path.</summary>
    public string AppsDirectory { get; }

    public CapturingLoggerFactory Logs { get; } = new();

    public PythonRuntime Runtime => runtime;

    /// <summary>Writes <paramref name="source"/> as a fresh module and loads its <c>application</c>.</summary>
    public (WsgiApplication App, WsgiWorker Worker) Load(string source)
    {
        var module = $"app_{Guid.NewGuid():N}";
        File.WriteAllText(Path.Combine(AppsDirectory, module + ".py"), source);
        return Run(() =>
        {
            var app = runtime.LoadApplication(module, new WsgiSettings());
            return (app, app.CreateWorker(thread!));
        });
    }

    /// <summary>Runs <paramref name="action"/> on the Python thread with the GIL held.</summary>
    public T Run<T>(Func<T> action)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        work.Add(() =>
        {
            try
            {
                result.SetResult(action());
            }
#pragma warning disable CA1031 // handed to the test thread
            catch (Exception e)
#pragma warning restore CA1031
            {
                result.SetException(e);
            }
        });
        return result.Task.WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
    }

    private void Loop()
    {
        thread = PythonThread.CreateForCurrentThread();
        foreach (var action in work.GetConsumingEnumerable())
        {
            thread.Enter();
            try
            {
                action();
            }
            finally
            {
                thread.Exit();
            }
        }
    }
}

/// <summary>A logger factory that keeps every message, so tests can check what was logged.</summary>
public sealed class CapturingLoggerFactory : ILoggerFactory
{
    private readonly ConcurrentQueue<string> lines = new();

    public IReadOnlyCollection<string> Lines => lines;

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, lines);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)}");
    }
}
