namespace AkkaWsgi.Actors.Kernel;

/// <summary>The temporary reply-to of one Ask: the first message told to it completes the task.</summary>
/// <remarks>Derives from the completion source so that an Ask costs one object less.</remarks>
internal sealed class AskRef<TReply> : TaskCompletionSource<TReply>, IKernelActorRef
{
    private readonly string _targetName;
    private readonly TimeSpan _timeout;
    private ITimer? _timer;
    private CancellationTokenRegistration _cancellation;

    public AskRef(ActorSystem system, string targetName, TimeSpan timeout)
        // Completion must not run the asker's continuation on the replying actor's thread, inside
        // its Receive.
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        System = system;
        _targetName = targetName;
        _timeout = timeout;
    }

    public string Name => "temp/ask";

    public ActorSystem System { get; }

    public void Start(CancellationToken cancellationToken)
    {
        if (_timeout != Timeout.InfiniteTimeSpan)
        {
            _timer = System.Time.CreateTimer(
                static state => ((AskRef<TReply>)state!).OnTimeout(), this, _timeout, Timeout.InfiniteTimeSpan);
        }

        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(
                static (state, token) => ((AskRef<TReply>)state!).OnCancelled(token), this);
        }

        // The timer or the token may have fired before its handle was stored above.
        if (Task.IsCompleted)
        {
            Release();
        }
    }

    public void Tell(object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        bool completed = message is TReply reply
            ? TrySetResult(reply)
            : TrySetException(new InvalidCastException(
                $"Ask to '{_targetName}' expected a reply of type {typeof(TReply).FullName} " +
                $"but received a {message.GetType().FullName}."));
        if (completed)
        {
            Release();
        }
        else
        {
            // A reply after the timeout or a second reply: nobody is waiting for it any more.
            System.PublishDeadLetter(Name, message);
        }
    }

    /// <summary>Frees the timer and registration of an Ask whose message could not be created or sent.</summary>
    public void Abandon()
    {
        TrySetCanceled();
        Release();
    }

    private void OnTimeout()
    {
        if (TrySetException(new TimeoutException($"Ask to '{_targetName}' got no reply within {_timeout}.")))
        {
            Release();
        }
    }

    private void OnCancelled(CancellationToken cancellationToken)
    {
        if (TrySetCanceled(cancellationToken))
        {
            Release();
        }
    }

    private void Release()
    {
        _timer?.Dispose();
        _cancellation.Unregister();
    }
}
