namespace AkkaWsgi.Python.Native;

/// <summary>The operations the server performs on Python objects, each needing the GIL.</summary>
public sealed unsafe partial class PyObject
{
    public PyObject GetAttr(string name)
    {
        var bytes = Py.Utf8Z(name);
        fixed (byte* p = bytes)
        {
            return Steal(Py.Lib.PyObject_GetAttrString(Handle, p));
        }
    }

    /// <summary>The attribute named by an interned str, or null if the object has none.</summary>
    public PyObject? TryGetAttr(PyObject name) => OwnedOrNullIfNoAttribute(Py.Lib.PyObject_GetAttr(Handle, name.Handle));

    /// <summary>The attribute, or null if the object has none (only AttributeError is swallowed).</summary>
    public PyObject? TryGetAttr(string name)
    {
        var bytes = Py.Utf8Z(name);
        fixed (byte* p = bytes)
        {
            return OwnedOrNullIfNoAttribute(Py.Lib.PyObject_GetAttrString(Handle, p));
        }
    }

    private static PyObject? OwnedOrNullIfNoAttribute(nint result)
    {
        if (result != 0)
        {
            return new PyObject(result);
        }

        if (Py.Lib.PyErr_ExceptionMatches(Py.Lib.PyExc_AttributeError) != 0)
        {
            Py.Lib.PyErr_Clear();
            return null;
        }

        throw Py.FetchError();
    }

    public PyObject GetAttr(PyObject name) => Steal(Py.Lib.PyObject_GetAttr(Handle, name.Handle));

    public void SetAttr(string name, PyObject value)
    {
        var bytes = Py.Utf8Z(name);
        fixed (byte* p = bytes)
        {
            if (Py.Lib.PyObject_SetAttrString(Handle, p, value.Handle) != 0)
            {
                throw Py.FetchError();
            }
        }
    }

    public PyObject Call(params ReadOnlySpan<PyObject> args)
    {
        // The argument tuple lives only for the call: it is built and dropped here without a wrapper of its own.
        var lib = Py.Lib;
        var tuple = lib.PyTuple_New(args.Length);
        if (tuple == 0)
        {
            throw Py.FetchError();
        }

        for (var i = 0; i < args.Length; i++)
        {
            var item = args[i].Handle;
            lib.Py_IncRef(item);
            lib.PyTuple_SetItem(tuple, i, item);
        }

        var result = lib.PyObject_Call(Handle, tuple, 0);
        lib.Py_DecRef(tuple);
        return Steal(result);
    }

    /// <summary>Calls with positional arguments and keyword arguments from a dict.</summary>
    public PyObject CallWithKeywords(PyObject keywords, params ReadOnlySpan<PyObject> args)
    {
        using var tuple = Py.Tuple(args);
        return Steal(Py.Lib.PyObject_Call(Handle, tuple.Handle, keywords.Handle));
    }

    public PyObject GetIter() => Steal(Py.Lib.PyObject_GetIter(Handle));

    /// <summary>The iterator's next item, or null when it is exhausted (errors are thrown).</summary>
    public PyObject? Next() => StealOrNull(Py.Lib.PyIter_Next(Handle));

    public bool IsCallable => Py.Lib.PyCallable_Check(Handle) != 0;

    public bool IsNone => Handle == Py.Lib.Py_None;

    /// <summary>True when the object's type is exactly list or tuple, whose items all exist before iteration.</summary>
    public bool IsListOrTuple
    {
        get
        {
            var type = Py.Lib.PyObject_Type(Handle);
            Py.Lib.Py_DecRef(type);
            return type == Py.Lib.PyList_Type || type == Py.Lib.PyTuple_Type;
        }
    }

    public bool IsInstance(PyObject type)
    {
        var result = Py.Lib.PyObject_IsInstance(Handle, type.Handle);
        return result >= 0 ? result == 1 : throw Py.FetchError();
    }

    public long Length
    {
        get
        {
            var length = Py.Lib.PyObject_Size(Handle);
            return length >= 0 ? length : throw Py.FetchError();
        }
    }

    public long ToInt64()
    {
        var value = Py.Lib.PyLong_AsLongLong(Handle);
        return value == -1 && Py.ErrorOccurred ? throw Py.FetchError() : value;
    }

    /// <summary>The text of a str object (or of str(object) for anything else).</summary>
    public string AsString()
    {
        nint length;
        var utf8 = Py.Lib.PyUnicode_AsUTF8AndSize(Handle, &length);
        if (utf8 != null)
        {
            return Py.FromUtf8(utf8, length);
        }

        Py.Lib.PyErr_Clear();
        return Py.SafeText(this);
    }

