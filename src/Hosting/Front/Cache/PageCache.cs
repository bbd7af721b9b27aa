using Microsoft.AspNetCore.Http;

namespace AkkaWsgi.Hosting.Front.Cache;

/// <summary>
/// The stored pages: by URL key, several variants each, bounded by bytes with the least recently used evicted.
/// </summary>
/// <remarks>One lock guards it all: a lookup is a dictionary probe and a short list walk, far below a request's cost.</remarks>
internal sealed class PageCache(long capacity, TimeProvider time)
{
    private static readonly string[] StoredMethods = [HttpMethods.Get, HttpMethods.Head, HttpMethods.Options];

    private readonly Lock gate = new();
    private readonly Dictionary<string, List<CachedPage>> byKey = new(StringComparer.Ordinal);

    // Most recently used first.
    private readonly LinkedList<CachedPage> recency = new();
    private long bytes;
    private long hits;
    private long misses;
    private long evictions;

    /// <summary>The most bytes held at once.</summary>
    public long Capacity => capacity;

    public TimeProvider Time => time;

    public long Hits => Interlocked.Read(ref hits);

    public long Misses => Interlocked.Read(ref misses);

    /// <summary>Pages dropped to make room (expired ones are not counted).</summary>
    public long Evictions => Interlocked.Read(ref evictions);

    /// <summary>Bytes held now, as counted by <see cref="CachedPage.Size"/>.</summary>
    public long Bytes => Interlocked.Read(ref bytes);

    /// <summary>Pages held now.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return recency.Count;
            }
        }
    }

    public void RecordHit() => Interlocked.Increment(ref hits);

    public void RecordMiss() => Interlocked.Increment(ref misses);

    /// <summary>How long ago <paramref name="page"/> was stored.</summary>
    public TimeSpan Age(CachedPage page) => time.GetElapsedTime(page.StoredAt);

    /// <summary>The fresh page stored under <paramref name="key"/> whose variant <paramref name="request"/> matches, if any.</summary>
    public CachedPage? Find(string key, HttpRequest request)
    {
        lock (gate)
        {
            if (!byKey.TryGetValue(key, out var variants))
            {
                return null;
            }

            for (var i = variants.Count - 1; i >= 0; i--)
            {
                var page = variants[i];
                if (Age(page) >= page.Lifetime)
                {
                    RemoveLocked(page);
                    continue;
                }

                if (page.Variant.Matches(request))
                {
                    recency.Remove(page.Node!);
                    recency.AddFirst(page.Node!);
                    return page;
                }
            }

            return null;
        }
    }

    /// <summary>
    /// Called with the URLs whose pages a request on this node made stale, for the other nodes of a cluster to drop
    /// theirs; null when this node serves alone.
    /// </summary>
    public Action<IReadOnlyList<string>>? Shared { get; set; }

    /// <summary>The key of the pages a <paramref name="method"/> request for <paramref name="url"/> stores and finds.</summary>
    public static string Key(string method, string url) => method + " " + url;

    /// <summary>Drops every page stored for <paramref name="url"/>, of every method and variant; returns how many.</summary>
    public int Invalidate(string url)
    {
        var removed = 0;
        lock (gate)
        {
            foreach (var method in StoredMethods)
            {
                if (byKey.TryGetValue(Key(method, url), out var variants))
                {
                    foreach (var page in variants.ToArray())
                    {
                        RemoveLocked(page);
                        removed++;
                    }
                }
            }
        }

        return removed;
    }

    /// <summary>Stores <paramref name="page"/>, replacing the same variant of its URL; false when it is larger than the whole cache.</summary>
    public bool Store(CachedPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (page.Size > capacity)
        {
            return false;
        }

        lock (gate)
        {
            if (byKey.TryGetValue(page.Key, out var variants))
            {
                if (variants.Find(p => string.Equals(p.Variant.Signature, page.Variant.Signature, StringComparison.Ordinal)) is { } old)
                {
                    RemoveLocked(old);
                }
            }

            if (!byKey.TryGetValue(page.Key, out variants))
            {
                variants = [];
                byKey.Add(page.Key, variants);
            }

            variants.Add(page);
            page.Node = recency.AddFirst(page);
            Interlocked.Add(ref bytes, page.Size);
            while (Interlocked.Read(ref bytes) > capacity && recency.Last is { } oldest)
            {
                RemoveLocked(oldest.Value);
                Interlocked.Increment(ref evictions);
            }
        }

        return true;
    }

    private void RemoveLocked(CachedPage page)
    {
        if (page.Node is null)
        {
            return;
        }

        recency.Remove(page.Node);
        page.Node = null;
        Interlocked.Add(ref bytes, -page.Size);
        var variants = byKey[page.Key];
        variants.Remove(page);
        if (variants.Count == 0)
        {
            byKey.Remove(page.Key);
        }
    }
}
