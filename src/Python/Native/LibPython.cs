using System.Runtime.InteropServices;

namespace AkkaWsgi.Python.Native;

/// <summary>
/// The CPython C-API entry points the server uses, resolved from a libpython loaded at run time.
/// </summary>
/// <remarks>
/// These are the per-request fast path's calls only; pythonnet initialises the interpreter and owns everything else.
/// Measured (bench/wsgi-call, Python 3.11, one hello-world call): 2.0–2.1 µs on these calls, 9.4–9.5 µs with the same
/// environ, call and body iteration through pythonnet's finalizable object wrappers, so the request path stays here.
/// Only exported functions are used, never macros that read object structs (Py_INCREF, PyTuple_GET_ITEM, ...): struct
/// layouts differ between versions and in free-threaded builds, while these exports are the same in all of them, so
/// one build serves every supported version.
/// </remarks>
#pragma warning disable CA1707, IDE1006 // the C names are kept so each line can be checked against the C-API docs
internal sealed unsafe class LibPython
{
    public const int MethFastCall = 0x80; // METH_FASTCALL from <methodobject.h>

    public string LibraryPath { get; }
    public Version Version { get; }
    public readonly delegate* unmanaged<byte*> Py_GetVersion;
    public readonly delegate* unmanaged<int> PyGILState_Check;
    public readonly delegate* unmanaged<nuint> PyThread_get_thread_ident;
    public readonly delegate* unmanaged<nuint, nint, int> PyThreadState_SetAsyncExc;

    public readonly delegate* unmanaged<nint, void> Py_IncRef;
    public readonly delegate* unmanaged<nint, void> Py_DecRef;

    public readonly delegate* unmanaged<nint, byte*, nint> PyObject_GetAttrString;
    public readonly delegate* unmanaged<nint, nint, nint> PyObject_GetAttr;
    public readonly delegate* unmanaged<nint, byte*, nint, int> PyObject_SetAttrString;
    public readonly delegate* unmanaged<nint, nint, nint, nint> PyObject_Call;
    public readonly delegate* unmanaged<nint, nint> PyObject_GetIter;
    public readonly delegate* unmanaged<nint, nint> PyIter_Next;
    public readonly delegate* unmanaged<nint, nint> PyObject_Str;
    public readonly delegate* unmanaged<nint, nint> PyObject_Type;
    public readonly delegate* unmanaged<nint, nint, int> PyObject_IsInstance;
    public readonly delegate* unmanaged<nint, nint> PyObject_Size;
    public readonly delegate* unmanaged<nint, int> PyCallable_Check;

    public readonly delegate* unmanaged<nint> PyErr_Occurred;
    public readonly delegate* unmanaged<nint*, nint*, nint*, void> PyErr_Fetch;
    public readonly delegate* unmanaged<nint, nint, nint, void> PyErr_Restore;
    public readonly delegate* unmanaged<nint*, nint*, nint*, void> PyErr_NormalizeException;
    public readonly delegate* unmanaged<nint, byte*, void> PyErr_SetString;
    public readonly delegate* unmanaged<void> PyErr_Clear;
    public readonly delegate* unmanaged<nint, int> PyErr_ExceptionMatches;

    public readonly delegate* unmanaged<byte*, nint, nint> PyUnicode_FromStringAndSize;
    public readonly delegate* unmanaged<byte*, nint, byte*, nint> PyUnicode_DecodeLatin1;
    public readonly delegate* unmanaged<nint, nint*, byte*> PyUnicode_AsUTF8AndSize;
    public readonly delegate* unmanaged<byte*, nint> PyUnicode_InternFromString;

    public readonly delegate* unmanaged<byte*, nint, nint> PyBytes_FromStringAndSize;
    public readonly delegate* unmanaged<nint, byte**, nint*, int> PyBytes_AsStringAndSize;

    public readonly delegate* unmanaged<nint> PyDict_New;
    public readonly delegate* unmanaged<nint, nint> PyDict_Copy;
    public readonly delegate* unmanaged<nint, nint, nint, int> PyDict_SetItem;
    public readonly delegate* unmanaged<nint, byte*, nint, int> PyDict_SetItemString;
    public readonly delegate* unmanaged<nint, byte*, nint> PyDict_GetItemString;
    public readonly delegate* unmanaged<nint, nint, nint> PyDict_GetItem;
    public readonly delegate* unmanaged<nint, nint> PyTuple_New;
    public readonly delegate* unmanaged<nint, nint, nint, int> PyTuple_SetItem;
    public readonly delegate* unmanaged<nint, nint, nint> PyTuple_GetItem;
    public readonly delegate* unmanaged<nint, nint> PyTuple_Size;
    public readonly delegate* unmanaged<nint, nint> PyList_New;
    public readonly delegate* unmanaged<nint, nint, int> PyList_Append;
    public readonly delegate* unmanaged<nint, nint> PyList_Size;
    public readonly delegate* unmanaged<nint, nint, nint> PyList_GetItem;

    public readonly delegate* unmanaged<long, nint> PyLong_FromLongLong;
    public readonly delegate* unmanaged<nint, long> PyLong_AsLongLong;
    public readonly delegate* unmanaged<nint, nint> PyBool_FromLong;

