using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;

namespace AkkaWsgi.Python.Native;

/// <summary>
/// Safe entry points over the loaded libpython: every call that creates an object returns an owned
/// <see cref="PyObject"/>, and every failure becomes a <see cref="PythonException"/>. All of them need the GIL.
/// </summary>
internal static unsafe partial class Py
{
    // The one process-wide interpreter handle: CPython itself is process-wide, so is the library that runs it.
    private static LibPython? lib;
    private static readonly ConcurrentQueue<nint> DeferredDecRefs = new();
    private static PyObject? tracebackModule;

    public static LibPython Lib => lib ?? throw new InvalidOperationException("libpython is not loaded");

    public static bool IsLoaded => lib is not null;

    /// <summary>Installs the loaded library; a process embeds one CPython for its lifetime.</summary>
    public static void Use(LibPython library)
    {
        if (Interlocked.CompareExchange(ref lib, library, null) is { } existing && !ReferenceEquals(existing, library))
        {
            throw new InvalidOperationException($"{existing.LibraryPath} is already loaded in this process");
        }
    }

    public static bool HoldsGil => lib is { } l && l.PyGILState_Check() != 0;

    public static bool ErrorOccurred => Lib.PyErr_Occurred() != 0;

    public static void IncRef(nint o) => Lib.Py_IncRef(o);

    public static void DecRef(nint o)
    {
        if (lib is null)
        {
            return; // the interpreter never started or is gone: nothing to give back to
        }

        if (lib.PyGILState_Check() != 0)
        {
            lib.Py_DecRef(o);
        }
        else
        {
            DeferDecRef(o);
        }
    }

    public static void DeferDecRef(nint o) => DeferredDecRefs.Enqueue(o);

    /// <summary>Schedules <paramref name="exceptionType"/> to be raised in the thread CPython knows as <paramref name="threadId"/>.</summary>
    public static void RaiseAsync(nuint threadId, PyObject exceptionType) => Lib.PyThreadState_SetAsyncExc(threadId, exceptionType.Handle);

    /// <summary>The calling thread's id as CPython knows it (threading.get_ident()).</summary>
    public static nuint CurrentThreadIdent() => Lib.PyThread_get_thread_ident();

    /// <summary>Withdraws an asynchronous exception scheduled for that thread and not yet raised.</summary>
    public static void ClearPendingAsync(nuint threadId) => Lib.PyThreadState_SetAsyncExc(threadId, 0);

    /// <summary>
    /// A fast-path reference to an object pythonnet holds: the per-request code works on raw owned references, which
    /// pythonnet's finalizable wrappers would cost (docs/performance.md), so objects cross over once, at start-up.
    /// </summary>
    public static PyObject Adopt(global::Python.Runtime.PyObject value)
    {
        ArgumentNullException.ThrowIfNull(value);
#pragma warning disable CS0612, CS0618 // Handle is marked for pythonnet's internal use; it is its only way out to the C-API
        return PyObject.FromBorrowed(value.Handle);
#pragma warning restore CS0612, CS0618
    }

    /// <summary>Releases references dropped on threads without the GIL; called by threads that just took it.</summary>
    public static void DrainDeferred()
    {
        while (DeferredDecRefs.TryDequeue(out var o))
        {
            Lib.Py_DecRef(o);
        }
    }

    public static PyObject None() => PyObject.FromBorrowed(Lib.Py_None);

    public static PyObject Bool(bool value) => PyObject.Steal(Lib.PyBool_FromLong(value ? 1 : 0));

    public static PyObject Long(long value) => PyObject.Steal(Lib.PyLong_FromLongLong(value));

    public static PyObject Dict() => PyObject.Steal(Lib.PyDict_New());

    public static PyObject List() => PyObject.Steal(Lib.PyList_New(0));

