namespace AkkaWsgi.Http.Supervision;

/// <summary>Whether a --processes count is more than the machine can run side by side.</summary>
internal static class ProcessCountAdvice
{
    /// <summary>Processes per core past which they only take turns: each holds its own Python, workers and socket threads.</summary>
    public const int PerCore = 4;

    /// <summary>True when <paramref name="processes"/> is more than <see cref="PerCore"/> for each of <paramref name="cores"/>.</summary>
    public static bool IsTooMany(int processes, int cores) => processes > PerCore * Math.Max(1, cores);
}
