using System.Runtime.InteropServices;

namespace AkkaWsgi.Python.Native;

/// <summary>Exposes <see cref="ManagedFunction"/>s to Python as builtin functions through one native trampoline.</summary>
internal static unsafe class FunctionTable
{
    private const int TokenBits = 48;
    private const long TokenMask = (1L << TokenBits) - 1;

    // Registered once at start-up and never removed: the PyMethodDefs they point to must outlive every function
    // object Python may still hold, which is the life of the interpreter.
    // Copy-on-write arrays, so the trampoline reads them without a lock.
    private static ManagedFunction[] functions = [];
    private static nint[] methodDefs = [];
    private static readonly Lock Gate = new();

    /// <summary>Registers a function and returns its id for <see cref="Create"/>.</summary>
    public static int Register(ManagedFunction function)
    {
        lock (Gate)
        {
            // struct PyMethodDef { const char *ml_name; PyCFunction ml_meth; int ml_flags; const char *ml_doc; }
            var def = (nint*)NativeMemory.AllocZeroed((nuint)(4 * sizeof(nint)));
            def[0] = Marshal.StringToCoTaskMemUTF8(function.Name);
            def[1] = (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&Trampoline;
            *(int*)&def[2] = LibPython.MethFastCall;
            def[3] = 0;
            functions = [.. functions, function];
            methodDefs = [.. methodDefs, (nint)def];
            return functions.Length - 1;
        }
    }

    /// <summary>A new Python function object that calls the registered function with <paramref name="token"/>.</summary>
    public static PyObject Create(int id, long token)
    {
        if ((ulong)token > TokenMask)
        {
            throw new ArgumentOutOfRangeException(nameof(token));
        }

        var def = Volatile.Read(ref methodDefs)[id];
        var lib = Py.Lib;
        var self = lib.PyLong_FromLongLong(((long)id << TokenBits) | token);
        if (self == 0)
        {
            throw Py.FetchError();
        }

        var function = lib.PyCFunction_NewEx(def, self, 0);
        lib.Py_DecRef(self); // the function holds its own reference
        return PyObject.Steal(function);
    }

    [UnmanagedCallersOnly]
    private static nint Trampoline(nint self, nint* args, nint count)
    {
        // No exception may cross back into native code: every failure becomes a Python exception.
        try
        {
            var packed = Py.Lib.PyLong_AsLongLong(self);
            var function = Volatile.Read(ref functions)[(int)(packed >> TokenBits)];
            var result = function.Invoke(packed & TokenMask, new PyArgs(args, checked((int)count)));
            return result is null ? Py.None().Release() : result.Release();
        }
        catch (PyRaiseException raise) when (raise.IsAlreadySet)
        {
            return 0;
        }
        catch (PyRaiseException raise)
        {
            Py.SetError(ExceptionType(raise.Kind), raise.Message);
            return 0;
        }
        catch (Exception e)
        {
            Py.SetError(Py.Lib.PyExc_RuntimeError, $"internal server error: {e.GetType().Name}: {e.Message}");
            return 0;
        }
    }

    private static nint ExceptionType(PyErrorKind kind) => kind switch
    {
        PyErrorKind.TypeError => Py.Lib.PyExc_TypeError,
        PyErrorKind.ValueError => Py.Lib.PyExc_ValueError,
        PyErrorKind.OSError => Py.Lib.PyExc_OSError,
        _ => Py.Lib.PyExc_RuntimeError,
    };
}
