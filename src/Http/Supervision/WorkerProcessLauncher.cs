using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Pipes;
using Akka.Actor;
using AkkaWsgi.Actors.Supervision;
using AkkaWsgi.Http.Hosting;
using AkkaWsgi.Python;
using AkkaWsgi.Python.Native;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Http.Supervision;

/// <summary>
/// Starts worker processes with the same command line, as this same executable or, given <paramref name="pythonHost"/>,
/// as the Python executable that then runs the server, handing them their listening sockets and a control pipe; the
/// workers share this process's standard output and error, so their logs go where the supervisor's go.
/// </summary>
internal sealed class WorkerProcessLauncher(IReadOnlyList<string> arguments, ListenerSet listeners, LoopbackCluster? cluster,
    PythonHostCommand? pythonHost, ILogger logger)
    : IWorkerLauncher, IDisposable
{
    private const int SigTerm = 15;

    private readonly ConcurrentDictionary<WorkerId, Process> processes = new();

    // Process starts are serialised: the control pipe's write end and the slot's own sockets are inheritable while a
    // worker is being started, and a worker started at the same moment would inherit them too (keeping the pipe open
    // after the owner died, or another slot's sockets).
    private readonly Lock starting = new();

    public void Start(WorkerId worker, IActorRef supervisor)
    {
        AnonymousPipeServerStream? control = null;
        Process process;
        try
        {
            lock (starting)
            {
                control = new AnonymousPipeServerStream(PipeDirection.In, HandleInheritability.Inheritable);
                var controlFd = (int)control.ClientSafePipeHandle.DangerousGetHandle();
                Posix.SetInheritable(controlFd, inheritable: true);
                process = new Process { StartInfo = StartInfo(worker, controlFd), EnableRaisingEvents = true };
                using (listeners.InheritableFor(worker.Slot))
                {
                    process.Start();
                }

                control.DisposeLocalCopyOfClientHandle();
            }
        }
        catch (Exception e) when (e is IOException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            SupervisionLog.LaunchFailed(logger, worker.ToString(), e.Message, e);
            control?.Dispose();
            supervisor.Tell(new WorkerExited(worker, ExitCodes.Failure));
            return;
        }

        processes[worker] = process;
        supervisor.Tell(new WorkerStarted(worker, process.Id));
        _ = ReadControlAsync(worker, control, supervisor);
        _ = WatchExitAsync(worker, process, supervisor);
    }

    public void Drain(WorkerId worker) => SignalProcess(worker, SigTerm);

    public void Kill(WorkerId worker)
    {
        if (processes.TryGetValue(worker, out var process))
        {
            try
            {
                process.Kill();
            }
            catch (InvalidOperationException)
            {
                // Already exited; its WorkerExited is on the way.
            }
        }
    }

    public void Signal(WorkerId worker, int signal) => SignalProcess(worker, signal);

    public void Lead(WorkerId worker)
    {
        if (processes.TryGetValue(worker, out var process))
        {
            try
            {
                process.StandardInput.WriteLine(WorkerEnvironment.LeadLine);
                process.StandardInput.Flush();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // The worker is exiting; the role moves on when its WorkerExited arrives.
            }
        }
    }

    public void Dispose()
    {
        foreach (var process in processes.Values)
        {
            process.Dispose();
        }
    }

    private ProcessStartInfo StartInfo(WorkerId worker, int controlFd)
    {
        var info = new ProcessStartInfo(pythonHost?.Executable ?? Environment.ProcessPath!)
        {
            UseShellExecute = false,
            // The worker's standard input is the supervisor's line to it, and its end of file says the supervisor is gone.
            RedirectStandardInput = true,
        };

        if (pythonHost is not null)
        {
            foreach (var argument in pythonHost.Arguments())
            {
                info.ArgumentList.Add(argument);
            }

            pythonHost.AddTo(info.Environment);
        }
        else if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            // Run through the dotnet host ("dotnet akkawsgi.dll ..."): the worker needs the same entry assembly.
            info.ArgumentList.Add(PythonFromChoice.ServerAssembly);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Sockets systemd handed to the supervisor are passed on under the supervisor's own variables.
        info.Environment.Remove("LISTEN_FDS");
        info.Environment.Remove("LISTEN_PID");
        info.Environment.Remove("LISTEN_FDNAMES");
        SocketThreads.RemoveServerChoices(info.Environment);

        foreach (var (name, value) in WorkerEnvironment.Describe(listeners.DescriptorsFor(worker.Slot), controlFd, worker.Slot, worker.Generation, worker.Serial))
        {
            info.Environment[name] = value;
        }

        if (cluster is not null)
        {
            info.Environment[WorkerEnvironment.ClusterVariable] = cluster.Describe(worker);
        }

        info.Environment[WorkerEnvironment.TlsVariable] = WorkerEnvironment.DescribeTls(listeners.TlsDescriptorsFor(worker.Slot));
        info.Environment[WorkerEnvironment.StatusVariable] = string.Join(',', listeners.StatusDescriptorsFor(worker.Slot));
        if (listeners.Connections is { } connections)
        {
            info.Environment[Hosting.Balancing.ConnectionTable.Variable] = connections.Describe();
        }

        if (listeners.StatusPeersFor(worker.Slot) is { } peers)
        {
            info.Environment[WorkerEnvironment.StatusPeersVariable] = peers.Describe();
        }

        return info;
    }

    private void SignalProcess(WorkerId worker, int signal)
    {
        if (processes.TryGetValue(worker, out var process))
        {
            try
            {
                Posix.TrySignal(process.Id, signal);
            }
            catch (InvalidOperationException e)
            {
                SupervisionLog.SignalFailed(logger, signal, worker.ToString(), e.Message);
            }
        }
    }

    private static async Task ReadControlAsync(WorkerId worker, AnonymousPipeServerStream control, IActorRef supervisor)
    {
        try
        {
            using var reader = new StreamReader(control);
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (line == WorkerEnvironment.ReadyLine)
                {
                    supervisor.Tell(new WorkerReady(worker));
                }
                else if (line.StartsWith(WorkerEnvironment.RetireLine + " ", StringComparison.Ordinal))
                {
                    supervisor.Tell(new WorkerRetiring(worker, line[(WorkerEnvironment.RetireLine.Length + 1)..]));
                }
            }
        }
        catch (IOException)
        {
            // The worker is gone; WatchExitAsync reports it.
        }
    }

    private async Task WatchExitAsync(WorkerId worker, Process process, IActorRef supervisor)
    {
        await process.WaitForExitAsync().ConfigureAwait(false);
        processes.TryRemove(worker, out _);
        cluster?.Gone(worker);
        listeners.Connections?.WithdrawProcess(process.Id); // the others stop leaving connections to it
        var status = process.ExitCode;
        process.Dispose();
        supervisor.Tell(new WorkerExited(worker, status));
    }
}
