using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AkkaWsgi.Http.Hosting;
using AkkaWsgi.Python.Native;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace AkkaWsgi.Http.Supervision;

/// <summary>
/// The supervisor's listening sockets, bound once (as root when privileges are dropped later) and inherited by the
/// worker processes.
/// </summary>
/// <remarks>
/// With several worker processes, every TCP address gets one socket per process slot, all bound with SO_REUSEPORT, and
/// the kernel spreads new connections evenly over them. With one shared socket the process that happened to be
/// accepting took whole bursts of connections (measured: two processes of 16 workers served an application that waits
/// at the rate of one process in half the runs, docs/performance.md), and a connection stays with the process that
/// accepted it. A slot's replacement (a crash, a recycle, a reload) takes over the slot's socket, so connections that
/// arrive meanwhile wait in its backlog rather than being refused. Unix sockets and sockets systemd passes in are
/// shared by all processes, as before.
/// </remarks>
internal sealed class ListenerSet : IDisposable
{
    // Kestrel's own default backlog (SocketTransportOptions.Backlog).
    private const int Backlog = 512;

    // Linux's SOL_SOCKET / SO_REUSEPORT, which .NET has no name for.
    private const int SolSocket = 1;
    private const int SoReusePort = 15;

    // Keeps the sockets referenced: a Socket's finalizer would close the descriptor the workers are given.
    private readonly List<Socket> shared = [];
    private readonly List<Socket>[] slots;
    private readonly List<string> unixPaths = [];
    private readonly List<string> addresses = [];
    private readonly List<int> inherited = [];
    private readonly Dictionary<Socket, int> tls = [];
    private readonly HashSet<Socket> status = [];
    private readonly Dictionary<int, Socket> statusPeers = [];

    private ListenerSet(int slotCount)
    {
        slots = [.. Enumerable.Range(0, slotCount).Select(_ => new List<Socket>())];
    }

    /// <summary>The descriptors the worker process in <paramref name="slot"/> is given, in no particular order.</summary>
    public IReadOnlyList<int> DescriptorsFor(int slot) =>
        [.. shared.Select(Descriptor), .. inherited, .. slots[slot % slots.Length].Select(Descriptor)];

    /// <summary>Which of the descriptors <see cref="DescriptorsFor"/> gives <paramref name="slot"/> are --https-socket listeners, and which.</summary>
    public IReadOnlyDictionary<int, int> TlsDescriptorsFor(int slot) =>
        shared.Concat(slots[slot % slots.Length]).Where(tls.ContainsKey).ToDictionary(Descriptor, s => tls[s]);

    /// <summary>Which of the descriptors <see cref="DescriptorsFor"/> gives <paramref name="slot"/> serve --status-socket.</summary>
    public IEnumerable<int> StatusDescriptorsFor(int slot) => shared.Concat(slots[slot % slots.Length]).Where(status.Contains).Select(Descriptor);

    /// <summary>
    /// With --status-socket and several worker processes: the directory holding one private status socket per slot
    /// (<see cref="StatusPeers"/>), through which whichever process answers the public status listener reads the others.
    /// </summary>
    public string? StatusPeerDirectory { get; private set; }

    /// <summary>The private status socket <paramref name="slot"/> serves (one of its <see cref="DescriptorsFor"/>) and its peers', if any.</summary>
    public StatusPeers? StatusPeersFor(int slot) =>
        StatusPeerDirectory is { } directory && statusPeers.TryGetValue(slot % slots.Length, out var socket)
            ? new StatusPeers(Descriptor(socket), slot % slots.Length, slots.Length, directory)
            : null;

    /// <summary>
    /// Lets a process started before the result is disposed inherit the sockets of <paramref name="slot"/>, which are
    /// otherwise kept from child processes so that no worker holds another's sockets open. Callers serialise starts.
    /// </summary>
    public IDisposable InheritableFor(int slot) => slots.Length == 1 ? NothingToUndo.Instance : new SlotInheritance(slots[slot % slots.Length]);

    /// <summary>The listeners as URLs, for the ready line.</summary>
    public IReadOnlyList<string> Addresses => addresses;

    /// <summary>
    /// Binds every --http-socket (sockets from systemd socket activation are taken as they are, and replace the
    /// default address as they do without a supervisor). Throws IOException naming the address that failed.
    /// </summary>
    public static ListenerSet Bind(ServerOptions options, uint? ownerUserId, uint? ownerGroupId)
    {
        var set = new ListenerSet(Math.Max(1, options.Processes));
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

            foreach (var (text, index) in options.HttpsSockets.Select((s, i) => (s, i)))
            {
                foreach (var socket in set.BindNew(HttpsSocket.Parse(text).Address, options, ownerUserId, ownerGroupId))
                {
                    set.tls[socket] = index;
                }

                set.addresses[^1] = "https" + set.addresses[^1][4..];
            }

            if (options.StatusSocket is { } statusAddress)
            {
                // One socket for all processes: whichever is up answers for all of them, also while another is replaced.
                set.status.UnionWith(set.BindNew(statusAddress, options, ownerUserId, ownerGroupId, perSlot: false));
                set.addresses.RemoveAt(set.addresses.Count - 1); // not a public address: kept out of the ready line
                if (set.slots.Length > 1)
                {
                    set.BindStatusPeers(ownerUserId, ownerGroupId);
                }
            }

            // With one slot its sockets are everyone's; otherwise each slot's are inheritable only while its worker
            // starts (InheritableFor).
            var always = set.slots.Length == 1 ? set.DescriptorsFor(0) : [.. set.shared.Select(Descriptor), .. set.inherited];
            foreach (var fd in always)
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
        foreach (var socket in AllSockets)
        {
            socket.Dispose();
        }

        if (StatusPeerDirectory is { } directory)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A temporary directory of sockets nobody listens on any more; the system's temp cleaning takes it.
            }
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

