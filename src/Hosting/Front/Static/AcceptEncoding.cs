using Microsoft.Net.Http.Headers;

namespace AkkaWsgi.Hosting.Front.Static;

/// <summary>How much a request's Accept-Encoding wants one content coding (RFC 9110 12.5.3).</summary>
internal static class AcceptEncoding
{
    /// <summary>
    /// The quality the client gives <paramref name="coding"/>: its own entry if listed, else that of <c>*</c>, else 0
    /// (not acceptable). <c>q=0</c> refuses a coding outright; <c>x-gzip</c> counts as <c>gzip</c> (RFC 9110 8.4.1.3).
    /// </summary>
    public static double Quality(IList<StringWithQualityHeaderValue> accepted, string coding)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        ArgumentNullException.ThrowIfNull(coding);

        double? any = null;
        foreach (var entry in accepted)
        {
            var name = entry.Value.AsSpan();
            if (name.Equals(coding, StringComparison.OrdinalIgnoreCase)
                || (coding == "gzip" && name.Equals("x-gzip", StringComparison.OrdinalIgnoreCase)))
            {
                return entry.Quality ?? 1;
            }

            if (name is "*")
            {
                any ??= entry.Quality ?? 1;
            }
        }

        return any ?? 0;
    }
}
