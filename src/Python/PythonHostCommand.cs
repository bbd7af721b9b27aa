namespace AkkaWsgi.Python;

/// <summary>
/// How to start a worker inside a Python executable: the executable, the .NET host library and server assembly it
/// starts, and the environment variables to add.
/// </summary>
public sealed record PythonHostCommand(string Executable, string HostLibrary, string Assembly, IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>
    /// The executable's arguments before the server's own, resolved for a start now: an update of the .NET runtime
    /// may have replaced the host library since the supervisor started (<see cref="PythonExecutableHost.CurrentHost"/>).
    /// </summary>
    public IReadOnlyList<string> Arguments() =>
        ["-c", PythonExecutableHost.StartCommand, PythonExecutableHost.CurrentHost(HostLibrary), Assembly];

    /// <summary>
    /// Adds what the executable needs to the environment it starts with: <see cref="Environment"/>, and
    /// PYTHONUNBUFFERED unless it is set, as the server sets it before it starts an interpreter itself (the
    /// application's prints reach the log as they happen, not when a block buffer fills).
    /// </summary>
    public void AddTo(IDictionary<string, string?> environment)
    {
        foreach (var (name, value) in Environment)
        {
            environment[name] = value;
        }

        environment.TryAdd("PYTHONUNBUFFERED", "1");
    }
}
