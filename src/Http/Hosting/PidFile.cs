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

        try
        {
            File.WriteAllText(path, Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"--pidfile {path}: {e.Message}", e);
        }

        return new PidFile(path);
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
