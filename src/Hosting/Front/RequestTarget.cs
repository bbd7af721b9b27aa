using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AkkaWsgi.Hosting.Front;

/// <summary>
/// Splits a raw request target into the bytes of PATH_INFO and the raw QUERY_STRING. Kestrel's Request.Path is
/// already decoded and normalised ("/a/../b" becomes "/b", "%2F" becomes "/"), so PATH_INFO is built from the raw
/// target: percent-decoded, nothing else (CGI, RFC 3875 4.1.5).
/// </summary>
internal static class RequestTarget
{
    /// <summary>The Host header as the client sent it (an IDN stays punycode), or "" without one.</summary>
    public static string Host(HttpRequest request) => request.Headers.Host is [{ } host, ..] ? host : "";

    /// <summary>The request target as the client sent it (path and query, undecoded).</summary>
    public static string Raw(HttpContext context) =>
        context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value + context.Request.QueryString.Value;

    /// <summary>
    /// The raw path without the part a mount prefix (<paramref name="mount"/>, decoded, as PathBase holds it) took: as
    /// many segments as the prefix has, so that percent-encoding in the prefix cannot shift the split.
    /// </summary>
    public static string WithoutMount(string rawPath, PathString mount)
    {
        if (!mount.HasValue || mount.Value is "/")
        {
            return rawPath;
        }

        var segments = mount.Value!.Count(c => c == '/');
        var index = 0;
        for (var i = 0; i < segments && index < rawPath.Length; i++)
        {
            var next = rawPath.IndexOf('/', index + 1);
            index = next < 0 ? rawPath.Length : next;
        }

        return rawPath[index..];
    }

    public static void Split(string rawTarget, out string path, out string query)
    {
        var target = rawTarget.AsSpan();
        // absolute-form (RFC 9112 3.2.2), as sent to proxies: drop scheme and authority.
        var scheme = target.IndexOf("://", StringComparison.Ordinal);
        if (scheme > 0 && scheme < 8 && target[0] != '/')
        {
            var rest = target[(scheme + 3)..];
            var slash = rest.IndexOfAny('/', '?');
            target = slash < 0 ? "/" : rest[slash..];
            if (target[0] == '?')
            {
                path = "/";
                query = target[1..].ToString();
                return;
            }
        }

        var mark = target.IndexOf('?');
        path = (mark < 0 ? target : target[..mark]).ToString();
        query = mark < 0 ? "" : target[(mark + 1)..].ToString();
    }

    /// <summary>Percent-decodes a path into bytes; characters beyond ASCII (if any got through) become UTF-8.</summary>
    public static int Decode(ReadOnlySpan<char> path, Span<byte> destination)
    {
        var length = 0;
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (c == '%' && i + 2 < path.Length && char.IsAsciiHexDigit(path[i + 1]) && char.IsAsciiHexDigit(path[i + 2]))
            {
                destination[length++] = (byte)((HexValue(path[i + 1]) << 4) | HexValue(path[i + 2]));
                i += 2;
            }
            else if (c < 0x80)
            {
                destination[length++] = (byte)c;
            }
            else
            {
                length += Encoding.UTF8.GetBytes(path.Slice(i, char.IsHighSurrogate(c) && i + 1 < path.Length ? 2 : 1), destination[length..]);
                i += char.IsHighSurrogate(c) && i + 1 < path.Length ? 1 : 0;
            }
        }

        return length;
    }

    /// <summary>Enough bytes for the decoded form of <paramref name="path"/>.</summary>
    public static int MaxDecodedLength(ReadOnlySpan<char> path) => path.Length * 3;

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
