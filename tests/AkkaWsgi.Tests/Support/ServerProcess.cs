using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace AkkaWsgi.Tests.Support;

/// <summary>
/// One running <c>akkawsgi</c> process: starts it with <c>dotnet akkawsgi.dll</c>, captures every
/// stdout/stderr line, finds the base URL in the ready line, and kills the whole process tree on
/// dispose whatever state the test left it in.
/// </summary>
public sealed partial class ServerProcess : IDisposable
{
    public const int SigHup = 1;
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;
    public const int SigCont = 18;
    public const int SigStop = 19;

    private static readonly TimeSpan DefaultStartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly object _gate = new();
    private readonly List<string> _lines = [];
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _disposed;

    private ServerProcess(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?>? environment, string? program = null)
    {
        Arguments = arguments;
        Program = program ?? $"dotnet {RepoPaths.ServerDll}";
        var info = new ProcessStartInfo(program ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            // Deliberately not the apps folder: only --chdir may make the app importable.
            WorkingDirectory = Path.GetTempPath(),
        };
        if (program is null)
        {
            info.ArgumentList.Add(RepoPaths.ServerDll);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // A virtualenv active in the shell that runs the tests must not choose the interpreter.
        info.Environment.Remove("VIRTUAL_ENV");
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                if (value is null)
                {
                    info.Environment.Remove(name);
                }
                else
                {
                    info.Environment[name] = value;
                }
            }
        }

        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data, _stdoutClosed);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data, _stderrClosed);
        _process.Exited += (_, _) => _exited.TrySetResult();
    }

    public IReadOnlyList<string> Arguments { get; }

    /// <summary>What runs the server: the built server through dotnet, or another way of starting it.</summary>
    public string Program { get; }

    public Uri BaseUrl => new(ReadyTask.IsCompletedSuccessfully
        ? ReadyTask.Result
        : throw new InvalidOperationException("the server has not reported ready"));

    public int Port => BaseUrl.Port;

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    private Task<string> ReadyTask => _ready.Task;

    /// <summary>Everything the process printed so far, one line per line, in arrival order.</summary>
    public string Log
    {
        get
        {
            lock (_gate)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>How many lines have been captured; pass it to <see cref="LogSince"/> to see what a request added.</summary>
    public int LineCount
    {
        get
        {
            lock (_gate)
            {
                return _lines.Count;
            }
        }
    }

    public string LogSince(int line)
    {
        lock (_gate)
        {
            return string.Join('\n', _lines.Skip(line));
        }
    }

    /// <summary>Starts the server and returns without waiting for it to be ready.</summary>
    /// <param name="program">Another way of starting it (an installed executable, a launcher script); null: the built server.</param>
    public static ServerProcess Launch(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null,
        string? program = null)
    {
        var server = new ServerProcess(arguments.ToList(), environment, program);
        try
        {
            server._process.Start();
            server._process.BeginOutputReadLine();
            server._process.BeginErrorReadLine();
            server._process.StandardInput.Close();
        }
        catch
        {
            server.Dispose();
            throw;
        }

        return server;
    }

    /// <summary>Starts the server and waits for its ready line; fails with the captured log otherwise.</summary>
    public static async Task<ServerProcess> StartAsync(
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null)
    {
        var server = Launch(arguments, environment);
        try
        {
            await server.WaitForReadyAsync(timeout ?? DefaultStartTimeout);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>The usual arguments for serving <paramref name="module"/> from tests/apps on a free port.</summary>
    public static List<string> AppArguments(string module, string python, int workers = 4, string? chdir = null) =>
    [
        "--module", module,
        "--chdir", chdir ?? RepoPaths.AppsDir,
        "--http-socket", "127.0.0.1:0",
        "--workers", workers.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--python", python,
    ];

    public async Task WaitForReadyAsync(TimeSpan timeout)
    {
        var finished = await Task.WhenAny(ReadyTask, _exited.Task, Task.Delay(timeout));
        if (finished == ReadyTask)
        {
            return;
        }

        if (finished == _exited.Task)
        {
            await DrainOutputAsync();
            throw new InvalidOperationException(
                $"akkawsgi exited with code {_process.ExitCode} before reporting ready.\n{Describe()}");
        }

        throw new TimeoutException($"akkawsgi did not report ready within {timeout}.\n{Describe()}");
    }

    /// <summary>Waits for the process to exit and returns its exit code; throws if it outlives the timeout.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        var finished = await Task.WhenAny(_exited.Task, Task.Delay(timeout));
        if (finished != _exited.Task)
        {
            throw new TimeoutException($"akkawsgi still running after {timeout}.\n{Describe()}");
        }

        await DrainOutputAsync();
        return _process.ExitCode;
    }

    /// <summary>Polls the captured log (from line <paramref name="fromLine"/>) until it contains <paramref name="text"/>.</summary>
    public Task<bool> WaitForLogAsync(string text, TimeSpan timeout, int fromLine = 0) =>
        WaitForLogAsync(log => log.Contains(text, StringComparison.Ordinal), timeout, fromLine);

    public async Task<bool> WaitForLogAsync(Func<string, bool> predicate, TimeSpan timeout, int fromLine = 0)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (predicate(LogSince(fromLine)))
            {
                return true;
            }

            await Task.Delay(25);
        }

        return predicate(LogSince(fromLine));
    }

    public void SendSignal(int signal) => Signal(_process.Id, signal);

    /// <summary>Sends <paramref name="signal"/> to any process, such as one of the server's worker processes.</summary>
    public static void Signal(int pid, int signal)
    {
        if (NativeMethods.Kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public string Describe() =>
        $"command: {Program} {string.Join(' ', Arguments)}\n--- log ---\n{Log}\n--- end of log ---";

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already reaped: nothing left to kill.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private async Task DrainOutputAsync()
    {
        // The Exited event can overtake the last buffered lines; they matter for exit-code tests.
        await Task.WhenAny(Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task), Task.Delay(5000));
    }

    private void OnLine(string? line, TaskCompletionSource closed)
    {
        if (line is null)
        {
            closed.TrySetResult();
            return;
        }

        lock (_gate)
        {
            _lines.Add(line);
        }

        if (!_ready.Task.IsCompleted)
        {
            var match = ReadyLine().Match(line);
            if (match.Success)
            {
                _ready.TrySetResult(match.Groups[1].Value.TrimEnd('/', '.', ',') + "/");
            }
        }
    }

    [GeneratedRegex(@"ready on (http://\S+)")]
    private static partial Regex ReadyLine();

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        internal static extern int Kill(int pid, int signal);
    }
}
