using System.Globalization;
using System.Net;

namespace AkkaWsgi.Actors.Cluster;

/// <summary>Where a cluster node listens: a host (address or name) and a port.</summary>
public sealed record ClusterEndpoint(string Host, int Port)
{
    /// <summary>
    /// Parses HOST:PORT, [IPV6]:PORT or IPV6-in-brackets; throws <see cref="FormatException"/> saying what is wrong. Port 0
    /// is refused: the other nodes must find this one at a port known in advance.
    /// </summary>
    public static ClusterEndpoint Parse(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            throw new FormatException("expected HOST:PORT (such as 10.0.0.5:4053 or [::1]:4053)");
        }

        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
            if (!IPAddress.TryParse(host, out _))
            {
                throw new FormatException($"'{host}' in brackets is not an IPv6 address");
            }
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            throw new FormatException("put an IPv6 address in brackets, such as [::1]:4053");
        }

        if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new FormatException($"'{text[(colon + 1)..]}' is not a port number");
        }

        if (port == 0)
        {
            throw new FormatException("port 0 is not allowed: the other nodes must reach this one at a port known in advance");
        }

        return new ClusterEndpoint(host, port);
    }

    /// <summary>True for localhost and loopback addresses, where cluster traffic cannot come from another machine.</summary>
    public bool IsLoopback =>
        string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase) ||
        (IPAddress.TryParse(Host, out var address) && IPAddress.IsLoopback(address));

    /// <summary>The address Akka gives a node of the server's actor system listening here (its scheme names TLS).</summary>
    public string AkkaAddress(string systemName, bool tls = false) =>
        $"{(tls ? "akka.ssl.tcp" : "akka.tcp")}://{systemName}@{HostForUri}:{Port.ToString(CultureInfo.InvariantCulture)}";

    private string HostForUri => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;

    public override string ToString() => $"{HostForUri}:{Port.ToString(CultureInfo.InvariantCulture)}";
}
