namespace AkkaWsgi.Http.Hosting;

/// <summary>The file a <c>unix:</c> listener lives at: cleared before binding, given --socket-mode after.</summary>
internal static class UnixSocketFile
{
    /// <summary>Removes a socket file left by a previous run, which would make bind fail with "address in use".</summary>
    public static void RemoveStale(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }
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
