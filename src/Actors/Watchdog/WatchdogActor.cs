using AkkaWsgi.Actors.Kernel;
using AkkaWsgi.Python.Native;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Actors.Watchdog;

/// <summary>
/// Raises akkawsgi.RequestTimeout in workers whose request ran past its deadline. It has its own thread because it
/// must take the GIL, which a busy worker may hold for a while; nothing else waits behind it.
/// </summary>
public sealed class WatchdogActor(ILogger logger) : DedicatedActor
{
    protected override void Receive(object message)
    {
        if (message is not Interrupt interrupt)
        {
            return;
        }

        // Checked under the GIL: the worker cannot finish this request and start another in between.
        var sent = ForeignThreadGil.Run(() => interrupt.Bridge.TryInterrupt(interrupt.Job.Exchange, interrupt.RanFor));
        if (sent)
        {
            WatchdogLog.Interrupting(logger, interrupt.Job.Exchange.Description, interrupt.RanFor.TotalSeconds);
        }
    }
}
