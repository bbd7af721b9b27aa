namespace AkkaWsgi.Http.Hosting;

/// <summary>The process exit statuses, documented in the README.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int PythonUnavailable = 3;
    public const int ApplicationLoadFailed = 4;
    public const int WorkersStuck = 5;
    public const int RemovedFromCluster = 6;

    /// <summary>What each status other than 0 means, for the supervisor's log when a worker process exits with it.</summary>
    public static IReadOnlyDictionary<int, string> Meanings { get; } = new Dictionary<int, string>
    {
        [Failure] = "failure",
        [Usage] = "usage error",
        [PythonUnavailable] = "no usable Python",
        [ApplicationLoadFailed] = "the application failed to import",
        [WorkersStuck] = "every interpreter worker was stuck",
        [RemovedFromCluster] = "removed from the cluster",
    };
}
