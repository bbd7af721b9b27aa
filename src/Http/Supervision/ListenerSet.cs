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
/// Every listening socket is shared by all worker processes; with several, each accepts only while it holds no more
/// connections than the least loaded other one (<see cref="Hosting.Balancing.BalancedListener"/>), so connections
/// spread evenly, and a process that is being replaced leaves the new ones to the others. (One socket per process
/// with SO_REUSEPORT spread connections by a hash of their addresses: 32 keep-alive connections over two processes
/// of 16 workers split 20/12 as often as 16/16, docs/performance.md.) The slots hold what is one process's alone:
/// its private status socket.
/// </remarks>
internal sealed class ListenerSet : IDisposable
{
    // Kestrel's own default backlog (SocketTransportOptions.Backlog).
    private const int Backlog = 512;

    // Keeps the sockets referenced: a Socket's finalizer would close the descriptor the workers are given.
    private readonly List<Socket> shared = [];

    // Each slot's own sockets (its private status socket), inheritable only while its worker process starts.
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
    /// With several worker processes: the file in which they publish how many connections each holds, which the
    /// supervisor creates before the first starts (<see cref="Hosting.Balancing.ConnectionTable"/>); null with one.
    /// </summary>
    public Hosting.Balancing.ConnectionTable? Connections { get; private set; }

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
                // Whichever process is up answers for all of them, also while another is replaced.
                set.status.UnionWith(set.BindNew(statusAddress, options, ownerUserId, ownerGroupId));
                set.addresses.RemoveAt(set.addresses.Count - 1); // not a public address: kept out of the ready line
                if (set.slots.Length > 1)
                {
                    set.BindStatusPeers(ownerUserId, ownerGroupId);
                }
            }

            if (set.slots.Length > 1)
            {
                set.Connections = Hosting.Balancing.ConnectionTable.CreateForSupervisor(set.slots.Length, ownerUserId, ownerGroupId);
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

        if (Connections is { } connections)
        {
            connections.Dispose();
            File.Delete(connections.Path);
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
            var path = StatusPeers.PathIn(directory, slot);
            var socket = Listen(new UnixDomainSocketEndPoint(path), path);
            slots[slot].Add(socket);
            statusPeers[slot] = socket;
            if (ownerUserId is { } owner)
            {
                Posix.ChangeOwner(path, owner, ownerGroupId ?? owner);
            }
        }
    }

    /// <summary>Binds <paramref name="text"/> and returns the sockets that took (two for localhost, else one).</summary>
    private List<Socket> BindNew(string text, ServerOptions options, uint? ownerUserId, uint? ownerGroupId)
    {
        var before = AllSockets.ToHashSet();
        BindOne(ListenAddress.Parse(text), text, options.SocketMode, options.Chdir, ownerUserId, ownerGroupId);
        return [.. AllSockets.Where(s => !before.Contains(s))];
    }

    private void BindOne(ListenAddress address, string text, string? socketMode, string? chdir, uint? ownerUserId, uint? ownerGroupId)
    {
        if (address.UnixPath is { } unixPath)
        {
            // A relative path is taken from --chdir, as a server without a supervisor (which binds after changing
            // directory) takes it.
            var path = chdir is null ? unixPath : Path.Combine(chdir, unixPath);
            UnixSocketFile.RemoveStale(path);
            shared.Add(Listen(new UnixDomainSocketEndPoint(path), text));
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
            var port = ListenTcp(new IPEndPoint(IPAddress.Loopback, address.Port), text).Port;
            try
            {
                ListenTcp(new IPEndPoint(IPAddress.IPv6Loopback, port), text);
            }
            catch (IOException)
            {
                // No IPv6 loopback here: IPv4 alone serves localhost.
            }

            addresses.Add(string.Create(CultureInfo.InvariantCulture, $"http://localhost:{port}"));
        }
        else
        {
            var bound = ListenTcp(new IPEndPoint(address.Address!, address.Port), text);
            var host = bound.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{bound.Address}]" : bound.Address.ToString();
            addresses.Add(string.Create(CultureInfo.InvariantCulture, $"http://{host}:{bound.Port}"));
        }
    }

    /// <summary>One socket on <paramref name="endPoint"/> for every worker process; the bound address.</summary>
    private IPEndPoint ListenTcp(IPEndPoint endPoint, string text)
    {
        var socket = Listen(endPoint, text);
        shared.Add(socket);
        return (IPEndPoint)socket.LocalEndPoint!;
    }

    private static Socket Listen(EndPoint endPoint, string text)
    {
        Socket? socket = null;
        try
        {
            // Kestrel's own way of creating a listening socket (dual mode for [::], address reuse as it does).
            socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endPoint);
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
