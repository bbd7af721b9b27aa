namespace AkkaWsgi.Python.Native;

/// <summary>Starts and stops the embedded interpreter.</summary>
internal static unsafe class Embedding
{
    /// <summary>
    /// Initialises CPython on the calling thread, which then holds the GIL. Python's own signal handlers are not
    /// installed: SIGINT and SIGTERM belong to the server, which stops gracefully on them.
    /// </summary>
    public static PythonThread Initialize(LibPython lib, string? pythonHome)
    {
        if (pythonHome is not null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("PYTHONHOME")))
        {
            LibC.SetNativeEnvironment("PYTHONHOME", pythonHome);
        }

        Py.Use(lib);
        lib.Py_InitializeEx(0);
        if (lib.Py_IsInitialized() == 0)
        {
            throw new InvalidOperationException($"Py_InitializeEx failed for {lib.LibraryPath}");
        }

        return PythonThread.AdoptInitializingThread();
    }

    /// <summary>Runs atexit handlers, waits for non-daemon Python threads and tears the interpreter down.</summary>
    /// <returns>0 on success, as Py_FinalizeEx.</returns>
    public static int FinalizeInterpreter() => Py.Lib.Py_FinalizeEx();
}
