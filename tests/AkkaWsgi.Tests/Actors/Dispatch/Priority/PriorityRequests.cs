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
}
