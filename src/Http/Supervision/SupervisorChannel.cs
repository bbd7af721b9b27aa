using AkkaWsgi.Python.Native;
using Microsoft.Win32.SafeHandles;

namespace AkkaWsgi.Http.Supervision;

/// <summary>
/// A worker process's line to its supervisor: it writes <c>ready</c> and <c>retire REASON</c> on the control pipe,
/// and reads <c>lead</c> from standard input, whose end of file means the supervisor is gone.
/// </summary>
internal sealed class SupervisorChannel : IDisposable
{
    private readonly FileStream control;
    private readonly StreamWriter writer;
    private readonly Lock writing = new();

    private SupervisorChannel(FileStream control)
    {
        this.control = control;
        writer = new StreamWriter(control) { AutoFlush = true, NewLine = "\n" };
    }

    /// <summary>Raised (on a thread of its own) when the supervisor makes this worker run the cron and timer jobs.</summary>
    public event Action? Lead;

    /// <summary>Raised (on a thread of its own) when the supervisor has exited without stopping this worker.</summary>
    public event Action? SupervisorGone;

    public static SupervisorChannel Open(WorkerEnvironment environment)
    {
        // Processes the application starts must not hold the pipe open (the supervisor's end would never see EOF).
        Posix.SetInheritable(environment.ControlDescriptor, inheritable: false);
        var handle = new SafeFileHandle(environment.ControlDescriptor, ownsHandle: true);
        return new SupervisorChannel(new FileStream(handle, FileAccess.Write, bufferSize: 0));
    }

    /// <summary>Starts listening to the supervisor; subscribe to the events first.</summary>
    public void Start() => new Thread(ReadCommands) { IsBackground = true, Name = "supervisor-channel" }.Start();

    public void Ready() => Send(WorkerEnvironment.ReadyLine);

    public void Retire(string reason) => Send($"{WorkerEnvironment.RetireLine} {reason}");

    public void Dispose()
    {
        lock (writing)
        {
            writer.Dispose();
            control.Dispose();
        }
    }

    private void Send(string line)
    {
        lock (writing)
        {
            try
            {
                writer.WriteLine(line);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // The supervisor is gone; standard input's end of file says so too.
            }
        }
    }

    private void ReadCommands()
    {
        using var input = new StreamReader(Console.OpenStandardInput());
        try
        {
            while (input.ReadLine() is { } line)
            {
                if (line == WorkerEnvironment.LeadLine)
                {
                    Lead?.Invoke();
                }
            }
        }
        catch (IOException)
        {
            // Treated as the end of file below.
        }

        SupervisorGone?.Invoke();
    }
}
