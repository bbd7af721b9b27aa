namespace AkkaWsgi.Python;

/// <summary>
/// How to start a worker inside a Python executable: the executable, the arguments before the server's own, and the
/// environment variables to add.
/// </summary>
public sealed record PythonHostCommand(string Executable, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment);