    public readonly delegate* unmanaged<byte*, nint> PyImport_ImportModule;
    public readonly delegate* unmanaged<nint, nint, nint, nint> PyCFunction_NewEx;
    public readonly delegate* unmanaged<byte*, nint> PySys_GetObject;

    public readonly nint PyExc_TypeError;
    public readonly nint PyExc_ValueError;
    public readonly nint PyExc_RuntimeError;
    public readonly nint PyExc_OSError;
    public readonly nint PyExc_ImportError;
    public readonly nint PyExc_AttributeError;
    public readonly nint PyBytes_Type;
    public readonly nint PyList_Type;
    public readonly nint PyTuple_Type;
    public readonly nint PyUnicode_Type;
    public readonly nint Py_None;

    private LibPython(string path, nint handle)
    {
        LibraryPath = path;
        nint Fn(string name) => NativeLibrary.TryGetExport(handle, name, out var address)
            ? address
            : throw new EntryPointNotFoundException($"{path} does not export {name}; is it a CPython 3.11 or later library?");
        // Exception and type objects are exported as data: an exception is a PyObject* variable (read it), a type is
        // the object itself (its address is the PyObject*).
        nint ObjectVariable(string name) => *(nint*)Fn(name);

        Py_GetVersion = (delegate* unmanaged<byte*>)Fn(nameof(Py_GetVersion));
        Version = ParseVersion(Marshal.PtrToStringUTF8((nint)Py_GetVersion()) ?? "");
        PyGILState_Check = (delegate* unmanaged<int>)Fn(nameof(PyGILState_Check));
        PyThread_get_thread_ident = (delegate* unmanaged<nuint>)Fn(nameof(PyThread_get_thread_ident));
        PyThreadState_SetAsyncExc = (delegate* unmanaged<nuint, nint, int>)Fn(nameof(PyThreadState_SetAsyncExc));

        Py_IncRef = (delegate* unmanaged<nint, void>)Fn(nameof(Py_IncRef));
        Py_DecRef = (delegate* unmanaged<nint, void>)Fn(nameof(Py_DecRef));

        PyObject_GetAttrString = (delegate* unmanaged<nint, byte*, nint>)Fn(nameof(PyObject_GetAttrString));
        PyObject_GetAttr = (delegate* unmanaged<nint, nint, nint>)Fn(nameof(PyObject_GetAttr));
        PyObject_SetAttrString = (delegate* unmanaged<nint, byte*, nint, int>)Fn(nameof(PyObject_SetAttrString));
        PyObject_Call = (delegate* unmanaged<nint, nint, nint, nint>)Fn(nameof(PyObject_Call));
        PyObject_GetIter = (delegate* unmanaged<nint, nint>)Fn(nameof(PyObject_GetIter));
        PyIter_Next = (delegate* unmanaged<nint, nint>)Fn(nameof(PyIter_Next));
        PyObject_Str = (delegate* unmanaged<nint, nint>)Fn(nameof(PyObject_Str));
        PyObject_Type = (delegate* unmanaged<nint, nint>)Fn(nameof(PyObject_Type));
        PyObject_IsInstance = (delegate* unmanaged<nint, nint, int>)Fn(nameof(PyObject_IsInstance));
        PyObject_Size = (delegate* unmanaged<nint, nint>)Fn(nameof(PyObject_Size));
        PyCallable_Check = (delegate* unmanaged<nint, int>)Fn(nameof(PyCallable_Check));

        PyErr_Occurred = (delegate* unmanaged<nint>)Fn(nameof(PyErr_Occurred));
        PyErr_Fetch = (delegate* unmanaged<nint*, nint*, nint*, void>)Fn(nameof(PyErr_Fetch));
        PyErr_Restore = (delegate* unmanaged<nint, nint, nint, void>)Fn(nameof(PyErr_Restore));
        PyErr_NormalizeException = (delegate* unmanaged<nint*, nint*, nint*, void>)Fn(nameof(PyErr_NormalizeException));
        PyErr_SetString = (delegate* unmanaged<nint, byte*, void>)Fn(nameof(PyErr_SetString));
        PyErr_Clear = (delegate* unmanaged<void>)Fn(nameof(PyErr_Clear));
        PyErr_ExceptionMatches = (delegate* unmanaged<nint, int>)Fn(nameof(PyErr_ExceptionMatches));

        PyUnicode_FromStringAndSize = (delegate* unmanaged<byte*, nint, nint>)Fn(nameof(PyUnicode_FromStringAndSize));
        PyUnicode_DecodeLatin1 = (delegate* unmanaged<byte*, nint, byte*, nint>)Fn(nameof(PyUnicode_DecodeLatin1));
        PyUnicode_AsUTF8AndSize = (delegate* unmanaged<nint, nint*, byte*>)Fn(nameof(PyUnicode_AsUTF8AndSize));
        PyUnicode_InternFromString = (delegate* unmanaged<byte*, nint>)Fn(nameof(PyUnicode_InternFromString));

        PyBytes_FromStringAndSize = (delegate* unmanaged<byte*, nint, nint>)Fn(nameof(PyBytes_FromStringAndSize));
        PyBytes_AsStringAndSize = (delegate* unmanaged<nint, byte**, nint*, int>)Fn(nameof(PyBytes_AsStringAndSize));

        PyDict_New = (delegate* unmanaged<nint>)Fn(nameof(PyDict_New));
        PyDict_Copy = (delegate* unmanaged<nint, nint>)Fn(nameof(PyDict_Copy));
        PyDict_SetItem = (delegate* unmanaged<nint, nint, nint, int>)Fn(nameof(PyDict_SetItem));
        PyDict_SetItemString = (delegate* unmanaged<nint, byte*, nint, int>)Fn(nameof(PyDict_SetItemString));
        PyDict_GetItemString = (delegate* unmanaged<nint, byte*, nint>)Fn(nameof(PyDict_GetItemString));
        PyDict_GetItem = (delegate* unmanaged<nint, nint, nint>)Fn(nameof(PyDict_GetItem));
        PyTuple_New = (delegate* unmanaged<nint, nint>)Fn(nameof(PyTuple_New));
        PyTuple_SetItem = (delegate* unmanaged<nint, nint, nint, int>)Fn(nameof(PyTuple_SetItem));
        PyTuple_GetItem = (delegate* unmanaged<nint, nint, nint>)Fn(nameof(PyTuple_GetItem));
        PyTuple_Size = (delegate* unmanaged<nint, nint>)Fn(nameof(PyTuple_Size));
        PyList_New = (delegate* unmanaged<nint, nint>)Fn(nameof(PyList_New));
        PyList_Append = (delegate* unmanaged<nint, nint, int>)Fn(nameof(PyList_Append));
        PyList_Size = (delegate* unmanaged<nint, nint>)Fn(nameof(PyList_Size));
        PyList_GetItem = (delegate* unmanaged<nint, nint, nint>)Fn(nameof(PyList_GetItem));

        PyLong_FromLongLong = (delegate* unmanaged<long, nint>)Fn(nameof(PyLong_FromLongLong));
        PyLong_AsLongLong = (delegate* unmanaged<nint, long>)Fn(nameof(PyLong_AsLongLong));
        PyBool_FromLong = (delegate* unmanaged<nint, nint>)Fn(nameof(PyBool_FromLong));

        PyImport_ImportModule = (delegate* unmanaged<byte*, nint>)Fn(nameof(PyImport_ImportModule));
        PyCFunction_NewEx = (delegate* unmanaged<nint, nint, nint, nint>)Fn(nameof(PyCFunction_NewEx));
        PySys_GetObject = (delegate* unmanaged<byte*, nint>)Fn(nameof(PySys_GetObject));

        PyExc_TypeError = ObjectVariable(nameof(PyExc_TypeError));
        PyExc_ValueError = ObjectVariable(nameof(PyExc_ValueError));
        PyExc_RuntimeError = ObjectVariable(nameof(PyExc_RuntimeError));
        PyExc_OSError = ObjectVariable(nameof(PyExc_OSError));
        PyExc_ImportError = ObjectVariable(nameof(PyExc_ImportError));
        PyExc_AttributeError = ObjectVariable(nameof(PyExc_AttributeError));
        PyBytes_Type = Fn(nameof(PyBytes_Type));
        PyList_Type = Fn(nameof(PyList_Type));
        PyTuple_Type = Fn(nameof(PyTuple_Type));
        PyUnicode_Type = Fn(nameof(PyUnicode_Type));
        Py_None = Fn("_Py_NoneStruct");
    }

