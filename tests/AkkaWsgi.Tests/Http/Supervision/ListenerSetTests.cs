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
    public void SeveralProcesses_EachSlotHasItsOwnSocket_OnOnePort_AndTheKernelSpreadsConnections()
    {
        using var set = ListenerSet.Bind(Options(processes: 2, "127.0.0.1:0"), null, null);
        var first = Assert.Single(set.DescriptorsFor(0));
        var second = Assert.Single(set.DescriptorsFor(1));
        Assert.NotEqual(first, second);
        using var one = Borrow(first);
        using var two = Borrow(second);
        var port = ((IPEndPoint)one.LocalEndPoint!).Port;
        Assert.Equal(port, ((IPEndPoint)two.LocalEndPoint!).Port);
        Assert.Equal($"http://127.0.0.1:{port}", Assert.Single(set.Addresses));

        // SO_REUSEPORT hashes each connection's addresses to one of the sockets: 64 connections all landing on one of
        // two has a chance of 2^-63.
        var clients = new List<Socket>();
        try
        {
            for (var i = 0; i < 64; i++)
            {
                var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                clients.Add(client);
                client.Connect(IPAddress.Loopback, port);
            }

            var accepted = new[] { AcceptAll(one), AcceptAll(two) };
            Assert.Equal(64, accepted.Sum());
            Assert.All(accepted, count => Assert.True(count > 0, $"accepted {accepted[0]} and {accepted[1]}"));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void SeveralProcesses_ASlotsSocketsAreInheritedOnlyWhileItsWorkerStarts()
    {
        using var set = ListenerSet.Bind(Options(processes: 3, "127.0.0.1:0"), null, null);
        var slot1 = Assert.Single(set.DescriptorsFor(1));

        Assert.False(Posix.IsInheritable(slot1));
        using (set.InheritableFor(1))
        {
            Assert.True(Posix.IsInheritable(slot1));
            Assert.False(Posix.IsInheritable(Assert.Single(set.DescriptorsFor(2))));
        }

        Assert.False(Posix.IsInheritable(slot1));
    }

    [Fact]
    public void OneProcess_OneSharedSocket_AlwaysInheritable()
    {
        using var set = ListenerSet.Bind(Options(processes: 1, "127.0.0.1:0"), null, null);

        var fd = Assert.Single(set.DescriptorsFor(0));
        Assert.Equal([fd], set.DescriptorsFor(1));
        Assert.True(Posix.IsInheritable(fd));
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
        Assert.Single(zero.Intersect(one));
        Assert.True(Posix.IsInheritable(zero.Intersect(one).Single()));
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
