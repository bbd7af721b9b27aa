using System.Collections.Concurrent;
using System.Threading.Channels;
using AkkaWsgi.Actors.Kernel;

namespace AkkaWsgi.Tests.Actors.Kernel;

/// <summary>A pool actor that records what it receives, on which thread, and its lifecycle, for tests to inspect.</summary>
internal sealed class ProbeActor(Action<ProbeActor, object>? onReceive = null) : Actor
{
    public const string PreStartMark = "<PreStart>";
    public const string PostStopMark = "<PostStop>";

    private readonly ConcurrentQueue<Delivery> _deliveries = new();
    private readonly ConcurrentQueue<object> _timeline = new();
    private readonly Channel<object> _changes = Channel.CreateUnbounded<object>();

    public IActorRef Ref => Self;

    public IReadOnlyList<Delivery> Deliveries => [.. _deliveries];

    public IReadOnlyList<object> Messages => [.. _deliveries.Select(delivery => delivery.Message)];

    /// <summary>Messages and lifecycle marks, in the order they happened.</summary>
    public IReadOnlyList<object> Timeline => [.. _timeline];

    public async Task<IReadOnlyList<object>> WaitForMessagesAsync(int count)
    {
        await WaitUntilAsync(() => _deliveries.Count >= count);
        return Messages;
    }

    public Task WaitForStopAsync() => WaitUntilAsync(() => _timeline.Contains(PostStopMark));

    protected override void PreStart() => Record(PreStartMark);

    protected override void PostStop() => Record(PostStopMark);

    protected override void Receive(object message)
    {
        // Recorded before the handler runs, so a test that sees the message knows Receive is under way.
        _deliveries.Enqueue(new Delivery(message, Thread.CurrentThread));
        Record(message);
        onReceive?.Invoke(this, message);
    }

    private void Record(object entry)
    {
        _timeline.Enqueue(entry);
        _changes.Writer.TryWrite(entry);
    }

    private async Task WaitUntilAsync(Func<bool> condition)
    {
        while (!condition())
        {
            await _changes.Reader.WaitToReadAsync().AsTask().WaitAsync(TestLimits.Wait);
            while (_changes.Reader.TryRead(out _))
            {
            }
        }
    }
}
