namespace AkkaWsgi.Hosting.Server;

/// <summary>Request and response counts kept by the connection side, for SIGUSR2.</summary>
internal sealed class ServerCounters
{
    private readonly long[] byClass = new long[6];
    private long requests;
    private long staticHits;

    public long Requests => Interlocked.Read(ref requests);

    /// <summary>Files the static maps served.</summary>
    public long StaticHits => Interlocked.Read(ref staticHits);

    /// <summary>Counts a file a static map served.</summary>
    public void StaticServed() => Interlocked.Increment(ref staticHits);

    public void RequestStarted() => Interlocked.Increment(ref requests);

    public void ResponseSent(int statusCode) => Interlocked.Increment(ref byClass[Math.Clamp(statusCode / 100, 0, 5)]);

    /// <summary>Responses whose status is in <paramref name="hundreds"/>xx (1 to 5).</summary>
    public long Responses(int hundreds) => Interlocked.Read(ref byClass[hundreds]);
}
