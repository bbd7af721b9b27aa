using System.Globalization;
using System.Runtime.InteropServices;
using AkkaWsgi.Python.Native;
using AkkaWsgi.Python.Wsgi;
using Microsoft.Extensions.Logging;
using PyNet = Python.Runtime;

namespace AkkaWsgi.Python;

/// <summary>
/// The embedded interpreter, hosted by pythonnet: started on the calling thread (the process's main thread), which
/// imports the application, then gives the GIL away to the workers and takes it back to stop.
/// </summary>
/// <remarks>
/// pythonnet loads libpython, initialises it and is what the application is imported through; it owns the thread
/// states, the server's Python module, exceptions and tracebacks. The per-request WSGI call runs on direct C-API calls
/// against the same loaded library (<see cref="Native"/>), where pythonnet's finalizable object wrappers would cost
/// throughput (docs/performance.md).
/// </remarks>
public sealed class PythonRuntime
{
    private const string ServerModuleName = "_akkawsgi_server";

    private readonly PythonThread mainThread;
    private readonly ILoggerFactory loggerFactory;
    private PyNet.PyModule? netServerModule;
    private PyObject? serverModule;
    private bool streamsCaptured;

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

    /// <summary>True on a free-threaded build running without the GIL.</summary>
    public bool FreeThreaded { get; private set; }

    /// <summary>Whether the application may use .NET through pythonnet's <c>clr</c> module (--allow-clr).</summary>
    public bool ClrAllowed { get; private set; }

    /// <summary>
    /// Loads libpython and initialises it, or attaches to the interpreter already running when the Python executable
    /// started this process (<see cref="PythonExecutableHost"/>). <paramref name="appDirectory"/> goes first on
    /// sys.path, as the script directory does for <c>python app.py</c>. Unless <paramref name="allowClr"/>, the
    /// application cannot import <c>clr</c> (nor .NET namespaces through it).
    /// </summary>
    public static PythonRuntime Start(PythonInstallation installation, string appDirectory, ILoggerFactory loggerFactory, bool allowClr = false)
    {
        var hosted = PythonExecutableHost.RunsThisProcess;
        var lib = hosted ? AttachToRunningInterpreter(installation) : LoadLibrary(installation);
        try
        {
            // Without a library, pythonnet finds the C API in the process's global symbols: the executable's own.
            PyNet.Runtime.PythonDLL = hosted ? null : installation.Library;
            // No sys.argv of pythonnet's (configure sets it) and no Python signal handlers: SIGINT and SIGTERM belong to
            // the server, which stops gracefully on them.
            PyNet.PythonEngine.Initialize(setSysArgv: false, initSigs: false);
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or DllNotFoundException or TypeInitializationException)
        {
            throw new PythonNotFoundException($"cannot start Python from {lib.LibraryPath}: {e.Message}", e);
        }

        var runtime = new PythonRuntime(installation, lib, PythonThread.AdoptInitializingThread(), loggerFactory) { InRunningInterpreter = hosted };
        runtime.netServerModule = LoadServerModule();
        var server = runtime.netServerModule;
        using (var version = new PyNet.PyString(typeof(PythonRuntime).Assembly.GetName().Version?.ToString(3) ?? "0.0.0"))
        {
            server.InvokeMethod("install_public_module", version).Dispose();
        }

        using (var argv0 = new PyNet.PyString("akkawsgi"))
        // An executable running the server knows its own sys.executable; the probe's may be a launcher (pyenv's shim).
        using (var executable = hosted || installation.Executable is null ? PyNet.PyObject.None : new PyNet.PyString(installation.Executable))
        using (var venv = installation.VirtualEnv is null ? PyNet.PyObject.None : new PyNet.PyString(installation.VirtualEnv))
        using (var path0 = new PyNet.PyString(appDirectory))
        {
            server.InvokeMethod("configure", argv0, executable, venv, path0).Dispose();
        }

        runtime.Executable = installation.Executable;
        if (hosted)
        {
            using (var sys = PyNet.PyModule.Import("sys"))
            using (var executable = sys.GetAttr("executable"))
            {
                runtime.Executable = executable.As<string?>() is { Length: > 0 } path ? path : installation.Executable;
            }

            Posix.RemoveEnvironmentVariable(PythonExecutableHost.ProcessVariable);
            using var prefix = new PyNet.PyString("AKKAWSGI_");
            server.InvokeMethod("forget_removed_variables", prefix).Dispose();
        }

        runtime.ClrAllowed = allowClr;
        if (!allowClr)
        {
            // pythonnet imports clr.interop the first time it turns a Python exception into a .NET one; do that while
            // clr is still importable, as every import error of the application will need it.
            try
            {
                PyNet.PyModule.Import("_akkawsgi_probe_that_does_not_exist").Dispose();
            }
            catch (PyNet.PythonException)
            {
            }

            using var message = new PyNet.PyString("import clr: the application may not use .NET; start akkawsgi with --allow-clr to let it");
            using var runtimeDir = new PyNet.PyString(RuntimeEnvironment.GetRuntimeDirectory());
            server.InvokeMethod("disable_clr", message, runtimeDir).Dispose();
        }

        using (var enabled = server.InvokeMethod("gil_enabled"))
        {
            runtime.FreeThreaded = !enabled.IsTrue();
        }

        runtime.serverModule = Py.Adopt(server);
        return runtime;
    }

