using System.Globalization;

namespace AkkaWsgi.Http.Hosting;

/// <summary>
/// Listening sockets handed over by systemd socket activation (sd_listen_fds(3)): LISTEN_FDS descriptors from 3 on,
/// meant for this process only when LISTEN_PID is its own id.
/// </summary>
internal static class InheritedSockets
{
    private const int FirstDescriptor = 3; // SD_LISTEN_FDS_START

    public static IReadOnlyList<ulong> Find()
    {
        var pid = Environment.GetEnvironmentVariable("LISTEN_PID");
        var count = Environment.GetEnvironmentVariable("LISTEN_FDS");
        if (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var forPid) || forPid != Environment.ProcessId ||
            !int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            return [];
        }

        return Enumerable.Range(FirstDescriptor, n).Select(fd => (ulong)fd).ToList();
    }

    /// <summary>
    /// The --http-socket addresses to bind besides the <paramref name="inheritedCount"/> handed-over sockets: those
    /// replace the default address, and addresses given on the command line come on top.
    /// </summary>
    public static IReadOnlyList<string> AddressesToBind(ServerOptions options, int inheritedCount) =>
        inheritedCount > 0 && !options.HttpSocketsGiven ? [] : options.HttpSockets;
}
