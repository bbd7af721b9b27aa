using System.Net;
using AkkaWsgi.Actors.Dispatch;

namespace AkkaWsgi.Tests.Actors.Dispatch.Priority;

/// <summary>Builds requests for the priority tests, from a public address unless told otherwise.</summary>
internal static class PriorityRequests
{
    /// <summary>A documentation address (RFC 5737): public, so every client term applies to it.</summary>
    public const string PublicClient = "203.0.113.1";

    public static FakeJob Job(string name, string? client = PublicClient, string? path = null, bool query = false, string? userAgent = null) =>
        new(name, new RequestInfo(client is null ? null : IPAddress.Parse(client), path ?? "/" + name, query, userAgent));

    /// <summary>Takes requests from <paramref name="queue"/> until it gives none, and names them in the order taken.</summary>
    public static List<string> TakeAll(IQueuePolicy queue, int busyWorkers = 0)
    {
        var names = new List<string>();
        while (queue.TakeNext(busyWorkers) is FakeJob job)
        {
            names.Add(job.Name);
        }

        return names;
    }
}
