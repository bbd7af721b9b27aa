using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AkkaWsgi.Actors.Dispatch.Priority;

namespace AkkaWsgi.Http.Hosting;

/// <summary>One <c>--http-socket</c> value: an IP endpoint, localhost, or a Unix domain socket path.</summary>
public sealed record ListenAddress
{
    private ListenAddress()
    {
    }

    /// <summary>The IP address, or null for localhost (both loopbacks) and Unix sockets.</summary>
    public IPAddress? Address { get; private init; }

    public int Port { get; private init; }

    public bool IsLocalhost { get; private init; }

    public string? UnixPath { get; private init; }

    /// <summary>
    /// True when only this machine or its private network can reach the listener: a Unix socket, loopback, or a
    /// private or link-local address (not the wildcard, which takes every interface, public ones included).
    /// </summary>
    public bool IsPrivate => UnixPath is not null || IsLocalhost ||
        (Address is { } address && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any) && ClientKey.IsExempt(address));

    /// <summary>
    /// True when this listener and <paramref name="other"/> cannot both be bound: the same Unix socket path, or the
    /// same fixed port on the same address or on a wildcard that takes it (<c>[::]</c> takes IPv4 too: its socket is
    /// dual-mode).
    /// </summary>
    public bool Overlaps(ListenAddress other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (UnixPath is not null || other.UnixPath is not null)
        {
            return UnixPath is not null && UnixPath == other.UnixPath;
        }

        return Port != 0 && Port == other.Port && Addresses().Any(mine => other.Addresses().Any(theirs => Clash(mine, theirs)));
    }

    private IPAddress[] Addresses() => IsLocalhost ? [IPAddress.Loopback, IPAddress.IPv6Loopback] : [Address!];

    private static bool Clash(IPAddress a, IPAddress b) => a.Equals(b) || Takes(a, b) || Takes(b, a);

    private static bool Takes(IPAddress wildcard, IPAddress other) =>
        wildcard.Equals(IPAddress.IPv6Any) ||
        (wildcard.Equals(IPAddress.Any) && (other.AddressFamily == AddressFamily.InterNetwork || other.IsIPv4MappedToIPv6));

    /// <summary>Parses HOST:PORT, [IPV6]:PORT, :PORT, localhost:PORT or unix:/path; throws FormatException.</summary>
    public static ListenAddress Parse(string text)
    {
        if (text.StartsWith("unix:", StringComparison.Ordinal))
        {
            var path = text[5..];
            return path.Length > 0 ? new ListenAddress { UnixPath = path } : throw new FormatException("unix: needs a socket path");
        }

        var colon = text.LastIndexOf(':');
        if (colon < 0)
        {
            throw new FormatException($"'{text}' has no port; use HOST:PORT, :PORT or unix:/path");
        }

        var host = text[..colon];
        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new FormatException($"'{text[(colon + 1)..]}' is not a port number (0-65535)");
        }

        if (host.Length == 0 || host == "*" || host == "0.0.0.0")
        {
            return new ListenAddress { Address = IPAddress.Any, Port = port };
        }

        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new ListenAddress { IsLocalhost = true, Port = port };
        }

        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        return IPAddress.TryParse(host, out var address)
            ? new ListenAddress { Address = address, Port = port }
            : throw new FormatException($"'{host}' is not an IP address (host names other than localhost are not resolved)");
    }
}
