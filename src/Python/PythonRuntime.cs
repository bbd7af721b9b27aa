using AkkaWsgi.Python.Native;
using AkkaWsgi.Python.Wsgi;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Python;

/// <summary>
/// The embedded interpreter: started on the calling thread (the process's main thread), which imports the
/// application, then gives the GIL away to the workers and takes it back to finalise.
/// </summary>
public sealed class PythonRuntime
{
    private const string ServerModuleName = "_akkawsgi_server";

    private readonly PythonThread mainThread;
    private readonly ILoggerFactory loggerFactory;
    private PyObject? serverModule;

    private PythonRuntime(PythonInstallation installation, LibPython lib, PythonThread mainThread, ILoggerFactory loggerFactory)
    {
        Installation = installation;
        Version = lib.Version;
        this.mainThread = mainThread;
        this.loggerFactory = loggerFactory;
    }

    public PythonInstallation Installation { get; }

    /// <summary>The version the loaded library reports (major.minor.micro).</summary>
    public Version Version { get; }

    /// <summary>
    /// Loads libpython and initialises it. <paramref name="appDirectory"/> goes first on sys.path, as the script
    /// directory does for <c>python app.py</c>.
    /// </summary>
    public static PythonRuntime Start(PythonInstallation installation, string appDirectory, ILoggerFactory loggerFactory)
    {
        LibPython lib;
        try
        {
            lib = LibPython.Load(installation.Library);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException)
        {
            throw new PythonNotFoundException(
                $"cannot load {installation.Library}: {e.Message}. On Debian or Ubuntu: apt-get install libpython{installation.ShortVersion}",
                e);
        }

        if (lib.Version < PythonInstallation.Oldest)
        {
            throw new PythonNotFoundException(
                $"{installation.Library} is Python {lib.Version}; akkawsgi needs CPython {PythonInstallation.Oldest} or later");
        }

        if (installation.Home is { } home && !Directory.Exists(home.Split(':')[0]))
        {
            throw new PythonNotFoundException($"the Python home {home} of {installation.Library} does not exist");
        }

        // Prints from the application should reach the log as they happen, not when a block buffer fills.
        if (Environment.GetEnvironmentVariable("PYTHONUNBUFFERED") is null)
        {
            LibC.SetNativeEnvironment("PYTHONUNBUFFERED", "1");
        }

        var main = Embedding.Initialize(lib, installation.Home);
        var runtime = new PythonRuntime(installation, lib, main, loggerFactory);
        runtime.serverModule = LoadServerModule();
        using (var install = runtime.serverModule.GetAttr("install_public_module"))
        using (var version = Py.Str(typeof(PythonRuntime).Assembly.GetName().Version?.ToString(3) ?? "0.0.0"))
        using (install.Call(version))
        {
        }

        using var configure = runtime.serverModule.GetAttr("configure");
        using var argv0 = Py.Str("akkawsgi");
        using var executable = installation.Executable is null ? Py.None() : Py.Str(installation.Executable);
        using var venv = installation.VirtualEnv is null ? Py.None() : Py.Str(installation.VirtualEnv);
        using var path0 = Py.Str(appDirectory);
        using var _ = configure.Call(argv0, executable, venv, path0);
        return runtime;
    }