    /// <summary>True when the interpreter is the executable's that started this process, not a loaded library.</summary>
    public bool InRunningInterpreter { get; private init; }

    /// <summary>The interpreter's <c>sys.executable</c> (null for a library given alone).</summary>
    public string? Executable { get; private set; }

    private static LibPython LoadLibrary(PythonInstallation installation)
    {
        var path = installation.Library ?? throw new PythonNotFoundException(installation.LibraryMissing ?? "no Python library to load");
        LibPython lib;
        try
        {
            lib = LibPython.Load(path);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException)
        {
            throw new PythonNotFoundException(
                $"cannot load {path}: {e.Message}. On Debian or Ubuntu: apt-get install libpython{installation.ShortVersion}",
                e);
        }

        PythonInstallation.CheckSupported(lib.Version, path);
        if (installation.Home is { } home && !Directory.Exists(home.Split(':')[0]))
        {
            throw new PythonNotFoundException($"the Python home {home} of {path} does not exist");
        }

        // Read by CPython at start-up, from the native environment (which .NET's own setter does not reach).
        if (Environment.GetEnvironmentVariable("PYTHONUNBUFFERED") is null)
        {
            // Prints from the application should reach the log as they happen, not when a block buffer fills.
            LibC.SetNativeEnvironment("PYTHONUNBUFFERED", "1");
        }

        if (installation.Home is not null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("PYTHONHOME")))
        {
            LibC.SetNativeEnvironment("PYTHONHOME", installation.Home);
        }

