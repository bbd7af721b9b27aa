namespace AkkaWsgi.Actors.Supervision;

/// <summary>The worker's process is running, with this id.</summary>
public sealed record WorkerStarted(WorkerId Worker, int ProcessId);

/// <summary>The worker imported the application and is accepting connections.</summary>
public sealed record WorkerReady(WorkerId Worker);

/// <summary>The worker asks to be replaced (it served its --max-requests, or grew past --max-rss); it keeps serving until then.</summary>
public sealed record WorkerRetiring(WorkerId Worker, string Reason);

/// <summary>The worker's process ended with this status (128 + N when killed by signal N), or could not be started.</summary>
public sealed record WorkerExited(WorkerId Worker, int ExitCode);

/// <summary>SIGHUP: start a new generation of workers and, once all of them are ready, drain the old one.</summary>
public sealed record ReloadWorkers;

/// <summary>SIGTERM/SIGINT: stop every worker gracefully, then finish.</summary>
public sealed record StopWorkers;

/// <summary>Pass <see cref="Signal"/> on to every running worker.</summary>
public sealed record ForwardSignal(int Signal);

/// <summary>SIGUSR2: log what the supervisor knows: its workers, their state and age, and how often it replaced one.</summary>
public sealed record ReportStatus;
