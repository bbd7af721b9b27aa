using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace AkkaWsgi.Hosting.Front;

/// <summary>Adds one response header value as the application gave it, an empty one included.</summary>
internal static class HeaderAppend
{
    /// <summary>
    /// Adds <paramref name="value"/> after any values <paramref name="name"/> already has. The framework's
    /// <c>Append</c> drops an empty value; HTTP allows one (RFC 9110 5.5), and an application that sends one means it.
    /// </summary>
    public static void Add(IHeaderDictionary headers, string name, string value)
    {
        if (value.Length == 0)
        {
            headers[name] = StringValues.Concat(headers[name], value);
            return;
        }

        headers.Append(name, value);
    }
}
