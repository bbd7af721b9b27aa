using System.Globalization;
using System.Threading.Channels;
using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaWsgi.Actors.Hosting;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Hosting.Logging;

/// <summary>
/// The access log as a backpressured stream (Akka.Streams): requests hand their entry to a bounded buffer without ever
/// waiting, and one stage on a thread of its own writes the lines. When the output is slower than the traffic (a
/// terminal, a pipe nobody reads), the buffer fills and further entries are dropped and counted, instead of making
/// requests wait for standard error; the count is written into the log once it flows again.
/// </summary>
internal sealed class AccessLogStream
{
    /// <summary>
    /// Entries that may wait for the writer: at the rate of a busy server (50k req/s) a fifth of a second of traffic,
    /// which rides out a pause of the terminal without holding more than a few MiB.
    /// </summary>
    public const int DefaultCapacity = 10_000;

    private readonly Channel<AccessEntry> buffer;
    private readonly ILogger logger;
    private long dropped;
    private long reportedDropped;
    private Task? written;

    public AccessLogStream(ILogger logger, int capacity = DefaultCapacity)
    {
        this.logger = logger;
        buffer = Channel.CreateBounded<AccessEntry>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
            SingleWriter = false,
        }, _ => Interlocked.Increment(ref dropped));
    }

    /// <summary>How many entries were dropped because the writer could not keep up.</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>Queues an entry; never waits.</summary>
    public void Post(AccessEntry entry) => buffer.Writer.TryWrite(entry);

    /// <summary>Starts writing, in <paramref name="system"/>; entries posted before this wait in the buffer.</summary>
    /// <summary>
    /// Each entry as separate fields (method, path, status, bytes, duration, client, user agent, request id) for a
    /// structured log, rather than one line in the combined log format.
    /// </summary>
    public bool Fields { get; init; }

    public void Start(ActorSystem system)
    {
        written = ChannelSource.FromReader(buffer.Reader)
            .ToMaterialized(Sink.ForEach<AccessEntry>(Write), Keep.Right)
            // Writing may block on a slow terminal: a thread of its own, never one of the shared pool's.
            .WithAttributes(ActorAttributes.CreateDispatcher(ActorDispatchers.Pinned))
            .Run(system.Materializer());
    }

    /// <summary>Ends the log: entries already queued are written; completes when the last one is.</summary>
    public Task CompleteAsync()
    {
        buffer.Writer.TryComplete();
        return written ?? Task.CompletedTask;
    }

    private void Write(AccessEntry entry)
    {
        var lost = Interlocked.Read(ref dropped);
        if (lost != reportedDropped)
        {
            ServerLog.AccessLinesDropped(logger, lost - reportedDropped, lost);
            reportedDropped = lost;
        }

        if (Fields)
        {
            ServerLog.AccessFields(logger, entry.Method, entry.Path, entry.Status, entry.Bytes, Math.Round(entry.Duration.TotalSeconds, 6),
                entry.Client, entry.UserAgent, entry.RequestId);
            return;
        }

        ServerLog.Access(logger,
            entry.Client,
            entry.Time.ToString("dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture),
            AccessLogText.Escape(entry.RequestLine),
            entry.Status,
            entry.Bytes == 0 ? "-" : entry.Bytes.ToString(CultureInfo.InvariantCulture), // CLF's %b
            AccessLogText.Escape(entry.Referer),
            AccessLogText.Escape(entry.UserAgent),
            entry.Duration.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture));
    }
}
