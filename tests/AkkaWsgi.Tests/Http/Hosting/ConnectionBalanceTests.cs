using AkkaWsgi.Http.Hosting.Balancing;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Http.Hosting;

/// <summary>Worker processes sharing a listening socket take turns by the connections each holds.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ConnectionBalanceTests : IDisposable
{
    private readonly TempDirectoryTree files = new();
    private readonly string path;
    private readonly ConnectionTable supervisor;

    public ConnectionBalanceTests()
    {
        path = Path.Combine(files.Root, "connections");
        supervisor = ConnectionTable.Create(path, slots: 2, null, null);
    }

    [Fact]
    public void AProcessHoldingMoreThanAnother_Waits_AtTheSameCountBothAccept()
    {
        var clock = new ManualTimeProvider();
        using var first = Process(slot: 0, clock);
        using var second = Process(slot: 1, clock);

        Assert.True(first.MayAccept());
        first.Opened();
        Assert.False(first.MayAccept()); // 1 against 0: the other takes the next one
        Assert.True(second.MayAccept());
        second.Opened();
        Assert.True(first.MayAccept());
        Assert.True(second.MayAccept());

        second.Closed();
        Assert.False(first.MayAccept());
    }

    [Fact]
    public void AProcessThatStoppedAccepting_OrWentSilent_OrExited_IsNotWaitedFor()
    {
        var clock = new ManualTimeProvider();
        using var first = Process(slot: 0, clock);
        first.Opened();
        first.Opened();

        using (var second = Process(slot: 1, clock))
        {
            Assert.False(first.MayAccept());
            second.StopAccepting(); // draining before it exits
            Assert.True(first.MayAccept());
            second.StartAccepting();
            Assert.False(first.MayAccept());

            supervisor.WithdrawProcess(Environment.ProcessId); // both are this test's process: both withdrawn
            Assert.True(first.MayAccept());
        }

        // A process that stops publishing (frozen, or killed before the supervisor saw it) counts for nothing once its
        // heartbeat is older than ConnectionTable.Stale.
        var frozenClock = new ManualTimeProvider();
        using var frozen = Process(slot: 1, frozenClock);
        first.StartAccepting();
        Assert.False(first.MayAccept());
        clock.Advance(ConnectionTable.Stale + TimeSpan.FromMilliseconds(600));
        Assert.True(first.MayAccept());
    }

    [Fact]
    public void AReplacementHasAnEntryOfItsOwn_BesideTheProcessItReplaces()
    {
        Assert.NotEqual(ConnectionTable.EntryOf(1, 1), ConnectionTable.EntryOf(1, 2));
        Assert.NotEqual(ConnectionTable.EntryOf(0, 2), ConnectionTable.EntryOf(1, 1));
        Assert.Equal(ConnectionTable.EntryOf(1, 1), ConnectionTable.EntryOf(1, 3));
        Assert.Equal((4, path), ConnectionTable.Parse(supervisor.Describe()));
        Assert.Null(ConnectionTable.Parse("x /tmp/y"));
        Assert.Null(ConnectionTable.Parse(null));
    }

    [Fact]
    public void TryOpen_ATableThatCannotBeUsed_GivesNoBalance_AndSaysWhy()
    {
        var entries = new System.Collections.Concurrent.ConcurrentQueue<LogEntry>();
        var logger = new RecordingLogger(entries);
        var missing = Path.Combine(files.Root, "gone");
        var directory = Directory.CreateDirectory(Path.Combine(files.Root, "a-directory")).FullName;
        var larger = Path.Combine(files.Root, "larger");
        File.WriteAllBytes(larger, new byte[4096]);

        Assert.Null(ConnectionBalance.TryOpen(missing, supervisor.Entries, 0, TimeProvider.System, logger));
        Assert.Null(ConnectionBalance.TryOpen(directory, supervisor.Entries, 0, TimeProvider.System, logger));
        Assert.Null(ConnectionBalance.TryOpen(larger, supervisor.Entries, 0, TimeProvider.System, logger));
        using var usable = ConnectionBalance.TryOpen(path, supervisor.Entries, 0, TimeProvider.System, logger);

        Assert.NotNull(usable);
        var lines = entries.Select(e => e.Message).ToList();
        Assert.Equal(3, lines.Count);
        Assert.All(lines, line => Assert.StartsWith("connections are not balanced with the other worker processes: ", line, StringComparison.Ordinal));
        Assert.Contains(missing, lines[0], StringComparison.Ordinal);
        Assert.Contains(directory, lines[1], StringComparison.Ordinal);
        Assert.Contains(larger, lines[2], StringComparison.Ordinal);
    }

    private ConnectionBalance Process(int slot, TimeProvider clock)
    {
        var balance = new ConnectionBalance(ConnectionTable.Open(path, supervisor.Entries), ConnectionTable.EntryOf(slot, 1), clock);
        balance.StartAccepting();
        return balance;
    }

    public void Dispose()
    {
        supervisor.Dispose();
        files.Dispose();
    }
}
