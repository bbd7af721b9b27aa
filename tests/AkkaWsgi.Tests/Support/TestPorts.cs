using System.Net;
using System.Net.Sockets;

namespace AkkaWsgi.Tests.Support;

/// <summary>Loopback ports for listeners a test must name in advance (a cluster endpoint, a status listener).</summary>
public static class TestPorts
{
    /// <summary>A port free on 127.0.0.1 just now: bound and released, so another process could take it first (rarely).</summary>
    public static int Free()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