    /// <summary>The bytes of a bytes object (or subclass), valid while this reference is held; false for other types.</summary>
    public bool TryGetBytes(out ReadOnlySpan<byte> data)
    {
        byte* buffer;
        nint length;
        if (Py.Lib.PyBytes_AsStringAndSize(Handle, &buffer, &length) == 0)
        {
            data = new ReadOnlySpan<byte>(buffer, checked((int)length));
            return true;
        }

        Py.Lib.PyErr_Clear();
        data = default;
        return false;
    }

    /// <summary>The name of the object's type, as error messages should show it ("str", "module.Class").</summary>
    public string TypeName()
    {
        using var type = Steal(Py.Lib.PyObject_Type(Handle));
        return Py.QualifiedTypeName(type);
    }

    public void SetItem(PyObject key, PyObject value)
    {
        if (Py.Lib.PyDict_SetItem(Handle, key.Handle, value.Handle) != 0)
        {
            throw Py.FetchError();
        }
    }

    public void SetItem(string key, PyObject value)
    {
        var bytes = Py.Utf8Z(key);
        fixed (byte* p = bytes)
        {
            if (Py.Lib.PyDict_SetItemString(Handle, p, value.Handle) != 0)
            {
                throw Py.FetchError();
            }
        }
    }

    /// <summary>A dict's item by key, or null if absent.</summary>
    public PyObject? GetItem(PyObject key)
    {
        var borrowed = Py.Lib.PyDict_GetItem(Handle, key.Handle);
        return borrowed == 0 ? null : FromBorrowed(borrowed);
    }

    /// <summary>A dict's item by str key, or null if absent.</summary>
    public PyObject? GetItem(string key)
    {
        var bytes = Py.Utf8Z(key);
        fixed (byte* p = bytes)
        {
            var borrowed = Py.Lib.PyDict_GetItemString(Handle, p);
            return borrowed == 0 ? null : FromBorrowed(borrowed);
        }
    }

    public void Append(PyObject item)
    {
        if (Py.Lib.PyList_Append(Handle, item.Handle) != 0)
        {
            throw Py.FetchError();
        }
    }

    /// <summary>A new dict with the same items (a shallow copy, as dict.copy()).</summary>
    public PyObject CopyDict() => Steal(Py.Lib.PyDict_Copy(Handle));

    /// <summary>Sets a dict item to a WSGI native string (see <see cref="Py.Latin1(string)"/>).</summary>
    public void SetItemLatin1(PyObject key, string value) => SetItemStolen(key, Py.Latin1Handle(value));

    /// <summary>Sets a dict item to the str whose code points are <paramref name="latin1"/>.</summary>
    public void SetItemLatin1(PyObject key, ReadOnlySpan<byte> latin1) => SetItemStolen(key, Py.Latin1Handle(latin1));

    /// <summary>Length of an exact list or tuple (see <see cref="IsListOrTuple"/>).</summary>
    public int SequenceLength
    {
        get
        {
            var lib = Py.Lib;
            var type = lib.PyObject_Type(Handle);
            lib.Py_DecRef(type);
            return checked((int)(type == lib.PyTuple_Type ? lib.PyTuple_Size(Handle) : lib.PyList_Size(Handle)));
        }
    }

    /// <summary>
    /// The bytes of item <paramref name="index"/> of a list or tuple, borrowed: valid only until Python code runs or
    /// the GIL is released. False (and the item's type name) when the item is not bytes.
    /// </summary>
    public bool TryGetItemBytes(int index, out ReadOnlySpan<byte> data, out string? typeName)
    {
        var lib = Py.Lib;
        var type = lib.PyObject_Type(Handle);
        lib.Py_DecRef(type);
        var item = type == lib.PyTuple_Type ? lib.PyTuple_GetItem(Handle, index) : lib.PyList_GetItem(Handle, index);
        if (item == 0)
        {
            throw Py.FetchError();
        }

        byte* buffer;
        nint length;
        if (lib.PyBytes_AsStringAndSize(item, &buffer, &length) == 0)
        {
            data = new ReadOnlySpan<byte>(buffer, checked((int)length));
            typeName = null;
            return true;
        }

        lib.PyErr_Clear();
        data = default;
        using var owned = FromBorrowed(item);
        typeName = owned.TypeName();
        return false;
    }

    private void SetItemStolen(PyObject key, nint value)
    {
        var failed = Py.Lib.PyDict_SetItem(Handle, key.Handle, value) != 0;
        Py.Lib.Py_DecRef(value);
        if (failed)
        {
            throw Py.FetchError();
        }
    }

    /// <summary>Item <paramref name="index"/> of a tuple, owned.</summary>
    public PyObject TupleItem(int index) => FromBorrowed(Py.Lib.PyTuple_GetItem(Handle, index));
}
