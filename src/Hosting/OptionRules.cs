namespace AkkaWsgi.Hosting;

/// <summary>
/// The rules of the settings that the command line and <see cref="AkkaWsgiOptions"/> share, each stated once: a rule
/// returns what is wrong with a value, without naming the setting (each caller names it its own way), or null.
/// </summary>
internal static class OptionRules
{
    public static string? Workers(int value) => value is >= 1 and <= 1024 ? null : "must be between 1 and 1024";

    public static string? NotNegative(long value) => value >= 0 ? null : "cannot be negative";

    /// <summary>Timeouts: more than nothing, at most a day.</summary>
    public static string? Seconds(double value) => value is > 0 and <= 86400 ? null : "must be more than 0 and at most 86400 seconds";

    public static string? MaxQueue(int value) => value is >= 1 and <= 1_000_000 ? null : "must be between 1 and 1000000";

    public static string? MaxAge(int value) => value is >= 0 and <= 31_536_000 ? null : "must be between 0 and 31536000 seconds";

    /// <summary>The page cache's bytes: none would keep nothing while looking as if the cache were on.</summary>
    public static string? CacheSize(long value) =>
        value > 0 ? null : "must be more than 0 bytes (the page cache is turned off with --max-age 0, the default)";

    public static string? MaxParked(int value) => value is >= 0 and <= 10_000_000 ? null : "must be between 0 and 10000000";

    public static string? TrustedProxy(string value) =>
        Front.TrustedProxies.TryParse(value, out _) ? null : "not an address or CIDR network (such as 10.0.0.0/8 or ::1)";

    public static string? PriorityPrefix(string value)
    {
        try
        {
            AkkaWsgi.Actors.Dispatch.Priority.PriorityPrefix.Parse(value);
            return null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }

    /// <summary>Every static map that is wrong (unreadable, a missing directory, a prefix mapped twice), with what is wrong.</summary>
    public static IEnumerable<(string Map, string Problem)> StaticMapProblems(IEnumerable<string> maps)
    {
        var prefixes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var map in maps)
        {
            if (StaticMapProblem(map, prefixes) is { } problem)
            {
                yield return (map, problem);
            }
        }
    }

    private static string? StaticMapProblem(string map, HashSet<string> prefixes)
    {
        Front.Static.StaticMapping mapping;
        try
        {
            mapping = Front.Static.StaticMapping.Parse(map);
        }
        catch (FormatException e)
        {
            return e.Message;
        }

        if (!Directory.Exists(mapping.Directory))
        {
            return $"directory '{mapping.Directory}' does not exist";
        }

        return prefixes.Add(mapping.Prefix) ? null : $"prefix '{(mapping.Prefix.Length == 0 ? "/" : mapping.Prefix)}' is mapped twice";
    }
}
