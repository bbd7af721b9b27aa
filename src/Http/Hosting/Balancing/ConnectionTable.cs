using System.Globalization;
using System.IO.MemoryMappedFiles;

namespace AkkaWsgi.Http.Hosting.Balancing;

/// <summary>
/// How many connections each worker process holds, in a small file every worker process of one supervisor maps: the
/// processes share one listening socket, and each accepts only while it holds no more connections than the least
/// loaded of the others (<see cref="BalancedListener"/>), so keep-alive connections spread evenly instead of by chance.
/// </summary>
/// <remarks>
/// Two entries per slot, so that a slot's replacement and the process it replaces (which drains meanwhile) each have
/// their own. An entry is (process id, open connections, last heartbeat in milliseconds of the machine's monotonic
/// clock, which every process of the machine reads alike); only its own process writes it, except that the supervisor
/// clears the entry of a process that exited. An entry whose heartbeat is older than <see cref="Stale"/> is ignored.
/// </remarks>
internal sealed class ConnectionTable : IDisposable
{
    /// <summary>The environment variable naming the table's file for a worker process.</summary>
    public const string Variable = "AKKAWSGI_BALANCE";

    public static readonly TimeSpan Stale = TimeSpan.FromSeconds(2);

    private const int EntryBytes = 3 * sizeof(long);
    private const string FilePrefix = "akkawsgi-";
    private const string FileSuffix = "-connections";

    private readonly MemoryMappedFile file;
    private readonly MemoryMappedViewAccessor view;

    private ConnectionTable(MemoryMappedFile file, int entries, string path)
    {
        this.file = file;
        Path = path;
        Entries = entries;
        view = file.CreateViewAccessor(0, (long)entries * EntryBytes);
    }

    public int Entries { get; }

    /// <summary>The table's file, which the workers are told of.</summary>
    public string Path { get; }

    /// <summary>
    /// Creates this supervisor's table, named for its process id, in memory where the system offers a file system for
    /// it, else in the temporary directory; first removes the tables of supervisors that were killed outright.
    /// </summary>
    public static ConnectionTable CreateForSupervisor(int slots, uint? ownerUserId, uint? ownerGroupId)
    {
        var directory = Directory.Exists("/dev/shm") ? "/dev/shm" : System.IO.Path.GetTempPath();
        RemoveStale(directory);
        var path = System.IO.Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"{FilePrefix}{Environment.ProcessId}{FileSuffix}"));
        File.Delete(path); // left by an earlier supervisor of the same process id, killed outright
        return Create(path, slots, ownerUserId, ownerGroupId);
    }

    /// <summary>Deletes the tables of supervisors whose process is gone; another user's are left alone (the directory is sticky).</summary>
    private static void RemoveStale(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory, $"{FilePrefix}*{FileSuffix}"))
        {
            var name = System.IO.Path.GetFileName(file);
            if (int.TryParse(name.AsSpan(FilePrefix.Length, name.Length - FilePrefix.Length - FileSuffix.Length), NumberStyles.None,
                    CultureInfo.InvariantCulture, out var pid) && !Directory.Exists($"/proc/{pid}"))
            {
                try
                {
                    File.Delete(file);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Not ours to delete.
                }
            }
        }
    }

    /// <summary>The entry of the process in <paramref name="slot"/> started as <paramref name="generation"/>.</summary>
    public static int EntryOf(int slot, int generation) => (slot * 2) + (generation % 2);

    /// <summary>Creates the table for <paramref name="slots"/> worker processes (the supervisor's part).</summary>
    public static ConnectionTable Create(string path, int slots, uint? ownerUserId, uint? ownerGroupId)
    {
        var entries = slots * 2;
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.ReadWrite };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, create))
        {
            stream.SetLength((long)entries * EntryBytes);
        }

        if (ownerUserId is { } user)
        {
            AkkaWsgi.Python.Native.Posix.ChangeOwner(path, user, ownerGroupId ?? user);
        }

        return Open(path, entries);
    }

    /// <summary>Maps a table the supervisor created; <paramref name="entries"/> is twice the number of slots.</summary>
    public static ConnectionTable Open(string path, int entries) =>
        new(MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, (long)entries * EntryBytes, MemoryMappedFileAccess.ReadWrite), entries, path);

    /// <summary>The value of <see cref="Variable"/> that names this table to a worker process: "ENTRIES PATH".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"{Entries} {Path}");

    /// <summary>Reads <see cref="Describe"/>; null when absent or malformed.</summary>
    public static (int Entries, string Path)? Parse(string? value) =>
        value?.Split(' ', 2) is [var count, var path] && int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 && path.Length > 0
            ? (n, path)
            : null;

    /// <summary>Publishes this process's connection count (and that it is alive and accepting).</summary>
    public void Publish(int entry, int processId, long open, long now)
    {
        var at = (long)entry * EntryBytes;
        view.Write(at + sizeof(long), open);
        view.Write(at + (2 * sizeof(long)), now);
        view.Write(at, (long)processId);
    }

    /// <summary>Takes an entry out of the balance: its process stopped accepting or exited.</summary>
    public void Withdraw(int entry) => view.Write((long)entry * EntryBytes, 0L);

    /// <summary>Withdraws the entry of process <paramref name="processId"/>, if it has one (the supervisor's part, when it exits).</summary>
    public void WithdrawProcess(int processId)
    {
        for (var entry = 0; entry < Entries; entry++)
        {
            if (view.ReadInt64((long)entry * EntryBytes) == processId)
            {
                Withdraw(entry);
            }
        }
    }

    /// <summary>The fewest connections any other live, accepting process holds; null when there is none.</summary>
    public long? FewestElsewhere(int entry, long now)
    {
        long? fewest = null;
        for (var other = 0; other < Entries; other++)
        {
            var at = (long)other * EntryBytes;
            if (other == entry || view.ReadInt64(at) == 0 || now - view.ReadInt64(at + (2 * sizeof(long))) > (long)Stale.TotalMilliseconds)
            {
                continue;
            }

            var open = view.ReadInt64(at + sizeof(long));
            fewest = fewest is { } f ? Math.Min(f, open) : open;
        }

        return fewest;
    }

    public void Dispose()
    {
        view.Dispose();
        file.Dispose();
    }
}
