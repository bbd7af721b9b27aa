using AkkaWsgi.Python.Native;

namespace AkkaWsgi.Python.Wsgi;

/// <summary>Fills one request's environ; handed to <see cref="IWsgiExchange.WriteEnviron"/> on the worker's thread.</summary>
/// <remarks>Values become WSGI native strings: the bytes as received, each presented as one latin-1 character.</remarks>
public sealed class EnvironWriter : IDisposable
{
    // Header names an attacker can vary freely must not grow the cache without bound.
    private const int MaxCachedHeaderKeys = 256;

    private readonly EnvironKeys keys;
    private readonly Dictionary<string, PyObject> headerKeys = new(StringComparer.OrdinalIgnoreCase);

    // Most values repeat from one request to the next (the method, the protocol, the server's name and port, a
    // client's address): the last value of each key is kept as its Python str and set again when the next request
    // has the same, instead of making a new str. Python strs are immutable, so sharing one is safe.
    private static readonly int KeyCount = Enum.GetValues<EnvironKey>().Length;
    private readonly string?[] lastText = new string?[KeyCount];
    private readonly PyObject?[] lastValue = new PyObject?[KeyCount];
    private PyObject? environ;

    internal EnvironWriter(EnvironKeys keys) => this.keys = keys;

    internal void Begin(PyObject target) => environ = target;

    internal void End() => environ = null;

    public void Set(EnvironKey key, string value)
    {
        var slot = (int)key;
        if (lastValue[slot] is { } same && string.Equals(lastText[slot], value, StringComparison.Ordinal))
        {
            Environ.SetItem(keys[key], same);
            return;
        }

        var created = Py.Latin1(value);
        try
        {
            Environ.SetItem(keys[key], created);
        }
        catch
        {
            created.Dispose();
            throw;
        }

        lastValue[slot]?.Dispose();
        (lastText[slot], lastValue[slot]) = (value, created);
    }

    /// <summary>Sets a value given as raw bytes (PATH_INFO after percent-decoding).</summary>
    public void Set(EnvironKey key, ReadOnlySpan<byte> latin1) => Environ.SetItemLatin1(keys[key], latin1);

    /// <summary>
    /// Adds a request header as HTTP_NAME (CONTENT_TYPE and CONTENT_LENGTH without the prefix, as CGI says).
    /// Repeated headers must already be joined. Returns false for a header that is dropped.
    /// </summary>
    /// <remarks>
    /// Names with "_" are dropped: "X_User" and "X-User" would both become HTTP_X_USER, letting a client forge a
    /// header a front proxy set. "Proxy" is dropped because HTTP_PROXY is read as proxy configuration (httpoxy).
    /// </remarks>
    public bool AddHeader(string name, string value)
    {
        if (name.Contains('_', StringComparison.Ordinal) || name.Equals("Proxy", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
        {
            Set(EnvironKey.ContentType, value);
            return true;
        }

        if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
        {
            Set(EnvironKey.ContentLength, value);
            return true;
        }

        if (headerKeys.TryGetValue(name, out var cached))
        {
            Environ.SetItemLatin1(cached, value);
            return true;
        }

        var key = Py.Intern(CgiName(name));
        Environ.SetItemLatin1(key, value);
        if (headerKeys.Count < MaxCachedHeaderKeys)
        {
            headerKeys[name] = key;
        }
        else
        {
            key.Dispose();
        }

        return true;
    }

    internal static string CgiName(string header) =>
        string.Create(header.Length + 5, header, static (span, name) =>
        {
            "HTTP_".CopyTo(span);
            for (var i = 0; i < name.Length; i++)
            {
                var c = name[i];
                span[5 + i] = c == '-' ? '_' : char.ToUpperInvariant(c);
            }
        });

    private PyObject Environ => environ ?? throw new InvalidOperationException("no request is being prepared");

    /// <summary>Lets go of the kept keys and values; with the GIL held, as the worker ends.</summary>
    public void Dispose()
    {
        foreach (var value in lastValue)
        {
            value?.Dispose();
        }

        foreach (var key in headerKeys.Values)
        {
            key.Dispose();
        }

        Array.Clear(lastValue);
        Array.Clear(lastText);
        headerKeys.Clear();
    }
}