    /// <summary>A str from .NET text (encoded as UTF-8 on the way in).</summary>
    public static PyObject Str(string value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        var buffer = max <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var length = Encoding.UTF8.GetBytes(value, buffer);
            fixed (byte* p = buffer)
            {
                return PyObject.Steal(Lib.PyUnicode_FromStringAndSize(p, length));
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// A WSGI "native string" (PEP 3333): each byte becomes the code point of the same value. Text whose characters
    /// all fit in one byte maps one to one; anything wider is first encoded as UTF-8, so no information is lost.
    /// </summary>
    public static PyObject Latin1(string value) => PyObject.Steal(Latin1Handle(value));

    /// <summary>A str whose code points are the given bytes (latin-1 decoding cannot fail).</summary>
    public static PyObject Latin1(ReadOnlySpan<byte> bytes) => PyObject.Steal(Latin1Handle(bytes));

    /// <summary>As <see cref="Latin1(string)"/>, as a new reference for a caller inside Native.</summary>
    internal static nint Latin1Handle(string value)
    {
        var fitsLatin1 = !value.AsSpan().ContainsAnyExceptInRange('\0', '\u00ff');
        var max = fitsLatin1 ? value.Length : Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        var buffer = max <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var length = fitsLatin1 ? Encoding.Latin1.GetBytes(value, buffer) : Encoding.UTF8.GetBytes(value, buffer);
            return Latin1Handle(buffer[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    internal static nint Latin1Handle(ReadOnlySpan<byte> bytes)
    {
        fixed (byte* p = bytes)
        {
            var str = Lib.PyUnicode_DecodeLatin1(p, bytes.Length, null);
            return str != 0 ? str : throw FetchError();
        }
    }

    /// <summary>An interned str, for dictionary keys reused on every request.</summary>
    public static PyObject Intern(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value + "\0");
        fixed (byte* p = bytes)
        {
            return PyObject.Steal(Lib.PyUnicode_InternFromString(p));
        }
    }

    public static PyObject Bytes(ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            return PyObject.Steal(Lib.PyBytes_FromStringAndSize(p, data.Length));
        }
    }

    public static PyObject Import(string module)
    {
        var name = Utf8Z(module);
        fixed (byte* p = name)
        {
            return PyObject.Steal(Lib.PyImport_ImportModule(p));
        }
    }

    public static PyObject Tuple(params ReadOnlySpan<PyObject> items)
    {
        var tuple = PyObject.Steal(Lib.PyTuple_New(items.Length));
        for (var i = 0; i < items.Length; i++)
        {
            var item = items[i].Handle;
            Lib.Py_IncRef(item); // PyTuple_SetItem steals; the caller keeps its own reference
            Lib.PyTuple_SetItem(tuple.Handle, i, item);
        }

        return tuple;
    }

    /// <summary>sys.NAME, or null if it is not set.</summary>
    public static PyObject? Sys(string name)
    {
        var bytes = Utf8Z(name);
        fixed (byte* p = bytes)
        {
            var borrowed = Lib.PySys_GetObject(p);
            return borrowed == 0 ? null : PyObject.FromBorrowed(borrowed);
        }
    }

    public static void SetError(nint exceptionType, string message)
    {
        var bytes = Utf8Z(message);
        fixed (byte* p = bytes)
        {
            Lib.PyErr_SetString(exceptionType, p);
        }
    }

    /// <summary>Re-raises an exception from its (type, value, traceback) parts, which are handed over.</summary>
    public static void Restore(PyObject type, PyObject value, PyObject traceback)
    {
        static nint Take(PyObject o) => o.Handle == Lib.Py_None ? DropNone(o) : o.Release();
        static nint DropNone(PyObject o)
        {
            o.Dispose();
            return 0;
        }

        Lib.PyErr_Restore(type.Release(), Take(value), Take(traceback));
    }

    /// <summary>Takes the pending error, formats it the way Python prints it, and clears it.</summary>
    public static PythonException FetchError()
    {
        nint type, value, traceback;
        Lib.PyErr_Fetch(&type, &value, &traceback);
        if (type == 0)
        {
            return new PythonException("SystemError", "a C-API call failed without setting an exception", "");
        }

        Lib.PyErr_NormalizeException(&type, &value, &traceback);
        using var t = PyObject.Steal(type);
        using var v = value == 0 ? None() : PyObject.Steal(value);
        using var tb = traceback == 0 ? None() : PyObject.Steal(traceback);
        var typeName = QualifiedTypeName(t);
        var message = SafeText(v);
        string formatted;
        try
        {
            tracebackModule ??= Import("traceback");
            using var format = tracebackModule.GetAttr("format_exception");
            using var lines = format.Call(t, v, tb);
            using var separator = Str("");
            using var join = separator.GetAttr("join");
            using var text = join.Call(lines);
            formatted = text.AsString();
        }
        catch (PythonException)
        {
            formatted = $"{typeName}: {message}\n";
        }

        return new PythonException(typeName, message, formatted);
    }

    /// <summary>"module.Class" for a type, or just "Class" for builtins.</summary>
    public static string QualifiedTypeName(PyObject type)
    {
        try
        {
            using var name = type.GetAttr("__qualname__");
            using var module = type.GetAttr("__module__");
            var moduleName = module.AsString();
            return moduleName is "builtins" ? name.AsString() : $"{moduleName}.{name.AsString()}";
        }
        catch (PythonException)
        {
            return "<unknown type>";
        }
    }

    /// <summary>str(o) that never throws (for messages about objects that may be broken).</summary>
    public static string SafeText(PyObject o)
    {
        var s = Lib.PyObject_Str(o.Handle);
        if (s == 0)
        {
            Lib.PyErr_Clear();
            return "<unprintable object>";
        }

        using var str = PyObject.Steal(s);
        return str.AsString();
    }

    public static string Describe(nint o)
    {
        if (!HoldsGil)
        {
            return $"<PyObject 0x{o:x}>";
        }

        using var self = PyObject.FromBorrowed(o);
        return $"<{self.TypeName()} {SafeText(self)}>";
    }

    internal static byte[] Utf8Z(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }

    internal static string FromUtf8(byte* p, nint length) =>
        length == 0 ? "" : Encoding.UTF8.GetString(new ReadOnlySpan<byte>(p, checked((int)length)));

    internal static string? FromUtf8Z(byte* p) => Marshal.PtrToStringUTF8((nint)p);
}
