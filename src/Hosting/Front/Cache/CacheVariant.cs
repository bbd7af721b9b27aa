using System.Text;
using Microsoft.AspNetCore.Http;

namespace AkkaWsgi.Hosting.Front.Cache;

/// <summary>
/// Which request a stored response answers, among the requests for one URL: the values of the request headers its
/// <c>Vary</c> named (RFC 9111 4.1), with the Cookie header narrowed to the cookies the application listed.
/// </summary>
internal sealed class CacheVariant
{
    private CacheVariant(IReadOnlyList<string> headerNames, IReadOnlyList<string>? cookieNames, string signature)
    {
        HeaderNames = headerNames;
        CookieNames = cookieNames;
        Signature = signature;
    }

    /// <summary>Lower-cased request header names the response varies on.</summary>
    public IReadOnlyList<string> HeaderNames { get; }

    /// <summary>When set, the Cookie header counts only by these cookies' values.</summary>
    public IReadOnlyList<string>? CookieNames { get; }

    /// <summary>The request's values in one string; two requests are the same variant when their signatures are equal.</summary>
    public string Signature { get; }

    /// <summary>
    /// The variant <paramref name="request"/> belongs to for a response that varies on <paramref name="headerNames"/>.
    /// Naming cookies implies varying on Cookie: the application said its page depends on them, even without
    /// <c>Vary: Cookie</c>, and serving one user's page to another is the mistake a cache must never make.
    /// </summary>
    public static CacheVariant For(HttpRequest request, IReadOnlyList<string> headerNames, IReadOnlyList<string>? cookieNames)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(headerNames);
        var names = headerNames;
        if (cookieNames is not null && !headerNames.Contains("cookie"))
        {
            names = [.. headerNames, "cookie"];
        }

        return new CacheVariant(names, cookieNames, SignatureOf(request, names, cookieNames));
    }

    /// <summary>True when <paramref name="request"/> sends the same values of the varying headers.</summary>
    public bool Matches(HttpRequest request) =>
        string.Equals(SignatureOf(request, HeaderNames, CookieNames), Signature, StringComparison.Ordinal);

    private static string SignatureOf(HttpRequest request, IReadOnlyList<string> names, IReadOnlyList<string>? cookieNames)
    {
        // NUL and SOH cannot occur in header values Kestrel accepts, so they separate unambiguously; an absent
        // header differs from an empty one.
        var signature = new StringBuilder();
        foreach (var name in names)
        {
            signature.Append(name).Append('\u0001');
            if (cookieNames is not null && name == "cookie")
            {
                var cookies = request.Cookies;
                foreach (var cookie in cookieNames)
                {
                    signature.Append(cookie).Append('\u0001');
                    signature.Append(cookies.TryGetValue(cookie, out var value) ? value : "\u0002").Append('\u0001');
                }
            }
            else if (request.Headers.TryGetValue(name, out var values))
            {
                signature.AppendJoin(name == "cookie" ? "; " : ", ", values.ToArray());
            }
            else
            {
                signature.Append('\u0002');
            }

            signature.Append('\u0000');
        }

        return signature.ToString();
    }
}
