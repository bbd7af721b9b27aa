using System.Globalization;

namespace AkkaWsgi.Http.Hosting;

/// <summary>
/// --pidfile: the server's process id in a file, for init scripts and tools that send it SIGHUP or SIGTERM;
/// removed again when the server exits, but only while it still holds this process's id.
/// </summary>
internal sealed class PidFile : IDisposable
{
    private readonly string? path;

    private PidFile(string? path) => this.path = path;

    /// <summary>Writes the file; throws IOException or UnauthorizedAccessException naming the path.</summary>
    public static PidFile Write(string? path)
    {
        if (path is null)
        {
            return new PidFile(null);
        }

        if (RunningServer(path) is { } running)
        {
            // Overwriting it would leave that server without its file once this one exits and removes it.
            throw new IOException($"--pidfile {path}: the server is already running as pid {running} (if it is not, remove the file)");
        }

        try
        {
            File.WriteAllText(path, Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var reason = e is DirectoryNotFoundException ? $"the directory {Path.GetDirectoryName(Path.GetFullPath(path))} does not exist" : e.Message;
            throw new IOException($"--pidfile {path}: {reason}", e);
        }

        return new PidFile(path);
    }

    /// <summary>
    /// The process the file names, if it is a server (the supervisor or a server alone, which may since have become
    /// the Python executable running the server: either way its command line names the server's program); a file left
    /// by a server that is gone, or whose process id another program has since been given, is stale.
    /// </summary>
    private static int? RunningServer(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // not there, or unreadable: writing it says what is wrong
        }

        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == 0 || pid == Environment.ProcessId)
        {
            return null;
        }

        string commandLine;
        try
        {
            commandLine = File.ReadAllText($"/proc/{pid}/cmdline");
        }
        catch (UnauthorizedAccessException)
        {
            return pid; // alive, and hidden from this user: whether it is a server cannot be told, so it is kept
        }
        catch (IOException)
        {
            return null; // no such process
        }

        var program = typeof(PidFile).Assembly.GetName().Name;
        return commandLine.Split('\0').Any(argument =>
            Path.GetFileName(argument) is var name && (name == program || name == program + ".dll")) ? pid : null;
    }

    public void Dispose()
    {
        if (path is null)
        {
            return;
        }

        try
        {
            // Another server started since (a restart overlapping this exit) owns the file now: leave it.
            if (File.ReadAllText(path).Trim() == Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
            {
                File.Delete(path);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone already, or not ours to remove.
        }
    }
}