    private IEnumerable<Socket> AllSockets => shared.Concat(slots.SelectMany(s => s));

    /// <summary>
    /// One unix socket per slot in a directory of its own, readable by the workers' user alone: status shows every
    /// worker process, so each must be reachable from whichever one a status client happens to reach.
    /// </summary>
    private void BindStatusPeers(uint? ownerUserId, uint? ownerGroupId)
    {
        // Created 0700; the directory, not the sockets' mode, keeps other users out.
        var directory = Directory.CreateTempSubdirectory("akkawsgi-status-").FullName;
        StatusPeerDirectory = directory;
        if (ownerUserId is { } user)
        {
            Posix.ChangeOwner(directory, user, ownerGroupId ?? user);
        }

        for (var slot = 0; slot < slots.Length; slot++)
        {
            var path = new StatusPeers(0, slot, slots.Length, directory).PathOf(slot);
            var socket = Listen(new UnixDomainSocketEndPoint(path), path, reusePort: false);
            slots[slot].Add(socket);
            statusPeers[slot] = socket;
            if (ownerUserId is { } owner)
            {
                Posix.ChangeOwner(path, owner, ownerGroupId ?? owner);
            }
        }
    }

    /// <summary>Binds <paramref name="text"/> and returns the sockets that took: one per slot for TCP, one shared for unix:.</summary>
    private List<Socket> BindNew(string text, ServerOptions options, uint? ownerUserId, uint? ownerGroupId, bool perSlot = true)
    {
        var before = AllSockets.ToHashSet();
        BindOne(ListenAddress.Parse(text), text, options.SocketMode, options.Chdir, ownerUserId, ownerGroupId, perSlot);
        return [.. AllSockets.Where(s => !before.Contains(s))];
    }

    private void BindOne(ListenAddress address, string text, string? socketMode, string? chdir, uint? ownerUserId, uint? ownerGroupId,
        bool perSlot = true)
    {
        if (address.UnixPath is { } unixPath)
        {
            // A relative path is taken from --chdir, as a server without a supervisor (which binds after changing
            // directory) takes it.
            var path = chdir is null ? unixPath : Path.Combine(chdir, unixPath);
            UnixSocketFile.RemoveStale(path);
            shared.Add(Listen(new UnixDomainSocketEndPoint(path), text, reusePort: false));
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
            var port = ListenTcp(new IPEndPoint(IPAddress.Loopback, address.Port), text, perSlot).Port;
            try
            {
                ListenTcp(new IPEndPoint(IPAddress.IPv6Loopback, port), text, perSlot);
            }
            catch (IOException)
            {
                // No IPv6 loopback here: IPv4 alone serves localhost.
            }

            addresses.Add(string.Create(CultureInfo.InvariantCulture, $"http://localhost:{port}"));
        }
        else
        {
            var bound = ListenTcp(new IPEndPoint(address.Address!, address.Port), text, perSlot);
            var host = bound.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{bound.Address}]" : bound.Address.ToString();
            addresses.Add(string.Create(CultureInfo.InvariantCulture, $"http://{host}:{bound.Port}"));
        }
    }

    /// <summary>
    /// One socket per slot on <paramref name="endPoint"/> (port 0: the port the first one got), or one for all of them;
    /// the bound address.
    /// </summary>
    private IPEndPoint ListenTcp(IPEndPoint endPoint, string text, bool perSlot)
    {
        if (!perSlot || slots.Length == 1)
        {
            var socket = Listen(endPoint, text, reusePort: false);
            (slots.Length == 1 ? slots[0] : shared).Add(socket);
            return (IPEndPoint)socket.LocalEndPoint!;
        }

        var bound = endPoint;
        foreach (var slot in slots)
        {
            var socket = Listen(bound, text, reusePort: slots.Length > 1);
            slot.Add(socket);
            bound = (IPEndPoint)socket.LocalEndPoint!;
        }

        return bound;
    }

    private static Socket Listen(EndPoint endPoint, string text, bool reusePort)
    {
        Socket? socket = null;
        try
        {
            if (reusePort)
            {
                // As Kestrel's CreateDefaultBoundListenSocket does (dual mode for [::]), plus SO_REUSEPORT, which must
                // be set before the bind.
                socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                if (endPoint is IPEndPoint { Address: var any } && any.Equals(IPAddress.IPv6Any))
                {
                    socket.DualMode = true;
                }

                socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
                socket.Bind(endPoint);
            }
            else
            {
                // Kestrel's own way of creating a listening socket (dual mode for [::], address reuse as it does).
                socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endPoint);
            }

            socket.Listen(Backlog);
            return socket;
        }
        catch (SocketException e)
        {
            socket?.Dispose();
            throw new IOException($"cannot listen on {text}: {e.Message}", e);
        }
    }

    private static int Descriptor(Socket socket) => (int)socket.SafeHandle.DangerousGetHandle();

    /// <summary>Marks a slot's sockets inheritable until disposed.</summary>
    private sealed class SlotInheritance : IDisposable
    {
        private readonly List<Socket> sockets;

        public SlotInheritance(List<Socket> sockets)
        {
            this.sockets = sockets;
            Set(inheritable: true);
        }

        public void Dispose() => Set(inheritable: false);

        private void Set(bool inheritable)
        {
            foreach (var socket in sockets)
            {
                Posix.SetInheritable(Descriptor(socket), inheritable);
            }
        }
    }

    private sealed class NothingToUndo : IDisposable
    {
        public static readonly NothingToUndo Instance = new();

        public void Dispose()
        {
        }
    }
}
