using System.Threading.Channels;

namespace AkkaWsgi.Actors.Kernel;

/// <summary>What both mailbox kinds share: the actor's address, its queue, and the handling of one message.</summary>
internal abstract class Mailbox : IKernelActorRef
{
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected Mailbox(ActorSystem system, Actor actor, string name, bool allowSynchronousContinuations, bool singleReader)
    {
        System = system;
        Actor = actor;
        Name = name;
        var channel = Channel.CreateUnbounded<object>(new UnboundedChannelOptions
        {
            SingleReader = singleReader,
            SingleWriter = false,
            AllowSynchronousContinuations = allowSynchronousContinuations,
        });
        Reader = channel.Reader;
        Writer = channel.Writer;
        actor.Attach(this, system);
    }

    public string Name { get; }

    public ActorSystem System { get; }

    protected Actor Actor { get; }

    protected ChannelReader<object> Reader { get; }

    protected ChannelWriter<object> Writer { get; }

    /// <summary>Completes once the actor has run its last hook.</summary>
    protected Task Stopped => _stopped.Task;

    public void Tell(object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Writer.TryWrite(message))
        {
            OnQueued();
        }
        else
        {
            // The writer is completed only by StopAsync, so a refused write means the actor is stopping.
            System.PublishDeadLetter(Name, message);
        }
    }

    /// <summary>Lets queued messages drain, runs the stop hooks, and completes when the actor is gone.</summary>
    public abstract Task StopAsync();

    public override string ToString() => Name;

    /// <summary>Runs after every successful enqueue, on the sender's thread.</summary>
    protected abstract void OnQueued();

    protected void Invoke(object message)
    {
        if (message is ScheduledTell scheduled)
        {
            // Checked at delivery rather than when the timer fired, so cancelling a schedule also
            // withdraws a message of it that is already queued (a request deadline cancelled by the
            // finished request must not hit the worker's next request).
            if (scheduled.IsCancelled)
            {
                return;
            }

            message = scheduled.Message;
        }

        try
        {
            Actor.InvokeReceive(message);
        }
        catch (Exception exception)
        {
            KernelLog.ReceiveFailed(System.Logger, Name, message.GetType().Name, exception);
        }
    }

    protected void RunHook(Action hook, string hookName)
    {
        try
        {
            hook();
        }
        catch (Exception exception)
        {
            KernelLog.HookFailed(System.Logger, Name, hookName, exception);
        }
    }

    /// <summary>Called once, by whichever thread ran the last hook.</summary>
    protected void Terminate()
    {
        System.Unregister(this);
        KernelLog.ActorStopped(System.Logger, Name);
        _stopped.TrySetResult();
    }
}
