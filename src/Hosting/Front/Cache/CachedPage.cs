using Microsoft.AspNetCore.Http;

namespace AkkaWsgi.Hosting.Front.Cache;

/// <summary>One stored response: what is sent again on a hit, when it was stored and for how long it is good.</summary>
internal sealed class CachedPage
{
    // Bookkeeping per entry (objects, list node, dictionary slot), so that many tiny pages still count against the size.
    private const int Overhead = 256;

    private int refreshing;

    public CachedPage(string key, string method, CacheVariant variant, int statusCode, string? reasonPhrase,
        IReadOnlyList<KeyValuePair<string, string>> headers, ReadOnlyMemory<byte> body, long storedAt, TimeSpan lifetime)
    {
        Key = key;
        Method = method;
        Variant = variant;
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
        Headers = headers;
        Body = body;
        StoredAt = storedAt;
        Lifetime = lifetime;
        Size = Overhead + body.Length + (key.Length + variant.Signature.Length) * 2 +
            headers.Sum(h => (h.Key.Length + h.Value.Length) * 2);
    }

    /// <summary>The URL's key in the cache (method class, scheme, host and raw target).</summary>
    public string Key { get; }

    /// <summary>The method of the request the response answered (and a refresh repeats): GET, HEAD or OPTIONS.</summary>
    public string Method { get; }

    public CacheVariant Variant { get; }

    public int StatusCode { get; }

    /// <summary>The application's reason phrase when it was not the standard one.</summary>
    public string? ReasonPhrase { get; }

    /// <summary>The application's headers, without framing (Content-Length, Transfer-Encoding) and those Kestrel adds.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>False for an entry stored from a HEAD request: it has no body to give a GET.</summary>
    public bool HasBody => !HttpMethods.IsHead(Method);

    /// <summary>The <see cref="TimeProvider"/> timestamp when the response was stored.</summary>
    public long StoredAt { get; }

    public TimeSpan Lifetime { get; }

    /// <summary>Bytes counted against the cache's size.</summary>
    public long Size { get; }

    /// <summary>The entry's place in the recency list, owned by <see cref="PageCache"/> under its lock.</summary>
    internal LinkedListNode<CachedPage>? Node { get; set; }

    /// <summary>Claims the entry's one background refresh; false when it was already claimed.</summary>
    public bool TryClaimRefresh() => Interlocked.Exchange(ref refreshing, 1) == 0;
}
