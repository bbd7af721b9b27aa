using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Hosting.Front.Blocking;

/// <summary>
/// The clients an application has blocked with <c>X-AkkaWsgi-Block</c>, each until its block ends. Bounded: when
/// full, a new block lifts the one that would have ended soonest.
/// </summary>
/// <remarks>
/// Every request looks its client up here from a Kestrel thread, so lookups are lock-free reads of a
/// <see cref="ConcurrentDictionary{TKey, TValue}"/>. Changes (a block from an interpreter worker, an expiry, the
/// sweep) are rare and take one small lock, which keeps the dictionary and the expiry order in step; an actor would
/// put a message hop and an allocation in front of every request only to answer "not blocked".
/// Expiry is noticed by the blocked client's next request, or else by a sweep every <see cref="SweepInterval"/>, so
/// every block gets its closing line with the number of requests it refused.
/// </remarks>
internal sealed class BlockList : IDisposable
{
    /// <summary>
    /// Far more distinct clients than an application blocks in a day, yet at roughly 250 bytes an entry (with its
    /// dictionary and expiry-order nodes) some 25 MB at most, so a flood of blocks cannot exhaust memory.
    /// </summary>
    public const int DefaultCapacity = 100_000;

    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(5);

    // Expired blocks a sweep lifts (and logs) at most, so that one tick stays short even after a mass expiry.
    internal const int SweepBatch = 1000;

    private static readonly Comparer<BlockEntry> ExpiryOrder = Comparer<BlockEntry>.Create(static (a, b) =>
    {
        var byTime = a.Until.CompareTo(b.Until);
        return byTime != 0 ? byTime : a.Sequence.CompareTo(b.Sequence);
    });

    private readonly ConcurrentDictionary<BlockKey, BlockEntry> entries = new();
    private readonly SortedSet<BlockEntry> expiring = new(ExpiryOrder);
    private readonly Lock gate = new();
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly int capacity;
    private readonly ITimer sweeper;
    private long sequence;
    private long refusedTotal;

    public BlockList(TimeProvider time, ILogger logger, int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        this.time = time;
        this.logger = logger;
        this.capacity = capacity;
        sweeper = time.CreateTimer(static state => ((BlockList)state!).Sweep(), this, SweepInterval, SweepInterval);
    }

    /// <summary>
    /// Told of every block an application asks for on this node (the client and the block's end), to share it with the
    /// other nodes of a cluster; null when there are none.
    /// </summary>
    public Action<string, DateTimeOffset>? Shared { get; set; }

    /// <summary>Requests refused since the server started, for SIGUSR2.</summary>
    public long RefusedTotal => Interlocked.Read(ref refusedTotal);

