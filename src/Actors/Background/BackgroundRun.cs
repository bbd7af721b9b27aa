using AkkaWsgi.Actors.Dispatch;
using AkkaWsgi.Python.Wsgi;

namespace AkkaWsgi.Actors.Background;

/// <summary>One run of a cron or timer job, scheduled by the dispatcher like a request (its deadline included).</summary>
public sealed class BackgroundRun(BackgroundJob job, Action onComplete) : IRequestJob
{
    private int completed;

    public BackgroundJob Job => job;

    /// <summary>Stands for the run in log lines and lets a deadline interrupt exactly this run.</summary>
    public IWsgiExchange Exchange { get; } = new Identity($"background job {job.Name}");

    /// <summary>No client: the priority rules and blocking do not apply.</summary>
    public RequestInfo Info { get; } = new(null, "", false, null);

    public bool IsAbandoned => false;

    public void Complete()
    {
        if (Interlocked.Exchange(ref completed, 1) == 0)
        {
            onComplete();
        }
    }

    public void Reject(int statusCode, TimeSpan? retryAfter) => Complete();

    /// <summary>A run has no HTTP side; only its description is ever used.</summary>
    private sealed class Identity(string description) : IWsgiExchange
    {
        public string Description => description;

        public RequestBody Body => RequestBody.Empty;

        public IWsgiResponse Response => throw new NotSupportedException("a background run has no response");

        public void WriteEnviron(EnvironWriter environ) => throw new NotSupportedException("a background run has no environ");
    }
}
