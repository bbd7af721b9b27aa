using System.Runtime.InteropServices;
using AkkaWsgi.Actors.Background;
using AkkaWsgi.Actors.Dispatch;
using AkkaWsgi.Actors.Dispatch.Priority;
using AkkaWsgi.Actors.Interpreter;
using AkkaWsgi.Actors.Kernel;
using AkkaWsgi.Actors.Parking;
using AkkaWsgi.Actors.Watchdog;
using AkkaWsgi.Http.Front;
using AkkaWsgi.Http.Front.Blocking;
using AkkaWsgi.Http.Front.Cache;
using AkkaWsgi.Http.Front.Parking;
using AkkaWsgi.Http.Front.Static;
using AkkaWsgi.Http.Logging;
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
    // After the grace period, workers still inside a request get this long before the process exits without them.
    private static readonly TimeSpan WorkerStopTimeout = TimeSpan.FromSeconds(5);

    /// <param name="options">The command line.</param>
    /// <param name="worker">What the supervisor told this worker process; null when serving alone.</param>
    public static int Run(ServerOptions options, WorkerEnvironment? worker)
    {
        using var loggerFactory = ServerLogging.Create(options.LogLevel,
            worker is null ? null : FormattableString.Invariant($"[worker {worker.Slot} pid {Environment.ProcessId}]"));
        var logger = loggerFactory.CreateLogger("akkawsgi");
        using var channel = worker is null ? null : SupervisorChannel.Open(worker);
        WorkerEnvironment.Forget();
        // Before anything of the application runs, and before --chdir, so that what the user cannot read fails clearly.
        if (worker is not null && !DropPrivileges(options, logger))
        {
            return ExitCodes.Usage; // a configuration problem: the supervisor does not retry it
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
            ServerLog.StartFailed(logger, $"--chdir {options.Chdir}: {e.Message}", e);
            return ExitCodes.Usage;
        }

        PythonRuntime runtime;
        WsgiApplication application;
        try
        {
            var installation = PythonLocator.Locate(options.Python, options.Venv);
            runtime = PythonRuntime.Start(installation, appDirectory, loggerFactory);
        }
        catch (PythonNotFoundException e)
        {
            ServerLog.PythonUnavailable(logger, e.Message);
            return ExitCodes.PythonUnavailable;
        }

        try
        {
            application = runtime.LoadApplication(options.Module, new WsgiSettings { MultiProcess = worker is not null && options.Processes > 1 });
        }
        catch (ApplicationLoadException e)
        {
            if (e.Traceback.Length > 0)
            {
                ServerLog.ApplicationTraceback(logger, e.Traceback.TrimEnd());
            }

            ServerLog.ApplicationLoadFailed(logger, e.Message);
            runtime.Shutdown(null);
            return ExitCodes.ApplicationLoadFailed;
        }

        runtime.ReleaseMainThread();
        var exitCode = Serve(options, worker, channel, runtime, application, loggerFactory, logger, out var workersStopped);
        if (!workersStopped)
        {
            // A worker still runs Python; finalising now would pull the interpreter from under it.
            return exitCode;
        }

        runtime.Shutdown(application);
        ServerLog.Stopped(logger);
        return exitCode;
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

    private static int Serve(ServerOptions options, WorkerEnvironment? worker, SupervisorChannel? channel, PythonRuntime runtime,
        WsgiApplication application, ILoggerFactory loggerFactory, ILogger logger, out bool workersStopped)
    {
        var time = TimeProvider.System;
        var web = KestrelSetup.Build(options, loggerFactory, worker?.ListenDescriptors);
        var lifetime = web.Services.GetRequiredService<IHostApplicationLifetime>();
        var allStuck = 0;
        var system = new ActorSystem(time, loggerFactory);
        var watchdog = system.ActorOfDedicated(new WatchdogActor(loggerFactory.CreateLogger("akkawsgi.watchdog")), "watchdog");
        var dispatcherOptions = new DispatcherOptions
        {
            MaxQueue = options.MaxQueue,
            RequestTimeout = TimeSpan.FromSeconds(options.RequestTimeout),
            BackgroundTimeout = TimeSpan.FromSeconds(options.BackgroundTimeout),
            OnAllWorkersStuck = _ =>
            {
                Interlocked.Exchange(ref allStuck, 1);
                lifetime.StopApplication();
            },
        };
        var queuePolicy = new PriorityQueuePolicy(
            new PriorityOptions { Prefixes = options.PriorityPrefixes.Select(PriorityPrefix.Parse).ToList() }, time);
        var dispatcher = system.ActorOf(
            new DispatcherActor(queuePolicy, dispatcherOptions, watchdog, loggerFactory.CreateLogger("akkawsgi.dispatcher")),
            "dispatcher");
        var interpreterOptions = new InterpreterOptions();
        var interpreters = Enumerable.Range(0, options.Workers)
            .Select(i => system.ActorOfDedicated(
                new InterpreterActor(application, dispatcher, interpreterOptions, loggerFactory.CreateLogger("akkawsgi.interpreter")),
                $"python-worker-{i}"))
            .ToList();
        var backgroundStarted = 0;
        void StartBackgroundJobs()
        {
            if (application.BackgroundJobs.Count == 0 || Interlocked.Exchange(ref backgroundStarted, 1) == 1)
            {
                return;
            }

            system.ActorOf(
                new BackgroundJobsActor(application.BackgroundJobs, dispatcher, options.Utc ? TimeZoneInfo.Utc : TimeZoneInfo.Local,
                    loggerFactory.CreateLogger("akkawsgi.background")),
                "background-jobs");
            ServerLog.BackgroundJobs(logger, application.BackgroundJobs.Count, string.Join(", ", application.BackgroundJobs.Select(j => j.Name)));
        }

        // Under a supervisor only the worker it names runs them, so that each job runs once across the processes.
        if (channel is null)
        {
            StartBackgroundJobs();
        }
        else
        {
            channel.Lead += () =>
            {
                if (application.BackgroundJobs.Count > 0)
                {
                    SupervisionLog.Leading(logger);
                }

                StartBackgroundJobs();
            };
        }

        var counters = new ServerCounters();
        using var blocks = new BlockList(time, loggerFactory.CreateLogger("akkawsgi.block"));
        var parkingStats = new ParkingStats(options.MaxParked);
        var parking = new ParkingGate(system.ActorOf(new ParkingLot(parkingStats), "parking-lot"), parkingStats,
            loggerFactory.CreateLogger("akkawsgi.park"));
        application.ParkNotifier = parking.Notify;
        var endpoint = new WsgiEndpoint(dispatcher, options, blocks, parking);
        var accessLog = options.AccessLog ? loggerFactory.CreateLogger("akkawsgi.access") : null;
        web.Use(new ForwardedHeader(TrustedProxies.Networks(options.TrustedProxies)).InvokeAsync);
        web.UseForwardedHeaders(TrustedProxies.Options(options.TrustedProxies));
        web.Use(new RequestAccounting(counters, time, accessLog).InvokeAsync);
        web.Use(new BlockGate(blocks, time).InvokeAsync);
        web.UseStaticMaps(options.StaticMaps.Select(StaticMapping.Parse).ToList(), options.StaticMaxAge);
        var pageCache = new PageCache(options.CacheSize, time);
        if (options.MaxAge > 0)
        {
            var cacheLogger = loggerFactory.CreateLogger("akkawsgi.cache");
            CacheLog.Enabled(cacheLogger, options.MaxAge, options.CacheSize);
            web.Use(new PageCacheMiddleware(pageCache, TimeSpan.FromSeconds(options.MaxAge), cacheLogger).InvokeAsync);
        }

        web.Run(endpoint.HandleAsync);
        try
        {
            web.StartAsync().GetAwaiter().GetResult();
        }
        catch (IOException e)
        {
            ServerLog.StartFailed(logger, e.Message, e);
            workersStopped = StopWorkers(system, interpreters, logger);
            return ExitCodes.Failure;
        }

        if (worker is null)
        {
            foreach (var path in options.HttpSockets.Select(ListenAddress.Parse).Select(a => a.UnixPath).OfType<string>())
            {
                UnixSocketFile.ApplyMode(path, options.SocketMode);
            }
        }

        var python = $"Python {runtime.Version} {runtime.Installation.Executable ?? runtime.Installation.Library}";
        var applicationName = $"{application.Module}:{application.CallableName}";
        using var diagnostics = new Diagnostics(dispatcher, runtime, counters, blocks, pageCache, parkingStats, logger);
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
            ? new WorkerRecycler(counters, WorkerRecycler.RequestLimit(options), options.MaxRss * 1024 * 1024, () => Environment.WorkingSet,
                time, reason =>
                {
                    SupervisionLog.Retiring(logger, reason);
                    channel.Retire(reason);
                })
            : null;
        if (channel is null)
        {
            var addresses = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            ServerLog.Ready(logger, string.Join(", ", addresses), python, options.Workers, applicationName);
        }
        else
        {
            channel.SupervisorGone += () =>
            {
                SupervisionLog.SupervisorGone(logger);
                lifetime.StopApplication();
            };
            channel.Start();
            SupervisionLog.WorkerReady(logger, python, options.Workers, applicationName);
            channel.Ready();
        }

        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStopping.Register(() =>
        {
            parking.WakeAll();
            stopping.TrySetResult();
        });
        stopping.Task.GetAwaiter().GetResult();

        // When every worker is stuck nothing in flight can finish: do not wait out the grace period for it.
        var grace = Volatile.Read(ref allStuck) == 1 ? WorkerStopTimeout : TimeSpan.FromSeconds(options.GracefulTimeout);
        ServerLog.Stopping(logger, grace.TotalSeconds);
        using (var graceEnds = new CancellationTokenSource(grace))
        {
            web.StopAsync(graceEnds.Token).GetAwaiter().GetResult();
        }

        web.DisposeAsync().AsTask().GetAwaiter().GetResult();
        workersStopped = StopWorkers(system, interpreters, logger);
        return Volatile.Read(ref allStuck) == 1 ? ExitCodes.WorkersStuck : ExitCodes.Success;
    }

    private static bool StopWorkers(ActorSystem system, List<IActorRef> interpreters, ILogger logger)
    {
        var stops = interpreters.Select(system.StopAsync).ToArray();
        if (Task.WaitAll(stops, WorkerStopTimeout))
        {
            system.DisposeAsync().AsTask().Wait(WorkerStopTimeout);
            return true;
        }

        ServerLog.WorkersStuckAtExit(logger, stops.Count(t => !t.IsCompleted));
        return false;
    }
}
