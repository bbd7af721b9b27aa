using AkkaWsgi.Hosting;
using OpenTelemetry.Metrics;
using AkkaWsgi.Hosting.Server;
using System.Runtime.InteropServices;
using AkkaWsgi.Actors.Background;
using AkkaWsgi.Actors.Cluster;
using AkkaWsgi.Actors.Dispatch;
using AkkaWsgi.Actors.Dispatch.Priority;
using AkkaWsgi.Actors.Interpreter;
using Akka;
using Akka.Actor;
using Akka.Hosting;
using AkkaWsgi.Actors.Hosting;
using AkkaWsgi.Actors.Parking;
using AkkaWsgi.Actors.Watchdog;
using AkkaWsgi.Hosting.Front;
using AkkaWsgi.Hosting.Front.Blocking;
using AkkaWsgi.Hosting.Front.Cache;
using AkkaWsgi.Hosting.Front.Parking;
using AkkaWsgi.Hosting.Front.Static;
using AkkaWsgi.Hosting.Logging;
using AkkaWsgi.Http.Hosting.Balancing;
using AkkaWsgi.Http.Supervision;
using AkkaWsgi.Python;
using AkkaWsgi.Python.Native;
using AkkaWsgi.Python.Wsgi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Http.Hosting;

/// <summary>
/// One serving process's life, alone (--no-supervisor) or as a supervisor's worker: find and start Python, import
/// the application, start the actors and Kestrel, serve until SIGTERM/SIGINT, then drain, stop the interpreter
/// workers and finalise Python (running its atexit handlers).
/// </summary>
internal static class ServerHost
{
    // What the application's threads get at a stop when the drain used up the grace period.
    private static readonly TimeSpan MinimumThreadWait = TimeSpan.FromSeconds(1);

    /// <param name="options">The command line.</param>
    /// <param name="worker">What the supervisor told this worker process; null when serving alone.</param>
    public static int Run(ServerOptions options, WorkerEnvironment? worker)
    {
        using var loggerFactory = ServerLogging.Create(options.LogLevel, json: options.JsonLogs, tag:
            worker is null ? null : new LogTag(worker.Slot, Environment.ProcessId));
        var logger = loggerFactory.CreateLogger("akkawsgi");
        using var startingSignals = new StartingSignals();
        using var channel = worker is null ? null : SupervisorChannel.Open(worker);
        WorkerEnvironment.Forget();

        // Read before privileges are dropped: certificate keys are usually readable by root only.
        IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2> certificates;
        try
        {
            certificates = [.. options.HttpsSockets.Select(s => HttpsSocket.Parse(s).Load(Environment.GetEnvironmentVariable(HttpsSocket.PasswordVariable)))];
        }
        catch (InvalidOperationException e)
        {
            ServerLog.StartFailed(logger, e.Message, e);
            return ExitCodes.Usage;
        }

        // Before anything of the application runs, and before --chdir, so that what the user cannot read fails clearly.
        if (worker is not null && !DropPrivileges(options, logger))
        {
            return ExitCodes.Usage; // a configuration problem: the supervisor does not retry it
        }

        if (worker is null)
        {
            StatusListener.WarnIfPublic(options.StatusSocket, logger); // under a supervisor, it says so once for all
        }

        PidFile pidFile;
        try
        {
            pidFile = PidFile.Write(worker is null ? options.PidFile : null); // under a supervisor, it writes its own
        }
        catch (IOException e)
        {
            ServerLog.StartFailed(logger, e.Message, e);
            return ExitCodes.Failure;
        }

        using var removePidFile = pidFile;

        string appDirectory;
        try
        {
            if (options.Chdir is not null)
            {
                Directory.SetCurrentDirectory(options.Chdir);
            }

            appDirectory = Directory.GetCurrentDirectory();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var reason = e is DirectoryNotFoundException ? "no such directory" : e.Message;
            ServerLog.StartFailed(logger, $"--chdir {options.Chdir}: {reason}", e);
            return ExitCodes.Usage;
        }

        ClusterNode? cluster;
        try
        {
            cluster = ClusterNode.For(options, worker);
        }
        catch (InvalidOperationException e)
        {
            ServerLog.StartFailed(logger, e.Message, e);
            return ExitCodes.Usage;
        }

        PythonRuntime runtime;
        WsgiApplication application;
        try
        {
            var installation = PythonLocator.Locate(options.Python, options.Venv);
            runtime = PythonRuntime.Start(installation, appDirectory, loggerFactory, options.AllowClr);
        }
        catch (PythonNotFoundException e)
        {
            ServerLog.PythonUnavailable(logger, e.Message);
            return ExitCodes.PythonUnavailable;
        }

        try
        {
            application = runtime.LoadApplication(options.Module, new WsgiSettings { MultiProcess = worker is not null && options.Processes > 1, CaptureStandardStreams = options.JsonLogs });
        }
        catch (ApplicationLoadException e)
        {
            if (e.Traceback.Length > 0)
            {
                ServerLog.ApplicationTraceback(logger, e.Traceback.TrimEnd());
            }

            ServerLog.ApplicationLoadFailed(logger, e.Message);
            // Threads the failed import started are not waited for.
            return runtime.Shutdown(null, threadWait: TimeSpan.Zero) ? ExitCodes.ApplicationLoadFailed : ExitWithoutFinalising(ExitCodes.ApplicationLoadFailed);
        }

        runtime.ReleaseMainThread();
        var exitCode = Serve(options, worker, channel, cluster, certificates, runtime, application, loggerFactory, logger, out var pythonFinalised);
        if (pythonFinalised)
        {
            ServerLog.Stopped(logger);
            return exitCode;
        }

        return ExitWithoutFinalising(exitCode);

        // A worker is still inside Python, or a thread of the application's still runs, and a normal exit would run
        // pythonnet's process-exit handler, which takes the GIL and would wait for it for ever: tidy up what this
        // process owns, then end it at once.
        int ExitWithoutFinalising(int status)
        {
            removePidFile.Dispose();
            channel?.Dispose();
            loggerFactory.Dispose();
            Posix.ExitImmediately(status);
            return status;
        }
    }

