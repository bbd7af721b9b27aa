namespace AkkaWsgi.Actors.Cluster;

/// <summary>
/// URLs whose stored pages are stale (an unsafe request to them, or redirecting to them, succeeded on some node), on
/// their way to every node's page cache.
/// </summary>
public sealed record CacheInvalidation(IReadOnlyList<string> Urls)
{
    /// <summary>The pub-sub topic every node's cache relay subscribes to.</summary>
    public const string Topic = "akkawsgi-cache";
}
