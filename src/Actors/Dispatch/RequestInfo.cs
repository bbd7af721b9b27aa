using System.Net;

namespace AkkaWsgi.Actors.Dispatch;

/// <summary>What the dispatcher knows of a request when scheduling it: who sent it and what it asks for.</summary>
/// <param name="Client">The client's address (after trusted proxies), or null when unknown (a Unix socket).</param>
/// <param name="Path">The request path, raw (as in the request line, without the query).</param>
/// <param name="HasQuery">Whether the request line had a query string.</param>
/// <param name="UserAgent">The User-Agent header, or null.</param>
public sealed record RequestInfo(IPAddress? Client, string Path, bool HasQuery, string? UserAgent);
