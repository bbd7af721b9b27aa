namespace AkkaWsgi.Python.Native;

/// <summary>
/// A borrowed reference to an argument of a call from Python. It is a ref struct, so it cannot outlive the call:
/// anything kept must be made owned with <see cref="ToOwned"/>.
/// </summary>
public readonly unsafe ref struct PyBorrowed
{
    private readonly nint handle;

    internal PyBorrowed(nint handle) => this.handle = handle;

    public bool IsNone => handle == Py.Lib.Py_None;

    public PyObject ToOwned() => PyObject.FromBorrowed(handle);

    public string TypeName()
    {
        using var owned = ToOwned();
        return owned.TypeName();
    }

    /// <summary>
    /// The UTF-8 bytes of a str (or str subclass), valid while the str lives (at least for the call); false for any
    /// other type, or a str that cannot be UTF-8 (lone surrogates).
    /// </summary>
    public bool TryGetUtf8(out ReadOnlySpan<byte> utf8)
    {
        nint length;
        var data = Py.Lib.PyUnicode_AsUTF8AndSize(handle, &length);
        if (data == null)
        {
            Py.Lib.PyErr_Clear();
            utf8 = default;
            return false;
        }

        utf8 = new ReadOnlySpan<byte>(data, checked((int)length));
        return true;
    }

    /// <summary>The text of a str (or str subclass); false for any other type.</summary>
    public bool TryGetString(out string value)
    {
        nint length;
        var utf8 = Py.Lib.PyUnicode_AsUTF8AndSize(handle, &length);
        if (utf8 == null)
        {
            Py.Lib.PyErr_Clear();
            value = "";
            return false;
        }

        value = Py.FromUtf8(utf8, length);
        return true;
    }

    /// <summary>The bytes of a bytes object (or subclass), valid for the duration of the call; false otherwise.</summary>
    public bool TryGetBytes(out ReadOnlySpan<byte> data)
    {
        byte* buffer;
        nint length;
        if (Py.Lib.PyBytes_AsStringAndSize(handle, &buffer, &length) == 0)
        {
            data = new ReadOnlySpan<byte>(buffer, checked((int)length));
            return true;
        }

        Py.Lib.PyErr_Clear();
        data = default;
        return false;
    }

    public bool IsList => IsInstanceOf(Py.Lib.PyList_Type);

    public bool IsTuple => IsInstanceOf(Py.Lib.PyTuple_Type);

    /// <summary>Length of a list or tuple.</summary>
    public int SequenceLength => checked((int)(IsTuple ? Py.Lib.PyTuple_Size(handle) : Py.Lib.PyList_Size(handle)));

    /// <summary>Item of a list or tuple, borrowed for the duration of the call.</summary>
    public PyBorrowed SequenceItem(int index)
    {
        var item = IsTuple ? Py.Lib.PyTuple_GetItem(handle, index) : Py.Lib.PyList_GetItem(handle, index);
        return item != 0 ? new PyBorrowed(item) : throw Py.FetchError();
    }

    private bool IsInstanceOf(nint type)
    {
        var result = Py.Lib.PyObject_IsInstance(handle, type);
        if (result < 0)
        {
            Py.Lib.PyErr_Clear();
        }

        return result == 1;
    }
}