    /// <summary>Clients in the list, including blocks that have ended but were not noticed yet.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return expiring.Count;
            }
        }
    }

    /// <summary>
    /// Acts on the block header an application sent answering <paramref name="request"/> from
    /// <paramref name="client"/>: blocks the client, or logs why the header is ignored.
    /// </summary>
    public void Apply(IPAddress? client, string header, string value, string request)
    {
        if (!BlockDirective.TryParse(value, out var duration))
        {
            BlockLog.InvalidBlock(logger, header, value, request);
            return;
        }

        if (BlockKey.For(client) is not { } key)
        {
            BlockLog.NoClientToBlock(logger, header, request);
            return;
        }

        Block(key, duration);
        BlockLog.Blocked(logger, key.ToString(), Math.Round(duration.TotalSeconds, 3), request);
        Shared?.Invoke(key.ToString(), time.GetUtcNow() + duration);
    }

    /// <summary>Applies a block another node of the cluster shared: <paramref name="client"/> until <paramref name="until"/>.</summary>
    public void BlockFromCluster(string client, DateTimeOffset until)
    {
        var remaining = until - time.GetUtcNow();
        if (remaining <= TimeSpan.Zero || !BlockKey.TryParse(client, out var key) || Remaining(key) >= remaining)
        {
            return;
        }

        Block(key, remaining);
        BlockLog.BlockedByCluster(logger, client, Math.Round(remaining.TotalSeconds, 3));
    }

    /// <summary>Blocks <paramref name="key"/> for <paramref name="duration"/>; a block already running longer is kept.</summary>
    public void Block(BlockKey key, TimeSpan duration)
    {
        var now = time.GetTimestamp();
        var until = now + (long)(duration.TotalSeconds * time.TimestampFrequency);
        List<(BlockEntry Entry, bool Evicted)>? lifted = null;
        lock (gate)
        {
            if (entries.TryGetValue(key, out var entry) && entry.Until > now)
            {
                if (until > entry.Until)
                {
                    expiring.Remove(entry);
                    entry.Until = until;
                    expiring.Add(entry);
                }
            }
            else
            {
                if (entry is not null)
                {
                    // Ended but not noticed yet: close it with its own line, and start a fresh count.
                    Remove(entry);
                    (lifted ??= []).Add((entry, false));
                }

                while (expiring.Count >= capacity)
                {
                    var soonest = expiring.Min!;
                    Remove(soonest);
                    (lifted ??= []).Add((soonest, soonest.Until > now));
                }

                entry = new BlockEntry(key, now, until, sequence++);
                entries[key] = entry;
                expiring.Add(entry);
            }
        }

        Report(lifted, now);
    }

    /// <summary>
    /// True when <paramref name="key"/> is blocked now; the request is then counted as refused, and
    /// <paramref name="remaining"/> says how long the block still runs. A block found ended is lifted and logged.
    /// </summary>
    public bool TryRefuse(BlockKey key, out TimeSpan remaining)
    {
        remaining = TimeSpan.Zero;
        if (!entries.TryGetValue(key, out var entry))
        {
            return false;
        }

        var now = time.GetTimestamp();
        var until = entry.Until;
        if (until <= now)
        {
            Expire(entry, now);
            return false;
        }

        entry.CountRefused();
        Interlocked.Increment(ref refusedTotal);
        remaining = time.GetElapsedTime(now, until);
        return true;
    }

    /// <summary>How long <paramref name="key"/> stays blocked (zero: not blocked), without counting a request.</summary>
    public TimeSpan Remaining(BlockKey key)
    {
        if (!entries.TryGetValue(key, out var entry))
        {
            return TimeSpan.Zero;
        }

        var now = time.GetTimestamp();
        var until = entry.Until;
        return until > now ? time.GetElapsedTime(now, until) : TimeSpan.Zero;
    }

    /// <summary>Lifts and logs up to <see cref="SweepBatch"/> blocks that have ended, soonest ended first.</summary>
    public void Sweep()
    {
        var now = time.GetTimestamp();
        List<(BlockEntry Entry, bool Evicted)>? lifted = null;
        lock (gate)
        {
            while (expiring.Count > 0 && (lifted?.Count ?? 0) < SweepBatch && expiring.Min!.Until <= now)
            {
                var ended = expiring.Min;
                Remove(ended);
                (lifted ??= []).Add((ended, false));
            }
        }

        Report(lifted, now);
    }

    public void Dispose() => sweeper.Dispose();

    private void Expire(BlockEntry entry, long now)
    {
        lock (gate)
        {
            // Another request or the sweep may have lifted it first, or a new block replaced it.
            if (!entries.TryGetValue(entry.Key, out var current) || current != entry || entry.Until > now)
            {
                return;
            }

            Remove(entry);
        }

        Report([(entry, false)], now);
    }

    private void Remove(BlockEntry entry)
    {
        expiring.Remove(entry);
        entries.TryRemove(new KeyValuePair<BlockKey, BlockEntry>(entry.Key, entry));
    }

    private void Report(List<(BlockEntry Entry, bool Evicted)>? lifted, long now)
    {
        if (lifted is null)
        {
            return;
        }

        foreach (var (entry, evicted) in lifted)
        {
            if (evicted)
            {
                BlockLog.BlockEvicted(logger, capacity, entry.Key.ToString(), Seconds(now, entry.Until), entry.Refused);
            }
            else
            {
                BlockLog.BlockEnded(logger, entry.Key.ToString(), Seconds(entry.Since, entry.Until), entry.Refused);
            }
        }
    }

    private double Seconds(long from, long to) => Math.Round(time.GetElapsedTime(from, to).TotalSeconds, 3);
}
