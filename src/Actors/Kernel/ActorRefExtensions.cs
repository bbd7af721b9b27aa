namespace AkkaWsgi.Actors.Kernel;

/// <summary>Request-reply on top of Tell.</summary>
public static class ActorRefExtensions
{
    /// <summary>
    /// Tells <paramref name="target"/> the message built by <paramref name="createMessage"/> around a
    /// temporary reply-to, and completes with the first reply. Fails with <see cref="TimeoutException"/>
    /// when no reply comes within <paramref name="timeout"/> (on the system's clock), and with
    /// <see cref="InvalidCastException"/> when the reply is not a <typeparamref name="TReply"/>.
    /// </summary>
    /// <remarks>
    /// The target must have been created by an <see cref="ActorSystem"/>, whose clock times the wait;
    /// <see cref="Timeout.InfiniteTimeSpan"/> waits without limit. A reply that comes too late is a dead letter.
    /// </remarks>
    public static Task<TReply> Ask<TReply>(
        this IActorRef target,
        Func<IActorRef, object> createMessage,
        TimeSpan timeout,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(createMessage);
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        }

        if (target is not IKernelActorRef kernelTarget)
        {
            throw new ArgumentException(
                $"'{target.Name}' was not created by an ActorSystem, so there is no clock to time the Ask.", nameof(target));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TReply>(cancellationToken);
        }

        var replyTo = new AskRef<TReply>(kernelTarget.System, target.Name, timeout);
        replyTo.Start(cancellationToken);
        try
        {
            target.Tell(createMessage(replyTo));
        }
        catch
        {
            // Nobody will ever see the task, so its timer must not linger until the timeout.
            replyTo.Abandon();
            throw;
        }

        return replyTo.Task;
    }
}
