using System.Buffers;

namespace AkkaWsgi.Python.Wsgi;

/// <summary>Checks what an application passes to start_response (PEP 3333 "The start_response() Callable").</summary>
internal static class ResponseValidation
{
    // RFC 9110 5.6.2 tchar.
    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    // PEP 3333: applications must not send hop-by-hop headers (RFC 9110 7.6.1); the server owns the connection.
    // Applications that copy a proxied response's headers send them anyway, and other servers leave them out.
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade",
    };

    /// <summary>Parses "DDD Reason"; returns an error message, or null when valid.</summary>
    public static string? ParseStatus(string status, out int code, out string reason)
    {
        code = 0;
        reason = "";
        if (status.Length < 4 || !char.IsAsciiDigit(status[0]) || !char.IsAsciiDigit(status[1]) ||
            !char.IsAsciiDigit(status[2]) || status[3] != ' ')
        {
            return $"status {Quote(status)} must be a three-digit code, a space and a reason phrase, such as '200 OK'";
        }

        code = ((status[0] - '0') * 100) + ((status[1] - '0') * 10) + (status[2] - '0');
        reason = status[4..];
        if (code < 200)
        {
            return $"status {Quote(status)} is not allowed: a WSGI response cannot be informational (1xx)";
        }

        if (reason.Length == 0 || reason.AsSpan().ContainsAnyInRange('\0', '\u001f') || reason.Contains('\u007f', StringComparison.Ordinal) ||
            reason.AsSpan().ContainsAnyExceptInRange('\0', '\u00ff') || reason != reason.Trim())
        {
            return $"status {Quote(status)} has an empty or invalid reason phrase";
        }

        return null;
    }

    /// <summary>Returns an error message for an invalid header, or null when valid.</summary>
    public static string? CheckHeader(string name, string value)
    {
        if (name.Length == 0 || name.AsSpan().ContainsAnyExcept(TokenChars))
        {
            return $"header name {Quote(name)} is not a valid HTTP token";
        }

        foreach (var c in value)
        {
            if ((c < ' ' && c != '\t') || c == '\u007f')
            {
                return $"value of header {Quote(name)} contains a control character (CR, LF and NUL are not allowed)";
            }

            if (c > '\u00ff')
            {
                return $"value of header {Quote(name)} has a character outside latin-1; encode it (RFC 8187) first";
            }
        }

        return null;
    }

    /// <summary>True for a header only the server may send (Connection, Transfer-Encoding, ...), whatever its case.</summary>
    public static bool IsHopByHop(string name) => HopByHop.Contains(name);

    private static string Quote(string s) => s.Length > 80 ? $"'{s[..80]}...'" : $"'{s}'";
}