        Py.Use(lib);
        return lib;
    }

    // The executable has found its own home and started; whoever started it set PYTHONUNBUFFERED.
    private static LibPython AttachToRunningInterpreter(PythonInstallation installation)
    {
        var executable = Environment.ProcessPath ?? installation.Executable ?? "python";
        LibPython lib;
        try
        {
            lib = LibPython.FromRunningInterpreter(executable);
        }
        catch (EntryPointNotFoundException e)
        {
            throw new PythonNotFoundException($"cannot use the Python of {executable}, which started this process: {e.Message}", e);
        }

        PythonInstallation.CheckSupported(lib.Version, executable);
        Py.Use(lib);
        return lib;
    }

    /// <summary>
    /// Imports <c>module</c> or <c>module:callable</c> (default callable: <c>application</c>, as wsgo and uWSGI).
    /// </summary>
    public WsgiApplication LoadApplication(string spec, WsgiSettings settings)
    {
        var (module, callableName) = ParseSpec(spec);
        var target = $"{module}:{callableName}";
        if (settings.CaptureStandardStreams)
        {
            CaptureStandardStreams();
        }

        PyNet.PyObject imported;
        try
        {
            imported = PyNet.PyModule.Import(module);
        }
        catch (PyNet.PythonException e)
        {
            throw new ApplicationLoadException(
                $"cannot import module '{module}' for application {target}: {e.Type.Name}: {e.Message}{ImportHint(module, e)}", FormatTraceback(e));
        }

        var callable = imported;
        try
        {
            foreach (var part in callableName.Split('.'))
            {
                if (!callable.HasAttr(part))
                {
                    throw new ApplicationLoadException($"module '{module}' has no attribute '{callableName}' (application {target}){CallableHint(imported, module, callableName)}", "");
                }

                var owner = callable;
                callable = owner.GetAttr(part);
                if (!ReferenceEquals(owner, imported))
                {
                    owner.Dispose(); // the module itself is kept for the hints below
                }
            }

            if (!callable.IsCallable())
            {
                throw new ApplicationLoadException(NotCallable(callable, target, module, callableName, imported), "");
            }

            var application = new WsgiApplication(module, callableName, Py.Adopt(callable), serverModule!.NewReference(), loggerFactory)
            {
                Settings = settings,
            };
            application.LoadBackgroundJobs();
            return application;
        }
        finally
        {
            callable.Dispose();
            imported.Dispose();
        }
    }

    /// <summary>Points sys.stdout and sys.stderr at the log (akkawsgi.app), once per process.</summary>
    private void CaptureStandardStreams()
    {
        if (streamsCaptured)
        {
            return;
        }

        var logger = loggerFactory.CreateLogger("akkawsgi.app");
        using var stdout = FunctionTable.Create(FunctionTable.Register(new StandardStreamFunction(logger, "stdout")), 0);
        using var stderr = FunctionTable.Create(FunctionTable.Register(new StandardStreamFunction(logger, "stderr")), 0);
        using var capture = serverModule!.GetAttr("capture_standard_streams");
        using var _ = capture.Call(stdout, stderr);
        streamsCaptured = true;
    }

    // Frameworks people install into a virtualenv: missing, they mean this Python is not the application's.
    private static readonly HashSet<string> WellKnownPackages = new(StringComparer.Ordinal)
    {
        "flask", "django", "werkzeug", "jinja2", "pyramid", "falcon", "bottle", "sqlalchemy", "requests", "celery",
    };

    /// <summary>What to try, after an import failed: which Python looked where, and the likely flag.</summary>
    private string ImportHint(string module, PyNet.PythonException e)
    {
        var hint = new System.Text.StringBuilder();
        if (module.EndsWith(".py", StringComparison.Ordinal))
        {
            hint.Append(CultureInfo.InvariantCulture, $" (name the module, not the file: --module {module[..^3]})");
        }

        if (e.Type.Name == "ModuleNotFoundError" && MissingModuleName(e.Message) is { } missing)
        {
            var top = missing.Split('.')[0];
            if (top == module.Split('.')[0])
            {
                hint.Append(CultureInfo.InvariantCulture,
                    $"; Python looked for '{top}' in {Directory.GetCurrentDirectory()} and its sys.path: run from the directory that holds it, or give --chdir DIR");
            }
            else if (WellKnownPackages.Contains(top))
            {
                hint.Append(CultureInfo.InvariantCulture,
                    $"; '{top}' is not installed for the Python in use, {Installation.Executable ?? Installation.Library} (site-packages: {SitePackages()}): give --venv DIR or --python PATH for the one it is installed in");
            }
        }

        return hint.ToString();
    }

    // "No module named 'x.y'" → x.y
    private static string? MissingModuleName(string message)
    {
        var start = message.IndexOf('\'', StringComparison.Ordinal);
        var end = message.LastIndexOf('\'');
        return start >= 0 && end > start ? message[(start + 1)..end] : null;
    }

    private static string SitePackages()
    {
        try
        {
            using var site = PyNet.PyModule.Import("site");
            using var paths = site.InvokeMethod("getsitepackages");
            return string.Join(", ", paths.As<string[]>());
        }
        catch (PyNet.PythonException)
        {
            return "unknown";
        }
    }

    private static readonly string[] UsualCallableNames = ["app", "application", "wsgi_app", "api"];

    // `--module mysite:wsgi` names a submodule where a module path was meant: the hint is the flag that works.
    private static string NotCallable(PyNet.PyObject value, string target, string moduleName, string callableName, PyNet.PyObject module)
    {
        if (value.IsNone())
        {
            return $"{target} is None, not a WSGI callable{CallableHint(module, moduleName, callableName)}";
        }

        using var type = value.GetPythonType();
        if (type.Name == "module")
        {
            return $"{target} is a module, not a WSGI callable: name a submodule with a dot, --module {moduleName}.{callableName}";
        }

        return $"{target} is {Words.Article(type.Name)} {type.Name}, not a WSGI callable{CallableHint(module, moduleName, callableName)}";
    }

    // A module without the callable asked for, but with a Flask or Django application under a usual name.
    private static string CallableHint(PyNet.PyObject module, string moduleName, string callableName)
    {
        foreach (var name in UsualCallableNames.Where(n => n != callableName))
        {
            if (module.HasAttr(name))
            {
                using var candidate = module.GetAttr(name);
                if (candidate.IsCallable())
                {
                    return $"; it has a callable '{name}': --module {moduleName}:{name}";
                }
            }
        }

        return "";
    }

    /// <summary>
    /// The current Python stack of each thread in <paramref name="threadIds"/> (CPython thread ids). Takes the GIL, so
    /// it waits while a worker holds it; call it off any thread that must stay responsive.
    /// </summary>
    public IReadOnlyDictionary<nuint, string> FormatStacks(IReadOnlyCollection<nuint> threadIds) => ForeignThreadGil.Run(() =>
    {
        using var ids = new PyNet.PyList();
        foreach (var id in threadIds)
        {
            using var value = new PyNet.PyInt((ulong)id);
            ids.Append(value);
        }

        using var stacks = new PyNet.PyDict(netServerModule!.InvokeMethod("format_stacks", ids));
        var result = new Dictionary<nuint, string>();
        foreach (var id in threadIds)
        {
            using var key = new PyNet.PyInt((ulong)id);
            if (stacks.HasKey(key))
            {
                using var stack = stacks[key];
                result[id] = stack.ToString() ?? "";
            }
        }

        return (IReadOnlyDictionary<nuint, string>)result;
    });

    /// <summary>How many objects Python's garbage collector tracks (takes the GIL).</summary>
    public long ObjectCount() => ForeignThreadGil.Run(() =>
    {
        using var count = netServerModule!.InvokeMethod("object_count");
        return count.As<long>();
    });

    /// <summary>Gives the GIL away after start-up so the interpreter workers can run.</summary>
    public void ReleaseMainThread() => mainThread.Exit();

    /// <summary>
    /// Takes the GIL back on the main thread and stops Python as a graceful exit does: waits for the application's
    /// non-daemon threads (up to <paramref name="threadWait"/>, or as long as they take if null, as Python's own exit
    /// does), runs its atexit handlers, then shuts pythonnet down (which releases the GIL for good and unhooks its own
    /// process-exit handler). Every worker thread must have ended first.
    /// </summary>
    /// <returns>
    /// False when an application thread was still running at the end of the wait: the exit handlers have run, but
    /// Python was left as it is, since finalising it would wait for that thread for ever; the process must then end
    /// without the runtime's exit handlers.
    /// </returns>
    /// <remarks>
    /// pythonnet never calls Py_FinalizeEx, so without this the application's atexit handlers would not run at all.
    /// </remarks>
    public bool Shutdown(WsgiApplication? application, TimeSpan? threadWait)
    {
        if (!mainThread.HoldsGil)
        {
            mainThread.Enter();
        }

        application?.Dispose();
        serverModule?.Dispose();
        serverModule = null;
        var threadsEnded = true;
        if (netServerModule is { } server)
        {
            threadsEnded = JoinApplicationThreads(server, threadWait);
            try
            {
                using var ended = new PyNet.PyInt(threadsEnded ? 1 : 0);
                server.InvokeMethod("run_exit_handlers", ended).Dispose();
            }
            catch (PyNet.PythonException e)
            {
                PythonLog.ExitHandlersFailed(loggerFactory.CreateLogger("akkawsgi"), FormatTraceback(e));
            }

            if (!threadsEnded)
            {
                return false;
            }

            server.InvokeMethod("restore_clr").Dispose();
            server.InvokeMethod("freeze_for_exit").Dispose();
            server.Dispose();
            netServerModule = null;
        }

        PyNet.PythonEngine.Shutdown();
        return true;
    }

    private bool JoinApplicationThreads(PyNet.PyObject server, TimeSpan? wait)
    {
        if (wait is not { } limit)
        {
            return true; // threading's own shutdown, run with the exit handlers, waits for them as long as they take
        }

        var logger = loggerFactory.CreateLogger("akkawsgi");
        var seconds = Math.Round(limit.TotalSeconds, 1);
        using (var running = server.InvokeMethod("application_threads"))
        {
            var names = running.As<string>();
            if (names.Length == 0)
            {
                return true;
            }

            PythonLog.WaitingForApplicationThreads(logger, seconds, names);
        }

        using var timeout = new PyNet.PyFloat(limit.TotalSeconds);
        using var left = server.InvokeMethod("join_application_threads", timeout);
        var leftNames = left.As<string>();
        if (leftNames.Length == 0)
        {
            return true;
        }

        PythonLog.ApplicationThreadsLeft(logger, seconds, leftNames);
        return false;
    }

    private static string FormatTraceback(PyNet.PythonException e)
    {
        // Without Python frames (a module that is not there at all), pythonnet would give its own .NET stack instead:
        // nothing of use to whoever runs the application; the summary line says it all.
        if (e.Traceback is null)
        {
            return "";
        }

        try
        {
            return e.Format();
        }
#pragma warning disable CA1031 // a traceback that cannot be formatted still leaves the message
        catch (Exception)
#pragma warning restore CA1031
        {
            return "";
        }
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

    private static PyNet.PyModule LoadServerModule()
    {
        using var stream = typeof(PythonRuntime).Assembly.GetManifestResourceStream("akkawsgi_server.py")
            ?? throw new InvalidOperationException("the server's Python module is missing from the assembly");
        using var reader = new StreamReader(stream);
        var module = PyNet.PyModule.FromString(ServerModuleName, reader.ReadToEnd(), "<akkawsgi server>");
        using var sys = PyNet.PyModule.Import("sys");
        using var modules = sys.GetAttr("modules");
        modules.SetItem(ServerModuleName, module);
        return module;
    }
}
