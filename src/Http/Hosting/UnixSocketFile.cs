using System.Net.Sockets;
using AkkaWsgi.Python.Native;

namespace AkkaWsgi.Http.Hosting;

/// <summary>The file a <c>unix:</c> listener lives at: cleared before binding, given --socket-mode after.</summary>
internal static class UnixSocketFile
{
    /// <summary>
    /// Removes a socket file left by a run that is gone, which would make bind fail with "address in use". Anything
    /// else at the path is left alone: a server still listening there keeps its clients, and a file that is not a
    /// socket (a mistyped path) is never deleted.
    /// </summary>
    /// <exception cref="IOException">The path is taken; the message says by what.</exception>
    public static void RemoveStale(string path)
    {
        // bind() says only "cannot assign requested address" for a socket in a directory that is not there.
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory && !Directory.Exists(directory))
        {
            throw new IOException($"cannot listen on unix:{path}: the directory {directory} does not exist");
        }

        if (Directory.Exists(path))
        {
            throw new IOException($"cannot listen on unix:{path}: it is a directory");
        }

        if (!File.Exists(path))
        {
            return;
        }

        if (!Posix.IsSocket(path))
        {
            throw new IOException($"cannot listen on unix:{path}: a file that is not a socket is there, and is left alone");
        }

        using (var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { Blocking = false })
        {
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(path));
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                File.Delete(path); // nobody listens on it: the file outlived its server
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
            {
                // A listener whose backlog is full: still a live server.
            }
            catch (SocketException e)
            {
                throw new IOException($"cannot listen on unix:{path}: {e.Message}", e);
            }
        }

        throw new IOException($"cannot listen on unix:{path}: another server is listening there");
    }

    /// <summary>Applies --socket-mode (octal, such as 660), or leaves what the umask gave when it is null.</summary>
    public static void ApplyMode(string path, string? socketMode)
    {
        if (socketMode is not null && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32(socketMode, 8));
        }
    }
}
