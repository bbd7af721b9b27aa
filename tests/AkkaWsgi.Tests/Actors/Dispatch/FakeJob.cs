using System.Net;
using AkkaWsgi.Actors.Dispatch;
using AkkaWsgi.Python.Wsgi;

namespace AkkaWsgi.Tests.Actors.Dispatch;

/// <summary>A request as the dispatcher and queue policies see it, recording what is done to it.</summary>
internal sealed class FakeJob(string name, RequestInfo? info = null) : IRequestJob
{
    private int completions;

    public string Name => name;

    public IWsgiExchange Exchange { get; } = new DescribedOnly(name);

    public RequestInfo Info { get; } = info ?? new RequestInfo(IPAddress.Parse("203.0.113.1"), "/" + name, false, null);

    public bool IsAbandoned { get; set; }

    public int Completions => completions;

    public int? RejectedWith { get; private set; }

    public TimeSpan? RetryAfter { get; private set; }

    public void Complete() => Interlocked.Increment(ref completions);

    public void Reject(int statusCode, TimeSpan? retryAfter)
    {
        RejectedWith = statusCode;
        RetryAfter = retryAfter;
        Complete();
    }

    public override string ToString() => name;

    /// <summary>The dispatcher only ever describes a request in its log lines; it never looks further inside.</summary>
    private sealed class DescribedOnly(string name) : IWsgiExchange
    {
        public string Description => $"GET /{name}";

        public RequestBody Body => throw new NotSupportedException();

        public IWsgiResponse Response => throw new NotSupportedException();

        public void WriteEnviron(EnvironWriter environ) => throw new NotSupportedException();
    }
}
