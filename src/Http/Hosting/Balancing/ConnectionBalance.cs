using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Http.Hosting.Balancing;

/// <summary>
/// This worker process's part in the <see cref="ConnectionTable"/>: counts its open connections, publishes the count
/// (and a heartbeat every half second), and says whether it may accept another connection now.
/// </summary>
internal sealed class ConnectionBalance : IDisposable
{
    private readonly ConnectionTable table;
    private readonly int entry;
    private readonly int processId = Environment.ProcessId;
    private readonly TimeProvider time;
    private readonly ITimer heartbeat;
    private readonly Lock publishing = new();
    private long open;
    private volatile bool accepting;

    public ConnectionBalance(ConnectionTable table, int entry, TimeProvider time)
    {
        this.table = table;
        this.entry = entry;
        this.time = time;
        heartbeat = time.CreateTimer(_ => Publish(), null, TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(500));
    }

    /// <summary>
    /// Opens the supervisor's table for entry <paramref name="entry"/>; null, with the reason logged, when it cannot be
    /// used (gone, not readable and writable, not a table of that size): the process then accepts freely rather than
    /// not at all.
    /// </summary>
    public static ConnectionBalance? TryOpen(string path, int entries, int entry, TimeProvider time, ILogger logger)
    {
        try
        {
            return new ConnectionBalance(ConnectionTable.Open(path, entries), entry, time);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            AkkaWsgi.Http.Supervision.SupervisionLog.Unbalanced(logger, $"{path}: {e.Message}");
            return null;
        }
    }

    public long Open => Interlocked.Read(ref open);

    /// <summary>From now on other processes count on this one to take connections.</summary>
    public void StartAccepting()
    {
        accepting = true;
        Publish();
    }

    /// <summary>This process takes no more connections (it is stopping); the others stop waiting for it.</summary>
    public void StopAccepting()
    {
        lock (publishing)
        {
            accepting = false;
            table.Withdraw(entry);
        }
    }

    public void Opened()
    {
        Interlocked.Increment(ref open);
        Publish();
    }

    public void Closed()
    {
        Interlocked.Decrement(ref open);
        Publish();
    }

    /// <summary>
    /// True unless another live process holds fewer connections than this one. Processes at the same count all accept,
    /// and the one the kernel gives the connection to then waits for the others.
    /// </summary>
    public bool MayAccept() => table.FewestElsewhere(entry, Now) is not { } fewest || Open <= fewest;

    // Milliseconds of the machine's monotonic clock (what the system TimeProvider's timestamps count), alike in every process.
    private long Now => time.GetTimestamp() / (time.TimestampFrequency / 1000);

    private void Publish()
    {
        // Serialised, so that a count read earlier is never written over a later one.
        lock (publishing)
        {
            if (accepting)
            {
                table.Publish(entry, processId, Open, Now);
            }
        }
    }

    public void Dispose()
    {
        heartbeat.Dispose();
        StopAccepting();
        table.Dispose();
    }
}
