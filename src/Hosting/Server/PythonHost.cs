using AkkaWsgi.Python;
using AkkaWsgi.Python.Wsgi;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Hosting.Server;

/// <summary>
/// The process's one embedded Python and the application loaded in it, with the thread that initialised Python and
/// must finalise it.
/// </summary>
/// <remarks>
/// In a host of its own (<see cref="AkkaWsgiServiceCollectionExtensions.AddAkkaWsgi"/>) Python gets a thread of its
/// own: it initialises Python and imports the application, then waits for the shutdown to ask it to run the atexit
/// handlers and finalise (<see cref="PythonExitHandOff"/>), since no thread of the host's can be lent for that. The
/// akkawsgi executable starts Python on its main thread itself (for its exit codes) and finalises it there.
/// </remarks>
internal sealed class PythonHost
{
    private static int started;

    private PythonHost(PythonRuntime runtime, WsgiApplication application, PythonExitHandOff exit)
    {
        Runtime = runtime;
        Application = application;
        Exit = exit;
    }

    public PythonRuntime Runtime { get; }

    public WsgiApplication Application { get; }

    /// <summary>Where the shutdown asks for Python to be finalised.</summary>
    public PythonExitHandOff Exit { get; }

    /// <summary>Set by the shutdown when the interpreter workers did not stop: Python must then not be finalised.</summary>
    public bool InterpretersStuck { get; set; }

    /// <summary>
    /// Claims the process's one Python runtime; throws <see cref="InvalidOperationException"/> when it is taken (a second
    /// AddAkkaWsgi, in this host or another one in the same process).
    /// </summary>
    public static void Claim()
    {
        if (Interlocked.Exchange(ref started, 1) == 1)
        {
            throw new InvalidOperationException(
                "akkawsgi: Python is already embedded in this process; one process holds one Python runtime, so AddAkkaWsgi can be used once");
        }
    }

    /// <summary>A Python the caller started and will finalise on its own thread.</summary>
    public static PythonHost Adopt(PythonRuntime runtime, WsgiApplication application, PythonExitHandOff exit) => new(runtime, application, exit);

    /// <summary>
    /// Starts Python on a thread of its own and imports the application there; throws
    /// <see cref="AkkaWsgiStartupException"/> saying what failed (no Python, an application that cannot be imported).
    /// </summary>
    public static PythonHost StartOwnThread(AkkaWsgiOptions options, ILoggerFactory loggerFactory, Task stopped)
    {
        var ready = new TaskCompletionSource<PythonHost>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() => RunPython(options, loggerFactory, stopped, ready))
        {
            IsBackground = true,
            Name = "akkawsgi.python",
        };
        thread.Start();
        return ready.Task.GetAwaiter().GetResult();
    }

    private static void RunPython(AkkaWsgiOptions options, ILoggerFactory loggerFactory, Task stopped, TaskCompletionSource<PythonHost> ready)
    {
        PythonRuntime runtime;
        try
        {
            var installation = PythonLocator.Locate(options.Python, options.Venv);
            runtime = PythonRuntime.Start(installation, Path.GetFullPath(options.Chdir ?? Directory.GetCurrentDirectory()), loggerFactory, options.AllowClr);
        }
        catch (PythonNotFoundException e)
        {
            ready.TrySetException(new AkkaWsgiStartupException(e.Message, e));
            return;
        }

        PythonHost host;
        try
        {
            host = new PythonHost(runtime, runtime.LoadApplication(options.Module, new WsgiSettings()), new PythonExitHandOff());
        }
        catch (ApplicationLoadException e)
        {
            // Inside another application's process, Python's own rule holds: its threads are waited for.
            runtime.Shutdown(null, threadWait: null);
            var traceback = e.Traceback.Length > 0 ? $"\n{e.Traceback.TrimEnd()}" : "";
            ready.TrySetException(new AkkaWsgiStartupException($"{e.Message}{traceback}", e));
            return;
        }

        runtime.ReleaseMainThread();
        ready.TrySetResult(host);
        host.Exit.FinaliseWhenAsked(stopped, () =>
        {
            if (host.InterpretersStuck)
            {
                return false; // a worker still runs Python; finalising now would pull the interpreter from under it
            }

            return runtime.Shutdown(host.Application, threadWait: null);
        });
    }
}
