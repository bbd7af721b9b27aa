using System.Runtime.InteropServices;

namespace AkkaWsgi.Python.Native;

/// <summary>The few libc calls the embedding needs that .NET does not expose.</summary>
internal static partial class LibC
{
    // dlopen flags from <dlfcn.h> (Linux values).
    private const int RtldNow = 0x2;
    private const int RtldNoLoad = 0x4;
    private const int RtldGlobal = 0x100;

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);

    [LibraryImport("libc", EntryPoint = "dlopen", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint DlOpen(string path, int flags);

    [LibraryImport("libc", EntryPoint = "dlerror")]
    private static partial nint DlError();

    /// <summary>
    /// Sets a variable in the native environment. Environment.SetEnvironmentVariable only changes .NET's own copy on
    /// Unix, and CPython reads PYTHONHOME with getenv() during start-up.
    /// </summary>
    public static void SetNativeEnvironment(string name, string value)
    {
        if (SetEnv(name, value, 1) != 0)
        {
            throw new InvalidOperationException($"setenv({name}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>
    /// Promotes an already loaded library to RTLD_GLOBAL. NativeLibrary.Load uses RTLD_LOCAL, and extension modules
    /// such as _decimal or _ctypes then fail with "undefined symbol: PyExc_..." because they expect libpython's
    /// symbols in the global namespace.
    /// </summary>
    public static void PromoteToGlobal(string path)
    {
        if (DlOpen(path, RtldNow | RtldGlobal | RtldNoLoad) == 0)
        {
            var error = DlError();
            throw new DllNotFoundException(
                $"cannot re-open {path} with RTLD_GLOBAL: {(error == 0 ? "unknown error" : Marshal.PtrToStringUTF8(error))}");
        }
    }
}
