namespace AkkaWsgi.Hosting.Logging;

/// <summary>
/// Text put on every log line of this process, such as <c>[worker 1 pid 4242]</c>: the worker processes of one
/// supervisor share its standard error, and a line must say which of them wrote it.
/// </summary>
internal sealed record LogTag(string? Text);
