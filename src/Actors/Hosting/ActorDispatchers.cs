namespace AkkaWsgi.Actors.Hosting;

/// <summary>The dispatchers the server's actors run on, as configured in <see cref="Hocon"/>.</summary>
public static class ActorDispatchers
{
    /// <summary>Runs the dispatcher actor on its senders' threads (<see cref="CallingThreadExecutor"/>).</summary>
    public const string CallingThread = "akkawsgi.calling-thread-dispatcher";

    /// <summary>
    /// One OS thread per actor for its whole life, also across restarts: a CPython thread state belongs to the
    /// thread that created it, and the watchdog must be able to wait for the GIL without holding up anyone.
    /// </summary>
    public const string Pinned = "akkawsgi.pinned-dispatcher";

    /// <summary>The HOCON that defines them; a host may override any setting after it.</summary>
    public static string Hocon { get; } = $$"""
        akkawsgi {
          calling-thread-dispatcher {
            type = Dispatcher
            executor = "{{typeof(CallingThreadExecutorConfigurator).AssemblyQualifiedName}}"
            # Messages handled per run before the mailbox is rescheduled (Akka's default).
            throughput = 30
          }
          pinned-dispatcher {
            type = PinnedDispatcher
            executor = fork-join-executor
            # A pinned actor has its thread to itself, so a long run costs nobody else anything; measured faster
            # than 1 on the request path.
            throughput = 100
          }
        }
        """;
}
