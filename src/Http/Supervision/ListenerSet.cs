using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AkkaWsgi.Http.Hosting;
using AkkaWsgi.Python.Native;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace AkkaWsgi.Http.Supervision;

/// <summary>
/// The supervisor's listening sockets, bound once (as root when privileges are dropped later) and inherited by every
/// worker process; the kernel hands each new connection to one of the workers accepting on them.
/// </summary>
internal sealed class ListenerSet : IDisposable
{
    // Kestrel's own default backlog (SocketTransportOptions.Backlog).
    private const int Backlog = 512;

    // Keeps the sockets referenced: a Socket's finalizer would close the descriptor the workers are given.
    private readonly List<Socket> sockets = [];
    private readonly List<string> unixPaths = [];
    private readonly List<string> addresses = [];
    private readonly List<int> inherited = [];

    private ListenerSet()
    {
    }

    /// <summary>The descriptors every worker is given, in no particular order.</summary>
    public IReadOnlyList<int> Descriptors =>
        [.. sockets.Select(s => (int)s.SafeHandle.DangerousGetHandle()), .. inherited];

    /// <summary>The listeners as URLs, for the ready line.</summary>
    public IReadOnlyList<string> Addresses => addresses;

    /// <summary>
    /// Binds every --http-socket (sockets from systemd socket activation are taken as they are, and replace the
    /// default address as they do without a supervisor). Throws IOException naming the address that failed.
    /// </summary>
    public static ListenerSet Bind(ServerOptions options, uint? ownerUserId, uint? ownerGroupId)
    {
        var set = new ListenerSet();
        try
        {
            foreach (var fd in InheritedSockets.Find())
            {
                set.inherited.Add((int)fd);
                set.addresses.Add(FormattableString.Invariant($"http://<systemd socket {fd}>"));
            }

            foreach (var text in InheritedSockets.AddressesToBind(options, set.inherited.Count))
            {
                set.BindOne(ListenAddress.Parse(text), text, options.SocketMode, options.Chdir, ownerUserId, ownerGroupId);
            }

            foreach (var fd in set.Descriptors)
            {
                Posix.SetInheritable(fd, inheritable: true);
            }

            return set;
        }
        catch
        {
            set.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var socket in sockets)
        {
            socket.Dispose();
        }

        foreach (var path in unixPaths)
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left behind; the next start deletes a stale socket file before binding.
            }
        }
    }

    private void BindOne(ListenAddress address, string text, string? socketMode, string? chdir, uint? ownerUserId, uint? ownerGroupId)
    {
        if (address.UnixPath is { } unixPath)
        {
            // A relative path is taken from --chdir, as a server without a supervisor (which binds after changing
            // directory) takes it.
            var path = chdir is null ? unixPath : Path.Combine(chdir, unixPath);
            UnixSocketFile.RemoveStale(path);
            Listen(new UnixDomainSocketEndPoint(path), text);
            unixPaths.Add(path);
            UnixSocketFile.ApplyMode(path, socketMode);

            if (ownerUserId is { } user)
            {
                // The workers' own user and group may then connect too (a front proxy is usually put in that group).
                Posix.ChangeOwner(path, user, ownerGroupId ?? user);
            }

            addresses.Add($"http://unix:{path}");
        }
        else if (address.IsLocalhost)
        {
            // Like Kestrel's localhost: both loopbacks, and IPv6 may be missing; port 0 picks one port for both.
            var v4 = Listen(new IPEndPoint(IPAddress.Loopback, address.Port), text);
            var port = ((IPEndPoint)v4.LocalEndPoint!).Port;
            try
            {
                Listen(new IPEndPoint(IPAddress.IPv6Loopback, port), text);
            }
            catch (IOException)
            {
                // No IPv6 loopback here: IPv4 alone serves localhost.
            }

            addresses.Add(string.Create(CultureInfo.InvariantCulture, $"http://localhost:{port}"));
        }
        else
        {
            var socket = Listen(new IPEndPoint(address.Address!, address.Port), text);
            var bound = (IPEndPoint)socket.LocalEndPoint!;
            var host = bound.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{bound.Address}]" : bound.Address.ToString();
            addresses.Add(string.Create(CultureInfo.InvariantCulture, $"http://{host}:{bound.Port}"));
        }
    }

    private Socket Listen(EndPoint endPoint, string text)
    {
        Socket socket;
        try
        {
            // Kestrel's own way of creating a listening socket (dual mode for [::], address reuse as it does).
            socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endPoint);
        }
        catch (SocketException e)
        {
            throw new IOException($"cannot listen on {text}: {e.Message}", e);
        }

        sockets.Add(socket);
        socket.Listen(Backlog);
        return socket;
    }
}
