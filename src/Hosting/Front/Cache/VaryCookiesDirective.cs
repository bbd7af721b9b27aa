namespace AkkaWsgi.Hosting.Front.Cache;

/// <summary>
/// The response header by which an application narrows <c>Vary: Cookie</c> to the cookies its page depends on:
/// <c>X-AkkaWsgi-Vary-Cookies: sessionid, csrftoken</c>.
/// </summary>
internal static class VaryCookiesDirective
{
    /// <summary>The header's name; <c>X-WSGo-Vary-Cookies</c> is accepted too, so wsgo applications work unchanged.</summary>
    public const string HeaderName = "X-AkkaWsgi-Vary-Cookies";

    public const string AliasName = "X-WSGo-Vary-Cookies";

    /// <summary>
    /// Where <c>HttpWsgiExchange.Start</c> leaves the header's value for the cache, since the header itself never
    /// reaches the response headers.
    /// </summary>
    public static readonly object ItemsKey = new();

    /// <summary>True for either spelling of the header, in any case (RFC 9110 5.1: field names are case-insensitive).</summary>
    public static bool IsHeader(string name) =>
        name.Equals(HeaderName, StringComparison.OrdinalIgnoreCase) || name.Equals(AliasName, StringComparison.OrdinalIgnoreCase);

    /// <summary>The cookie names a value lists (comma-separated), without duplicates, in the order given.</summary>
    public static IReadOnlyList<string> ParseNames(string value) =>
        value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Distinct(StringComparer.Ordinal)
            .ToList();
}
