using Akka.Actor;
using AkkaWsgi.Python.Native;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Actors.Watchdog;

/// <summary>
/// Raises akkawsgi.RequestTimeout in workers whose request ran past its deadline. It has its own thread because it
/// must take the GIL, which a busy worker may hold for a while; nothing else waits behind it.
/// </summary>
public sealed class WatchdogActor : ReceiveActor
{
    public WatchdogActor(ILogger logger)
    {
        Receive<Interrupt>(interrupt =>
        {
            // Checked under the GIL: the worker cannot finish this request and start another in between.
            var sent = ForeignThreadGil.Run(() => interrupt.Bridge.TryInterrupt(interrupt.Job.Exchange, interrupt.RanFor));
            if (sent)
            {
                WatchdogLog.Interrupting(logger, interrupt.Job.Exchange.Description, interrupt.RanFor.TotalSeconds);
            }
        });
    }

    /// <summary>Creates the watchdog's props, on a thread of its own.</summary>
    public static Props Props(ILogger logger) =>
        Akka.Actor.Props.Create(() => new WatchdogActor(logger)).WithDispatcher(Hosting.ActorDispatchers.Pinned);
}
