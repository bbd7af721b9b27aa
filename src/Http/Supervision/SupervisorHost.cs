using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Hosting;
using AkkaWsgi.Actors.Supervision;
using AkkaWsgi.Http.Hosting;
using AkkaWsgi.Hosting.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Http.Supervision;

/// <summary>
/// The supervisor process: binds the listeners once, keeps <see cref="ServerOptions.Processes"/> worker processes
/// serving them (through the <see cref="SupervisorActor"/>), and turns signals into its messages: SIGHUP reloads,
/// SIGTERM/SIGINT stop, SIGUSR1/SIGUSR2 go on to every worker. It never loads Python itself.
/// </summary>
internal static class SupervisorHost
{
    public static int Run(ServerOptions options, IReadOnlyList<string> arguments)
    {
        using var loggerFactory = ServerLogging.Create(options.LogLevel, json: options.JsonLogs);
        var logger = loggerFactory.CreateLogger("akkawsgi.supervisor");

        WorkerIdentity? identity;
        ListenerSet listeners;
        try
        {
            // The command line checked the names; they are resolved here for the ids unix: sockets are given.
            identity = WorkerIdentity.Resolve(options);

            // Checked here, as root if privileges are dropped later, so that an unusable certificate stops the start
            // with one clear line; each worker loads them again before it drops its privileges.
            foreach (var socket in options.HttpsSockets)
            {
                HttpsSocket.Parse(socket).Load(Environment.GetEnvironmentVariable(HttpsSocket.PasswordVariable)).Dispose();
            }

            listeners = ListenerSet.Bind(options, identity?.User.UserId, identity?.GroupId);
        }
        catch (InvalidOperationException e)
        {
            ServerLog.StartFailed(logger, e.Message, e);
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ServerLog.StartFailed(logger, e.Message, e);
            return ExitCodes.Failure;
        }

        PidFile pidFile;
        try
        {
            pidFile = PidFile.Write(options.PidFile);
        }
        catch (IOException e)
        {
            listeners.Dispose();
            ServerLog.StartFailed(logger, e.Message, e);
            return ExitCodes.Failure;
        }

        using (pidFile)
        using (listeners)
        {
            if (identity is not null)
            {
                SupervisionLog.DroppingPrivileges(logger, options.Uid!, identity.User.UserId, identity.GroupId);
            }

            return Supervise(options, arguments, listeners, loggerFactory, logger);
        }
    }

    private static int Supervise(ServerOptions options, IReadOnlyList<string> arguments, ListenerSet listeners,
        ILoggerFactory loggerFactory, ILogger logger)
    {
        // Taken first: the default action of SIGHUP, SIGUSR1 and SIGUSR2 ends the process, and a monitor or a log
        // rotation may send them at any time. Until the supervisor actor exists there is nothing to report, and
        // nothing to reload (the first workers import the code as it is), so they are ignored.
        var supervisorBox = new StrongBox<IActorRef?>();
        using var reportSignal = PosixSignalRegistration.Create((PosixSignal)LinuxSignal.Usr1, Forward(supervisorBox, LinuxSignal.Usr1));
        using var countersSignal = PosixSignalRegistration.Create((PosixSignal)LinuxSignal.Usr2, context =>
        {
            supervisorBox.Value?.Tell(new ReportStatus());
            Forward(supervisorBox, LinuxSignal.Usr2)(context);
        });
        using var hangupSignal = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            if (supervisorBox.Value is { } supervisor)
            {
                SupervisionLog.ReloadRequested(logger, "SIGHUP");
                supervisor.Tell(new ReloadWorkers());
            }
        });

        if (!PythonFromChoice.ForWorkers(options, logger, out var pythonHost))
        {
            return ExitCodes.PythonUnavailable;
        }

        StatusListener.WarnIfPublic(options.StatusSocket, logger);
        if (ProcessCountAdvice.IsTooMany(options.Processes, Environment.ProcessorCount))
        {
            SupervisionLog.TooManyProcesses(logger, options.Processes, ProcessCountAdvice.PerCore, Environment.ProcessorCount);
        }

        var finished = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var cluster = options.Processes > 1 ? LoopbackCluster.Create() : null;
        using var launcher = new WorkerProcessLauncher(arguments, listeners, cluster, pythonHost, logger);
        var supervisorOptions = new SupervisorOptions
        {
            Processes = options.Processes,
            GracefulTimeout = TimeSpan.FromSeconds(options.GracefulTimeout),
            FatalStartExitCodes = new HashSet<int> { ExitCodes.Usage, ExitCodes.PythonUnavailable, ExitCodes.ApplicationLoadFailed },
            ExitStatusMeanings = ExitCodes.Meanings,
            OnReady = () => SupervisionLog.Ready(logger, string.Join(", ", listeners.Addresses), options.Processes, options.Workers,
                options.Module, Environment.ProcessId),
            OnFinished = status => finished.TrySetResult(status),
        };
        using var host = SupervisorProcessHost.Build(loggerFactory, options.LogLevel,
            SupervisorActor.Props(launcher, supervisorOptions, TimeProvider.System, logger), cluster?.Supervisor);
        host.Start();
        if (cluster is not null)
        {
            cluster.System = host.Services.GetRequiredService<ActorSystem>();
        }

        var supervisor = host.Services.GetRequiredService<ActorRegistry>().Get<SupervisorActor>();
        supervisorBox.Value = supervisor;
        _ = supervisor.WatchAsync().ContinueWith(_ => finished.TrySetResult(ExitCodes.Failure), TaskScheduler.Default);

        var registrations = new List<PosixSignalRegistration>
        {
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop(supervisor, "SIGTERM", options, logger)),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop(supervisor, "SIGINT", options, logger)),
            PosixSignalRegistration.Create(PosixSignal.SIGQUIT, Stop(supervisor, "SIGQUIT", options, logger)),
        };
        try
        {
            var status = finished.Task.GetAwaiter().GetResult();
            SupervisionLog.Stopped(logger);
            return status;
        }
        finally
        {
            foreach (var registration in registrations)
            {
                registration.Dispose();
            }

            host.StopAsync().Wait(TimeSpan.FromSeconds(5));
        }
    }

    private static Action<PosixSignalContext> Stop(IActorRef supervisor, string name, ServerOptions options, ILogger logger) => context =>
    {
        context.Cancel = true;
        SupervisionLog.StopRequested(logger, name, options.GracefulTimeout);
        supervisor.Tell(new StopWorkers());
    };

    private static Action<PosixSignalContext> Forward(StrongBox<IActorRef?> supervisor, int signal) => context =>
    {
        context.Cancel = true;
        supervisor.Value?.Tell(new ForwardSignal(signal));
    };
}
