using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;

namespace AkkaWsgi.Hosting.Front;

/// <summary>Which peers may tell the client's address and scheme (X-Forwarded-For, X-Forwarded-Proto).</summary>
internal static class TrustedProxies
{
    /// <summary>Parses "10.0.0.0/8", "::1/128" or a single address (a network of one).</summary>
    public static bool TryParse(string text, out IPNetwork network)
    {
        if (IPNetwork.TryParse(text, out network))
        {
            return true;
        }

        if (IPAddress.TryParse(text, out var address))
        {
            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return false;
    }

    /// <summary>The networks, parsed (the command line has already rejected anything that does not parse).</summary>
    public static IReadOnlyList<IPNetwork> Networks(IEnumerable<string> networks) =>
        networks.Select(text => TryParse(text, out var network) ? network : throw new FormatException($"'{text}' is not an address or network"))
            .ToList();

    /// <summary>
    /// The framework's forwarded-headers handling, told to believe only the given networks. It walks
    /// X-Forwarded-For from the nearest hop and stops at the first address that is not a trusted proxy, so a
    /// client cannot forge its address by sending the header itself; the limit of one hop is lifted so chains of
    /// trusted proxies work.
    /// </summary>
    public static ForwardedHeadersOptions Options(IEnumerable<string> networks)
    {
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            ForwardLimit = null,
            RequireHeaderSymmetry = false,
        };
        options.KnownIPNetworks.Clear();
        options.KnownProxies.Clear();
        foreach (var network in Networks(networks))
        {
            options.KnownIPNetworks.Add(network);
        }

        return options;
    }
}
