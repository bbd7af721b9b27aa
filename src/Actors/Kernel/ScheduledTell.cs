namespace AkkaWsgi.Actors.Kernel;

/// <summary>One schedule: its timer, and the envelope its message travels in.</summary>
internal sealed class ScheduledTell : IDisposable
{
    private readonly IActorRef _target;
    private readonly ITimer _timer;
    private volatile bool _cancelled;

    public ScheduledTell(TimeProvider time, TimeSpan delay, TimeSpan interval, IActorRef target, object message)
    {
        _target = target;
        Message = message;

        // Assigned last: a zero delay may fire before CreateTimer returns, and Fire never needs _timer.
        _timer = time.CreateTimer(static state => ((ScheduledTell)state!).Fire(), this, delay, interval);
    }

    public object Message { get; }

    public bool IsCancelled => _cancelled;

    public void Dispose()
    {
        _cancelled = true;
        _timer.Dispose();
    }

    private void Fire()
    {
        if (_cancelled)
        {
            return;
        }

        // A kernel mailbox is sent the envelope itself and unwraps it at delivery, re-checking
        // cancellation there; any other address can only be sent the bare message.
        _target.Tell(_target is Mailbox ? this : Message);
    }
}