    private static bool DropPrivileges(ServerOptions options, ILogger logger)
    {
        try
        {
            if (WorkerIdentity.Resolve(options) is { } identity)
            {
                Posix.DropPrivileges(identity.User, identity.GroupId);
            }

            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            ServerLog.StartFailed(logger, $"dropping privileges to --uid {options.Uid}: {e.Message}", e);
            return false;
        }
    }

    private static int Serve(ServerOptions options, WorkerEnvironment? worker, SupervisorChannel? channel, ClusterNode? cluster,
        IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2> certificates, PythonRuntime runtime,
        WsgiApplication application, ILoggerFactory loggerFactory, ILogger logger, out bool workersStopped)
    {
        IHostApplicationLifetime? lifetime = null;
        if (worker is not null)
        {
            ServerMetrics.WorkerProcess = (worker.Generation - 1, worker.Serial);
        }

        var python = PythonHost.Adopt(runtime, application, new PythonExitHandOff());
        using var balance = worker is { Connections: { } connections } ? ConnectionBalance.TryOpen(connections.Path, connections.Entries, ConnectionTable.EntryOf(worker.Slot, worker.Generation), TimeProvider.System, logger) : null;
        using var server = new WsgiServer(options, python, loggerFactory, TimeProvider.System, accessFields: options.JsonLogs)
        {
            Cluster = cluster?.Settings,
            StopHost = () => lifetime?.StopApplication(),
        };
        var statusListeners = new List<Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions>();
        WebApplication web;
        try
        {
            web = BuildWeb();
        }
        catch (IOException e)
        {
            // A listener Kestrel's options could not set up (a unix socket path that is taken): nothing has started,
            // and the application's exit handlers are not run for a server that never served.
            ServerLog.StartFailed(logger, e.Message, e);
            workersStopped = false;
            return ExitCodes.Failure;
        }

        WebApplication BuildWeb() => KestrelSetup.Build(options, loggerFactory, worker?.ListenDescriptors, certificates,
            worker?.TlsDescriptors ?? new Dictionary<int, int>(), worker?.StatusDescriptors ?? new HashSet<int>(), worker?.StatusPeers, balance, services =>
            {
                if (options.StatusSocket is not null)
                {
                    services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(ServerMetrics.MeterName).AddPrometheusExporter());
                }

                services.AddWsgiServer(options, _ => server).AddAkka(ClusterSettings.SystemName, akka =>
                {
                    akka.AddHocon(ServerActorSystemConfig.OwnProcess, HoconAddMode.Prepend);
                    if (cluster is not null)
                    {
                        akka.AddHocon(ClusterConfig.Hocon(cluster.Settings), HoconAddMode.Prepend);
                        if (cluster.Tls is { } tls)
                        {
                            akka.AddSetup(tls);
                        }
                    }

                    akka.WithServerLogging(loggerFactory, options.LogLevel)
                        .WithAkkaWsgi();
                });
            }, statusListeners);

