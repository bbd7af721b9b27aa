namespace AkkaWsgi.Hosting.Logging;

/// <summary>One answered request, as the access log writes it (the combined log format plus the duration).</summary>
/// <param name="Bytes">Body bytes the response sent, headers not counted (nothing for HEAD, 304 or a parked wait).</param>
internal sealed record AccessEntry(
    string Method,
    string Path,
    string RequestId,
    string Client,
    DateTimeOffset Time,
    string RequestLine,
    int Status,
    long Bytes,
    string Referer,
    string UserAgent,
    TimeSpan Duration);
