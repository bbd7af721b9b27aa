using System.Net;
using System.Net.Sockets;
using AkkaWsgi.Http.Hosting;
using AkkaWsgi.Http.Supervision;
using AkkaWsgi.Python.Native;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Http.Supervision;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ListenerSetTests
{
    [Fact]
    public void SeveralProcesses_ShareEachListeningSocket_AndATableOfTheirConnections()
    {
        string table;
        using (var set = ListenerSet.Bind(Options(processes: 2, "127.0.0.1:0"), null, null))
        {
            var fd = Assert.Single(set.DescriptorsFor(0));
            Assert.Equal([fd], set.DescriptorsFor(1));
            Assert.True(Posix.IsInheritable(fd));
            using var socket = Borrow(fd);
            Assert.Equal($"http://127.0.0.1:{((IPEndPoint)socket.LocalEndPoint!).Port}", Assert.Single(set.Addresses));

            table = Assert.IsType<AkkaWsgi.Http.Hosting.Balancing.ConnectionTable>(set.Connections).Path;
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(table));
        }

        Assert.False(File.Exists(table));
    }

    [Fact]
    public void SeveralProcesses_TheTableOfASupervisorKilledOutright_IsRemovedByTheNextOne()
    {
        // A process id that is not running: the highest one the kernel can hand out, plus one.
        var gone = int.Parse(File.ReadAllText("/proc/sys/kernel/pid_max").Trim(), System.Globalization.CultureInfo.InvariantCulture) + 1;
        var directory = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        var stale = Path.Combine(directory, $"akkawsgi-{gone}-connections");
        File.WriteAllBytes(stale, new byte[48]);
        try
        {
            using var set = ListenerSet.Bind(Options(processes: 2, "127.0.0.1:0"), null, null);
            Assert.False(File.Exists(stale));
            Assert.True(File.Exists(set.Connections!.Path));
        }
        finally
        {
            File.Delete(stale);
        }
    }

    [Fact]
    public void SeveralProcesses_ASlotsOwnSocketsAreInheritedOnlyWhileItsWorkerStarts()
    {
        var options = Options(processes: 3, "127.0.0.1:0");
        options.StatusSocket = "127.0.0.1:0";
        using var set = ListenerSet.Bind(options, null, null);
        var slot1 = set.StatusPeersFor(1)!.Descriptor;

        Assert.False(Posix.IsInheritable(slot1));
        using (set.InheritableFor(1))
        {
            Assert.True(Posix.IsInheritable(slot1));
            Assert.False(Posix.IsInheritable(set.StatusPeersFor(2)!.Descriptor));
        }

        Assert.False(Posix.IsInheritable(slot1));
    }

    [Fact]
    public void OneProcess_OneSharedSocket_AlwaysInheritable_AndNoTable()
    {
        using var set = ListenerSet.Bind(Options(processes: 1, "127.0.0.1:0"), null, null);

        var fd = Assert.Single(set.DescriptorsFor(0));
        Assert.Equal([fd], set.DescriptorsFor(1));
        Assert.True(Posix.IsInheritable(fd));
        Assert.Null(set.Connections);
    }

    [Fact]
    public void UnixSockets_AreSharedByEverySlot()
    {
        using var dir = new TempDirectoryTree();
        var path = Path.Combine(dir.Root, "s.sock");
        using var set = ListenerSet.Bind(Options(processes: 2, $"unix:{path}", "127.0.0.1:0"), null, null);

        var zero = set.DescriptorsFor(0);
        var one = set.DescriptorsFor(1);

        Assert.Equal(2, zero.Count);
        Assert.Equal(zero, one);
        Assert.All(zero, fd => Assert.True(Posix.IsInheritable(fd)));
    }

    [Fact]
    public void StatusWithSeveralProcesses_EachSlotGetsAPrivateStatusSocket_InADirectoryOnlyItsUserEnters()
    {
        var options = Options(processes: 2, "127.0.0.1:0");
        options.StatusSocket = "127.0.0.1:0";
        string directory;
        using (var set = ListenerSet.Bind(options, null, null))
        {
            directory = Assert.IsType<string>(set.StatusPeerDirectory);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
            for (var slot = 0; slot < 2; slot++)
            {
                var peers = Assert.IsType<StatusPeers>(set.StatusPeersFor(slot));
                Assert.Equal((slot, 2, directory), (peers.Slot, peers.Count, peers.Directory));
                Assert.Contains(peers.Descriptor, set.DescriptorsFor(slot));
                Assert.DoesNotContain(peers.Descriptor, set.DescriptorsFor(1 - slot));
                Assert.DoesNotContain(peers.Descriptor, set.StatusDescriptorsFor(slot)); // not the public status listener
                using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                client.Connect(new UnixDomainSocketEndPoint(peers.PathOf(slot)));
                using var listener = Borrow(peers.Descriptor);
                Assert.Equal(1, AcceptAll(listener));
            }

            Assert.Single(set.Addresses); // private: not in the ready line
        }

        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public void StatusWithOneProcess_NeedsNoPrivateSockets()
    {
        var options = Options(processes: 1, "127.0.0.1:0");
        options.StatusSocket = "127.0.0.1:0";
        using var set = ListenerSet.Bind(options, null, null);
        Assert.Null(set.StatusPeerDirectory);
        Assert.Null(set.StatusPeersFor(0));
    }

    private static ServerOptions Options(int processes, params string[] sockets) =>
        new() { Processes = processes, HttpSockets = sockets, HttpSocketsGiven = true };

    // The set keeps owning the descriptor.
    private static Socket Borrow(int fd) => new(new SafeSocketHandle(fd, ownsHandle: false));

    private static int AcceptAll(Socket listener)
    {
        var count = 0;
        while (listener.Poll(TimeSpan.FromMilliseconds(200), SelectMode.SelectRead))
        {
            listener.Accept().Dispose();
            count++;
        }

        return count;
    }
}