    /// <summary>Loads libpython globally and resolves every entry point; fails with a message naming the library.</summary>
    public static LibPython Load(string path)
    {
        var handle = NativeLibrary.Load(path);
        LibC.PromoteToGlobal(path);
        return new LibPython(path, handle);
    }

    /// <summary>
    /// The interpreter this process already runs, started by the Python executable the process is
    /// (<see cref="PythonExecutableHost"/>): its entry points, from the executable or the library it links, are found in
    /// the process's global symbol scope.
    /// </summary>
    /// <param name="executable">The executable, for messages.</param>
    public static LibPython FromRunningInterpreter(string executable)
    {
        var process = NativeLibrary.GetMainProgramHandle();
        if (!NativeLibrary.TryGetExport(process, "Py_IsInitialized", out var isInitialized)
            || ((delegate* unmanaged<int>)isInitialized)() == 0)
        {
            throw new EntryPointNotFoundException($"{executable} started this process but its interpreter is not running");
        }

        return new LibPython(executable, process);
    }

    private static Version ParseVersion(string text)
    {
        // Py_GetVersion() reads like "3.11.7 (main, Dec  4 2023, 18:10:11) [GCC 12.2.0]".
        var head = text.Split(' ', 2)[0];
        var digits = new string(head.TakeWhile(c => char.IsDigit(c) || c == '.').ToArray());
        return Version.TryParse(digits, out var version) ? version : new Version(0, 0);
    }
}
#pragma warning restore CA1707, IDE1006
