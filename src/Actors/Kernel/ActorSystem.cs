using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Actors.Kernel;

/// <summary>Creates, runs and stops actors, and owns the clock and scheduler they share.</summary>
public sealed class ActorSystem : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly HashSet<Mailbox> _running = [];
    private bool _disposed;
    private long _deadLetterCount;

    /// <summary>Creates a system whose every timeout and schedule is measured on <paramref name="time"/>.</summary>
    public ActorSystem(TimeProvider time, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        Time = time;
        Logger = loggerFactory.CreateLogger("akkawsgi.actors");
        Scheduler = new Scheduler(time);
        DeadLetters = new DeadLetterRef(this);
    }

    /// <summary>The clock for everything time-based in the system; tests substitute a manual one.</summary>
    public TimeProvider Time { get; }

    /// <summary>Sends messages later or periodically, on <see cref="Time"/>.</summary>
    public Scheduler Scheduler { get; }

    /// <summary>An address that drops and counts everything sent to it, for replies nobody wants.</summary>
    public IActorRef DeadLetters { get; }

    /// <summary>How many messages were sent to stopped actors or to <see cref="DeadLetters"/>.</summary>
    public long DeadLetterCount => Interlocked.Read(ref _deadLetterCount);

    internal ILogger Logger { get; }

    /// <summary>Starts <paramref name="actor"/> on the thread pool; PreStart runs before this returns.</summary>
    public IActorRef ActorOf(Actor actor, string name)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var mailbox = new PoolMailbox(this, actor, name);
        Register(mailbox);
        mailbox.Start();
        return mailbox;
    }

    /// <summary>Starts <paramref name="actor"/> on a new background thread named <paramref name="name"/>.</summary>
    public IActorRef ActorOfDedicated(DedicatedActor actor, string name)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var mailbox = new DedicatedMailbox(this, actor, name);
        Register(mailbox);
        mailbox.Start();
        return mailbox;
    }

    /// <summary>
    /// Stops <paramref name="actor"/>: messages already queued are still processed, later ones become
    /// dead letters; completes after PostStop (and, for a dedicated actor, after its thread has exited).
    /// </summary>
    public Task StopAsync(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor is Mailbox mailbox && ReferenceEquals(mailbox.System, this))
        {
            return mailbox.StopAsync();
        }

        throw new ArgumentException($"'{actor.Name}' is not an actor created by this system.", nameof(actor));
    }

    /// <summary>Stops every actor, letting each drain its mailbox, and refuses new ones.</summary>
    public async ValueTask DisposeAsync()
    {
        Mailbox[] running;
        lock (_gate)
        {
            _disposed = true;
            running = [.. _running];
        }

        var stops = new Task[running.Length];
        for (int i = 0; i < running.Length; i++)
        {
            stops[i] = running[i].StopAsync();
        }

        await Task.WhenAll(stops).ConfigureAwait(false);
    }

    internal void Unregister(Mailbox mailbox)
    {
        lock (_gate)
        {
            _running.Remove(mailbox);
        }
    }

    internal void PublishDeadLetter(string recipient, object message)
    {
        if (message is ScheduledTell scheduled)
        {
            if (scheduled.IsCancelled)
            {
                return;
            }

            message = scheduled.Message;
        }

        Interlocked.Increment(ref _deadLetterCount);
        KernelLog.DeadLetter(Logger, recipient, message.GetType().Name);
    }

    private void Register(Mailbox mailbox)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _running.Add(mailbox);
        }
    }
}
