using System.Globalization;
using AkkaWsgi.Actors.Parking;

namespace AkkaWsgi.Hosting.Front.Parking;

/// <summary>
/// The response headers by which an application parks the request it answers:
/// <c>X-AkkaWsgi-Park: ch1, ch2</c> and <c>X-AkkaWsgi-Park-Timeout: SECONDS ACTION</c>.
/// </summary>
internal static class ParkDirective
{
    public const string HeaderName = "X-AkkaWsgi-Park";

    /// <summary>wsgo's spelling, accepted so that wsgo applications work unchanged.</summary>
    public const string AliasName = "X-WSGo-Park";

    public const string TimeoutHeaderName = "X-AkkaWsgi-Park-Timeout";

    public const string TimeoutAliasName = "X-WSGo-Park-Timeout";

    /// <summary>The request header a retried request carries the notification's argument in.</summary>
    public const string ArgHeaderName = "X-AkkaWsgi-Park-Arg";

    public const string ArgAliasName = "X-WSGo-Park-Arg";

    /// <summary>
    /// The longest wait honoured; longer ones are taken as a day. A parked request holds a connection and a place
    /// in memory, and a seconds value given in milliseconds should not keep it for weeks.
    /// </summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(1);

    public static bool IsHeader(string name) =>
        name.Equals(HeaderName, StringComparison.OrdinalIgnoreCase) || name.Equals(AliasName, StringComparison.OrdinalIgnoreCase);

    public static bool IsTimeoutHeader(string name) =>
        name.Equals(TimeoutHeaderName, StringComparison.OrdinalIgnoreCase) || name.Equals(TimeoutAliasName, StringComparison.OrdinalIgnoreCase);

    public static bool IsArgHeader(string name) =>
        name.Equals(ArgHeaderName, StringComparison.OrdinalIgnoreCase) || name.Equals(ArgAliasName, StringComparison.OrdinalIgnoreCase);

    /// <summary>The channel names of a comma-separated list, without blanks and repeats.</summary>
    public static IReadOnlyList<string> Channels(string value) =>
        value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Reads <c>SECONDS ACTION</c>: a positive, finite number of seconds (fractions allowed) and an action word.</summary>
    public static bool TryParseTimeout(string value, out TimeSpan timeout, out ParkAction action) =>
        ReadTimeout(value, out timeout, out action) is null;

    /// <summary>What is wrong with a <c>SECONDS ACTION</c> value, in words for the log; null when it is good.</summary>
    public static string? TimeoutProblem(string value) => ReadTimeout(value, out _, out _);

    private static string? ReadTimeout(string value, out TimeSpan timeout, out ParkAction action)
    {
        timeout = TimeSpan.Zero;
        action = default;
        var parts = value.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2)
        {
            return "expected SECONDS followed by retry, disconnect, http-204 or http-504, such as 30 http-204";
        }

        if (!double.TryParse(parts[0], NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds) ||
            !double.IsFinite(seconds))
        {
            return $"'{parts[0]}' is not a number of seconds (such as 30 or 2.5)";
        }

        if (!ParkActionNames.TryParse(parts[1], out action))
        {
            return $"'{parts[1]}' is not retry, disconnect, http-204 or http-504";
        }

        timeout = seconds >= MaxTimeout.TotalSeconds ? MaxTimeout : seconds > 0 ? TimeSpan.FromSeconds(seconds) : TimeSpan.Zero;
        return timeout > TimeSpan.Zero ? null : $"the seconds must be more than 0, not {parts[0]}";
    }
}