        lifetime = web.Services.GetRequiredService<IHostApplicationLifetime>();
        if (options.StatusSocket is not null)
        {
            StatusListener.Use(web, worker?.StatusPeers, clusterNodes: options.ClusterListen is not null);
        }

        var registry = web.Services.GetRequiredService<ActorRegistry>();
        web.MapWsgi("/");

        // The actor system starts first (Kestrel is always the host's last service) and stops through its
        // CoordinatedShutdown; this thread finalises Python when its turn comes.
        var system = web.Services.GetRequiredService<ActorSystem>();
        // A shutdown the actor system starts on its own (the cluster removed this node) is a stop like SIGTERM's: this
        // thread must wake to finalise Python, or the drained process would wait for it instead of exiting for its
        // supervisor to start a fresh member.
        var removedFromCluster = false;
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "akkawsgi-stop-host", () =>
        {
            // Its own exit status tells the supervisor (or a service manager) why a process nobody asked to stop did.
            removedFromCluster = CoordinatedShutdown.Get(system).ShutdownReason is CoordinatedShutdown.ClusterDowningReason;
            lifetime.StopApplication();
            return Task.FromResult(Done.Instance);
        });
        bool Stop()
        {
            var stopping = TimeProvider.System.GetTimestamp();
            var shutdown = CoordinatedShutdown.Get(system).Run(ServerShutdown.Reason.Instance);
            var finalised = python.Exit.FinaliseWhenAsked(shutdown, () =>
            {
                if (python.InterpretersStuck)
                {
                    return false; // a worker still runs Python; finalising now would pull the interpreter from under it
                }

                // The application's own threads get what is left of the grace period: a stop must end, and its
                // supervisor would kill a process that overran by much.
                var left = server.GraceForDrain() - TimeProvider.System.GetElapsedTime(stopping);
                return runtime.Shutdown(application, left > MinimumThreadWait ? left : MinimumThreadWait);
            });
            if (python.InterpretersStuck)
            {
                // A worker is still inside Python (a C call the interrupt cannot reach) and the actor system would wait
                // for it to stop: leave now, as the process's exit is the only thing that ends such a worker.
                return false;
            }

            shutdown.Wait(ServerShutdown.ActorSystemStopTimeout);
            web.StopAsync().Wait(ServerShutdown.ActorSystemStopTimeout);
            web.DisposeAsync().AsTask().Wait(ServerShutdown.ActorSystemStopTimeout);
            return finalised;
        }

        try
        {
            web.StartAsync().GetAwaiter().GetResult();
            balance?.StartAccepting();
            web.Lifetime.ApplicationStopping.Register(() => balance?.StopAccepting());
        }
        catch (IOException e)
        {
            ServerLog.StartFailed(logger, e.Message, e);
            workersStopped = Stop();
            return ExitCodes.Failure;
        }

        if (options.ClusterListen is not null)
        {
            // Every node answers the others' status pages, whether or not it has one of its own.
            system.ActorOf(NodeStatusResponder.Props(async () => (await StatusListener.LocalAsync(web.Services).ConfigureAwait(false)).ToJsonString()),
                NodeStatusResponder.Name);
        }

        var guardian = registry.Get<ServerGuardian>();
        var dispatcherRef = registry.Get<DispatcherActor>();

        void StartBackgroundJobs()
        {
            if (application.BackgroundJobs.Count > 0)
            {
                guardian.Tell(Actors.Hosting.StartBackgroundJobs.Instance);
                ServerLog.BackgroundJobs(logger, application.BackgroundJobs.Count, string.Join(", ", application.BackgroundJobs.Select(j => j.Name)));
            }
        }

        // Under a supervisor only the worker it names runs them, so that each job runs once across the processes; in a
        // cluster of nodes, the oldest node (its cron singleton starts them).
        if (cluster?.Settings.CronOnOldestNode == true)
        {
            // Started by the singleton where it runs.
        }
        else if (channel is null)
        {
            StartBackgroundJobs();
        }
        else
        {
            var leading = 0;
            channel.Lead += () =>
            {
                if (Interlocked.Exchange(ref leading, 1) == 1)
                {
                    return;
                }

                if (application.BackgroundJobs.Count > 0)
                {
                    SupervisionLog.Leading(logger);
                }

                StartBackgroundJobs();
            };
        }

        if (worker is null)
        {
            foreach (var path in options.HttpSockets.Select(ListenAddress.Parse).Select(a => a.UnixPath).OfType<string>())
            {
                UnixSocketFile.ApplyMode(path, options.SocketMode);
            }
        }

        var pythonCode = runtime.InRunningInterpreter ? "the executable's own interpreter" : $"from {Path.GetFileName(runtime.Installation.Library)}";
        var pythonName = $"Python {runtime.Version}{(runtime.FreeThreaded ? " (free-threaded)" : "")} " +
            $"{runtime.Executable ?? runtime.Installation.Library}, {pythonCode}{(runtime.ClrAllowed ? ", .NET allowed" : "")}";
        var applicationName = $"{application.Module}:{application.CallableName}";
        using var diagnostics = new Diagnostics(dispatcherRef, guardian, runtime, server.Counters, server.Blocks, server.PageCache, server.Parking, logger);
        diagnostics.Start();
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            // A worker leaves reloads to its supervisor; a terminal's hangup must not end it either.
            context.Cancel = true;
            if (channel is null)
            {
                SupervisionLog.ReloadUnsupervised(logger);
            }
        });
        using var recycler = channel is not null && (options.MaxRequests > 0 || options.MaxRss > 0)
            ? new WorkerRecycler(server.Counters, WorkerRecycler.RequestLimit(options), options.MaxRss * 1024 * 1024, () => Environment.WorkingSet,
                server.Time, reason =>
                {
                    SupervisionLog.Retiring(logger, reason);
                    channel.Retire(reason);
                })
            : null;
        if (channel is null)
        {
            // The status listener is not a public address, as the supervisor's ready line also leaves it out.
            var status = statusListeners.Select(l => l.ToString()).ToHashSet(StringComparer.Ordinal);
            var addresses = (web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
                .Where(a => !status.Contains(a));
            ServerLog.Ready(logger, string.Join(", ", addresses), pythonName, options.Workers, applicationName);
        }
        else
        {
            channel.SupervisorGone += () =>
            {
                SupervisionLog.SupervisorGone(logger);
                lifetime.StopApplication();
            };
            channel.Start();
            SupervisionLog.WorkerReady(logger, pythonName, options.Workers, applicationName);
            channel.Ready();
        }

        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
        stopping.Task.GetAwaiter().GetResult();

        ServerLog.Stopping(logger, server.GraceForDrain().TotalSeconds);
        workersStopped = Stop();
        if (!workersStopped && python.InterpretersStuck)
        {
            ServerLog.WorkersStuckAtExit(logger);
        }

        return server.AllWorkersStuck ? ExitCodes.WorkersStuck
            : server.Failed ? ExitCodes.Failure
            : removedFromCluster ? ExitCodes.RemovedFromCluster
            : ExitCodes.Success;
    }
}
