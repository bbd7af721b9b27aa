using AkkaWsgi.Python.Native;
using Microsoft.Win32.SafeHandles;

namespace AkkaWsgi.Http.Supervision;

/// <summary>
/// A worker process's line to its supervisor: it writes <c>ready</c> and <c>retire REASON</c> on the control pipe,
/// and reads <c>lead</c> from the pipe the supervisor made its standard input, whose end of file means the
/// supervisor is gone.
/// </summary>
internal sealed class SupervisorChannel : IDisposable
{
    private readonly FileStream control;
    private readonly FileStream commands;
    private readonly StreamWriter writer;
    private readonly Lock writing = new();
    private bool started;

    private SupervisorChannel(FileStream control, FileStream commands)
    {
        this.control = control;
        this.commands = commands;
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
        // The commands leave standard input, which becomes empty: an application that reads it (input(), a debugger
        // left in, a child process started without stdin=) would otherwise block on the pipe or take a command.
        var commands = Posix.MoveStandardInput();
        return new SupervisorChannel(new FileStream(handle, FileAccess.Write, bufferSize: 0),
            new FileStream(commands, FileAccess.Read, bufferSize: 0));
    }

    /// <summary>Starts listening to the supervisor; subscribe to the events first.</summary>
    public void Start()
    {
        started = true;
        new Thread(ReadCommands) { IsBackground = true, Name = "supervisor-channel" }.Start();
    }

    public void Ready() => Send(WorkerEnvironment.ReadyLine);

    public void Retire(string reason) => Send($"{WorkerEnvironment.RetireLine} {reason}");

    public void Dispose()
    {
        lock (writing)
        {
            writer.Dispose();
            control.Dispose();
        }

        if (!started)
        {
            // Once started, the reading thread owns the commands and closes them at their end.
            commands.Dispose();
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
        using var input = new StreamReader(commands);
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
