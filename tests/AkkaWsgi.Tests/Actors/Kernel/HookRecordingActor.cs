using System.Collections.Concurrent;
using System.Threading.Channels;
using AkkaWsgi.Actors.Kernel;

namespace AkkaWsgi.Tests.Actors.Kernel;

/// <summary>A dedicated actor that records every hook and message, with the thread each ran on.</summary>
internal sealed class HookRecordingActor(Action<object>? onReceive = null) : DedicatedActor
{
    public const string ThreadStart = "OnThreadStart";
    public const string Started = "PreStart";
    public const string MailboxEmpty = "OnMailboxEmpty";
    public const string Stopped = "PostStop";
    public const string ThreadStop = "OnThreadStop";

    private readonly ConcurrentQueue<(string Event, Thread Thread)> _events = new();
    private readonly Channel<string> _changes = Channel.CreateUnbounded<string>();

    public IReadOnlyList<string> Events => [.. _events.Select(entry => entry.Event)];

    public IReadOnlyList<Thread> Threads => [.. _events.Select(entry => entry.Thread)];

    /// <summary>Waits until <paramref name="name"/> has been recorded at least <paramref name="occurrences"/> times.</summary>
    public async Task WaitForEventAsync(string name, int occurrences = 1)
    {
        while (Events.Count(recorded => recorded == name) < occurrences)
        {
            await _changes.Reader.WaitToReadAsync().AsTask().WaitAsync(TestLimits.Wait);
            while (_changes.Reader.TryRead(out _))
            {
            }
        }
    }

    public static string MessageEvent(object message) => $"message:{message}";

    protected override void OnThreadStart() => Record(ThreadStart);

    protected override void PreStart() => Record(Started);

    protected override void OnMailboxEmpty() => Record(MailboxEmpty);

    protected override void PostStop() => Record(Stopped);

    protected override void OnThreadStop() => Record(ThreadStop);

    protected override void Receive(object message)
    {
        Record(MessageEvent(message));
        onReceive?.Invoke(message);
    }

    private void Record(string name)
    {
        _events.Enqueue((name, Thread.CurrentThread));
        _changes.Writer.TryWrite(name);
    }
}
