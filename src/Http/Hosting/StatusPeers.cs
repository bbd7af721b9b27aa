using System.Globalization;

namespace AkkaWsgi.Http.Hosting;

/// <summary>
/// The worker processes' private status sockets, when --status-socket serves several: this process answers on
/// <paramref name="Descriptor"/> with its own status, and reads every slot's socket in <paramref name="Directory"/> to
/// answer the public status listener.
/// </summary>
internal sealed record StatusPeers(int Descriptor, int Slot, int Count, string Directory)
{
    /// <summary>The text a supervisor hands a worker: "FD SLOT COUNT DIRECTORY".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"{Descriptor} {Slot} {Count} {Directory}");

    public static StatusPeers? Parse(string? value)
    {
        // The directory comes last, whole: a temporary directory's path may hold spaces.
        if (value?.Split(' ', 4) is not [var fd, var slot, var count, var directory] ||
            !int.TryParse(fd, NumberStyles.None, CultureInfo.InvariantCulture, out var descriptor) ||
            !int.TryParse(slot, NumberStyles.None, CultureInfo.InvariantCulture, out var own) ||
            !int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || own >= n ||
            directory.Length == 0)
        {
            return null;
        }

        return new StatusPeers(descriptor, own, n, directory);
    }

    /// <summary>The private status socket of <paramref name="slot"/>.</summary>
    public string PathOf(int slot) => PathIn(Directory, slot);

    /// <summary>Where the private status socket of <paramref name="slot"/> is in <paramref name="directory"/>.</summary>
    public static string PathIn(string directory, int slot) => Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"slot-{slot}.sock"));
}
