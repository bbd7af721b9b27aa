using AkkaWsgi.Actors.Kernel;

namespace AkkaWsgi.Tests.Actors.Kernel;

/// <summary>
/// Counts stress messages in plain fields, with no synchronisation: if Receive ever ran on two threads
/// at once, increments would be lost and the total would fall short.
/// </summary>
internal sealed class SequenceCheckingActor(int senders, int expectedTotal) : Actor
{
    private readonly int[] _nextSequence = new int[senders];
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inside;

    public int Received { get; private set; }

    public int OutOfOrder { get; private set; }

    public int Overlaps { get; private set; }

    public Task Done => _done.Task;

    protected override void Receive(object message)
    {
        if (Interlocked.Increment(ref _inside) != 1)
        {
            Overlaps++;
        }

        var sequenced = (SequencedMessage)message;
        if (sequenced.Sequence != _nextSequence[sequenced.Sender])
        {
            OutOfOrder++;
        }

        _nextSequence[sequenced.Sender] = sequenced.Sequence + 1;
        Received++;
        Interlocked.Decrement(ref _inside);
        if (Received == expectedTotal)
        {
            _done.TrySetResult();
        }
    }
}
