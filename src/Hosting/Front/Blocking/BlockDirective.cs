using System.Globalization;

namespace AkkaWsgi.Hosting.Front.Blocking;

/// <summary>The response header by which an application blocks the client it answers: <c>X-AkkaWsgi-Block: SECONDS</c>.</summary>
internal static class BlockDirective
{
    /// <summary>The header's name; <c>X-WSGo-Block</c> is accepted too, so wsgo applications work unchanged.</summary>
    public const string HeaderName = "X-AkkaWsgi-Block";

    public const string AliasName = "X-WSGo-Block";

    /// <summary>
    /// The longest block honoured. Longer values are taken as a day: a block lives in memory and dies with the
    /// process anyway, and a typo such as a timestamp given for a duration should not lock a client out for years.
    /// </summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(1);

    /// <summary>
    /// Set in the request's items by <c>HttpWsgiExchange.Start</c> when the response carried the header: such a
    /// response is about its client, so the page cache must not answer other clients with it (they would not be blocked).
    /// </summary>
    public static readonly object ItemsKey = new();

    /// <summary>True for either spelling of the header, in any case (RFC 9110 5.1: field names are case-insensitive).</summary>
    public static bool IsHeader(string name) =>
        name.Equals(HeaderName, StringComparison.OrdinalIgnoreCase) || name.Equals(AliasName, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads a positive, finite number of seconds (fractions allowed), capped at <see cref="MaxDuration"/>.</summary>
    public static bool TryParse(string value, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (!double.TryParse(value.AsSpan().Trim(" \t"), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) ||
            !double.IsFinite(seconds) || seconds <= 0)
        {
            return false;
        }

        duration = seconds >= MaxDuration.TotalSeconds ? MaxDuration : TimeSpan.FromSeconds(seconds);
        return duration > TimeSpan.Zero;
    }
}