    /// <summary>
    /// Imports <c>module</c> or <c>module:callable</c> (default callable: <c>application</c>, as wsgo and uWSGI).
    /// </summary>
    public WsgiApplication LoadApplication(string spec, WsgiSettings settings)
    {
        var (module, callableName) = ParseSpec(spec);
        var target = $"{module}:{callableName}";
        PyObject imported;
        try
        {
            imported = Py.Import(module);
        }
        catch (PythonException e)
        {
            var hint = module.EndsWith(".py", StringComparison.Ordinal) ? $" (name the module, not the file: --module {module[..^3]})" : "";
            throw new ApplicationLoadException(
                $"cannot import module '{module}' for application {target}: {e.TypeName}: {e.PythonMessage}{hint}", e.Traceback);
        }

        using (imported)
        {
            PyObject callable = imported.NewReference();
            foreach (var part in callableName.Split('.'))
            {
                using var owner = callable;
                callable = owner.TryGetAttr(part)
                    ?? throw new ApplicationLoadException($"module '{module}' has no attribute '{callableName}' (application {target})", "");
            }

            if (!callable.IsCallable)
            {
                var type = callable.TypeName();
                callable.Dispose();
                throw new ApplicationLoadException($"{target} is a {type}, not a WSGI callable", "");
            }

            var application = new WsgiApplication(module, callableName, callable, serverModule!.NewReference(), loggerFactory) { Settings = settings };
            application.LoadBackgroundJobs();
            return application;
        }
    }

    /// <summary>
    /// The current Python stack of each thread in <paramref name="threadIds"/> (CPython thread ids). Takes the GIL, so
    /// it waits while a worker holds it; call it off any thread that must stay responsive.
    /// </summary>
    public IReadOnlyDictionary<nuint, string> FormatStacks(IReadOnlyCollection<nuint> threadIds) => ForeignThreadGil.Run(() =>
    {
        using var format = serverModule!.GetAttr("format_stacks");
        using var ids = Py.List();
        foreach (var id in threadIds)
        {
            using var value = Py.Long((long)id);
            ids.Append(value);
        }

        using var stacks = format.Call(ids);
        var result = new Dictionary<nuint, string>();
        foreach (var id in threadIds)
        {
            using var key = Py.Long((long)id);
            using var stack = stacks.GetItem(key);
            if (stack is not null)
            {
                result[id] = stack.AsString();
            }
        }

        return (IReadOnlyDictionary<nuint, string>)result;
    });

    /// <summary>How many objects Python's garbage collector tracks (takes the GIL).</summary>
    public long ObjectCount() => ForeignThreadGil.Run(() =>
    {
        using var count = serverModule!.GetAttr("object_count");
        using var result = count.Call();
        return result.ToInt64();
    });

    /// <summary>Gives the GIL away after start-up so the interpreter workers can run.</summary>
    public void ReleaseMainThread() => mainThread.Exit();

    /// <summary>
    /// Takes the GIL back on the main thread and finalises Python, which runs atexit handlers and waits for the
    /// application's non-daemon threads. Every worker thread must have ended first. Returns Py_FinalizeEx's status.
    /// </summary>
    public int Shutdown(WsgiApplication? application)
    {
        if (!mainThread.HoldsGil)
        {
            mainThread.Enter();
        }

        application?.Dispose();
        serverModule?.Dispose();
        serverModule = null;
        return Embedding.FinalizeInterpreter();
    }

    internal static (string Module, string Callable) ParseSpec(string spec)
    {
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        var module = (colon < 0 ? spec : spec[..colon]).Trim();
        var callable = colon < 0 ? "application" : spec[(colon + 1)..].Trim();
        if (module.Length == 0 || callable.Length == 0 || callable.Split('.').Any(p => p.Length == 0))
        {
            throw new ApplicationLoadException($"'{spec}' is not MODULE or MODULE:CALLABLE", "");
        }

        return (module, callable);
    }

    private static PyObject LoadServerModule()
    {
        using var stream = typeof(PythonRuntime).Assembly.GetManifestResourceStream("akkawsgi_server.py")
            ?? throw new InvalidOperationException("the server's Python module is missing from the assembly");
        using var reader = new StreamReader(stream);
        var source = reader.ReadToEnd();
        var module = Py.NewModule(ServerModuleName);
        using var globals = module.ModuleDict();
        using (var builtins = Py.Import("builtins"))
        {
            // Code executed in a bare module dict on 3.9 gets a near-empty builtins unless this is set.
            globals.SetItem("__builtins__", builtins);
        }

        Py.Exec(source, "<akkawsgi server>", globals);
        return module;
    }
}
