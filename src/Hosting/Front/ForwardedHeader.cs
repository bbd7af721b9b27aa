using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using IPNetwork = System.Net.IPNetwork;

namespace AkkaWsgi.Hosting.Front;

/// <summary>
/// Accepts the standard <c>Forwarded</c> header (RFC 7239) from trusted proxies by restating it as the
/// X-Forwarded-For / X-Forwarded-Proto pair the framework's forwarded-headers handling understands, which then walks
/// the hops exactly as for those headers. Only a trusted peer's header is restated, and only when it sent no
/// X-Forwarded-For of its own, so nothing a client writes is ever believed or passed on as if a proxy had said it.
/// </summary>
internal sealed class ForwardedHeader(IReadOnlyList<IPNetwork> trusted)
{
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var headers = context.Request.Headers;
        if (headers.TryGetValue("Forwarded", out var forwarded) && !headers.ContainsKey("X-Forwarded-For") &&
            context.Connection.RemoteIpAddress is { } peer && IsTrusted(peer) &&
            TryRestate(forwarded, out var forwardedFor, out var forwardedProto))
        {
            headers["X-Forwarded-For"] = forwardedFor;
            if (forwardedProto is not null)
            {
                headers["X-Forwarded-Proto"] = forwardedProto;
            }
        }

        return next(context);
    }

    /// <summary>Whether the request names a client or scheme the way the framework's forwarded-headers handling reads.</summary>
    public static bool IsForwarded(HttpContext context) =>
        context.Request.Headers.ContainsKey("X-Forwarded-For") || context.Request.Headers.ContainsKey("X-Forwarded-Proto");

    /// <summary>
    /// "for=192.0.2.43;proto=https, for=\"[2001:db8::1]:4711\"" becomes "192.0.2.43, 2001:db8::1" and, when every
    /// hop named a protocol, "https, ...". False when no hop names a client.
    /// </summary>
    internal static bool TryRestate(StringValues forwarded, out string forwardedFor, out string? forwardedProto)
    {
        var clients = new List<string>();
        var protocols = new List<string>();
        foreach (var header in forwarded)
        {
            foreach (var element in (header ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                string? client = null;
                string? proto = null;
                foreach (var pair in element.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    var equals = pair.IndexOf('=', StringComparison.Ordinal);
                    if (equals <= 0)
                    {
                        continue;
                    }

                    var name = pair[..equals].Trim();
                    var value = pair[(equals + 1)..].Trim().Trim('"');
                    if (name.Equals("for", StringComparison.OrdinalIgnoreCase))
                    {
                        client = HostOnly(value);
                    }
                    else if (name.Equals("proto", StringComparison.OrdinalIgnoreCase))
                    {
                        proto = value;
                    }
                }

                // An element without "for" still is a hop; "unknown" keeps its place so the walk stops there.
                clients.Add(client ?? "unknown");
                protocols.Add(proto ?? "");
            }
        }

        forwardedFor = string.Join(", ", clients);
        forwardedProto = protocols.Count > 0 && protocols.TrueForAll(p => p.Length > 0) ? string.Join(", ", protocols) : null;
        return clients.Exists(c => c != "unknown");
    }

    /// <summary>"[2001:db8::1]:4711" and "192.0.2.43:80" without the port; obfuscated names ("_abc") are left as they are.</summary>
    private static string HostOnly(string node)
    {
        if (node.StartsWith('['))
        {
            var close = node.IndexOf(']', StringComparison.Ordinal);
            return close > 0 ? node[1..close] : node;
        }

        var colon = node.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && node.IndexOf(':', colon + 1) < 0 ? node[..colon] : node;
    }

    private bool IsTrusted(IPAddress peer)
    {
        var address = peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer;
        foreach (var network in trusted)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
