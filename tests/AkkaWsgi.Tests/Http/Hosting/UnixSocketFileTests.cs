using System.Net.Sockets;
using AkkaWsgi.Http.Hosting;
using AkkaWsgi.Python.Native;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Http.Hosting;

/// <summary>What may be cleared from a unix listener's path before binding: a socket nobody listens on, and nothing else.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class UnixSocketFileTests
{
    [Fact]
    public void SocketLeftByAServerThatIsGone_IsRemoved()
    {
        using var dir = new TempDirectoryTree();
        var path = dir.PathOf("s.sock");
        // A process that exits without removing its socket file (.NET's own sockets remove theirs when disposed).
        var gone = ProcessRunner.Run(PythonInstalls.Default,
            ["-c", "import socket, sys; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen()", path], TimeSpan.FromSeconds(30));
        Assert.True(gone.ExitCode == 0, gone.StandardError);

        Assert.True(Posix.IsSocket(path));
        UnixSocketFile.RemoveStale(path);

        Assert.False(File.Exists(path));
    }

    [Fact]
    public void SocketAServerStillListensOn_IsLeftAndStillAnswers()
    {
        using var dir = new TempDirectoryTree();
        var path = dir.PathOf("s.sock");
        using var live = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        live.Bind(new UnixDomainSocketEndPoint(path));
        live.Listen(1);

        var e = Assert.Throws<IOException>(() => UnixSocketFile.RemoveStale(path));

        Assert.Equal($"cannot listen on unix:{path}: another server is listening there", e.Message);
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        client.Connect(new UnixDomainSocketEndPoint(path));
    }

    [Fact]
    public void SocketWhoseListenerHasAFullBacklog_CountsAsListening()
    {
        using var dir = new TempDirectoryTree();
        var path = dir.PathOf("s.sock");
        using var live = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        live.Bind(new UnixDomainSocketEndPoint(path));
        live.Listen(0);
        var waiting = new List<Socket>();
        try
        {
            // Fill the backlog without accepting; a blocking probe would hang here.
            for (var i = 0; i < 4; i++)
            {
                var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { Blocking = false };
                waiting.Add(client);
                try
                {
                    client.Connect(new UnixDomainSocketEndPoint(path));
                }
                catch (SocketException full) when (full.SocketErrorCode == SocketError.WouldBlock)
                {
                    break;
                }
            }

            var e = Assert.Throws<IOException>(() => UnixSocketFile.RemoveStale(path));
            Assert.Contains("another server is listening there", e.Message, StringComparison.Ordinal);
            Assert.True(File.Exists(path));
        }
        finally
        {
            waiting.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void FileThatIsNotASocket_IsNeverDeleted()
    {
        using var dir = new TempDirectoryTree();
        var path = dir.PathOf("app.py");
        File.WriteAllText(path, "precious");

        var e = Assert.Throws<IOException>(() => UnixSocketFile.RemoveStale(path));

        Assert.Contains("not a socket", e.Message, StringComparison.Ordinal);
        Assert.Equal("precious", File.ReadAllText(path));
        Assert.False(Posix.IsSocket(path));
    }

    [Fact]
    public void Directory_IsRefused()
    {
        using var dir = new TempDirectoryTree();

        var e = Assert.Throws<IOException>(() => UnixSocketFile.RemoveStale(dir.Root));

        Assert.Contains("it is a directory", e.Message, StringComparison.Ordinal);
        Assert.True(Directory.Exists(dir.Root));
    }

    [Fact]
    public void PathInADirectoryThatIsNotThere_IsRefusedNamingTheDirectory()
    {
        using var dir = new TempDirectoryTree();
        var missing = dir.PathOf("run");

        var e = Assert.Throws<IOException>(() => UnixSocketFile.RemoveStale(Path.Combine(missing, "s.sock")));

        Assert.Contains($"the directory {missing} does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NothingThere_IsFine()
    {
        using var dir = new TempDirectoryTree();

        UnixSocketFile.RemoveStale(dir.PathOf("none.sock"));

        Assert.False(Posix.IsSocket(dir.PathOf("none.sock")));
    }
}
