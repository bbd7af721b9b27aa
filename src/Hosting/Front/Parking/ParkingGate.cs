using Akka.Actor;
using Akka.Hosting;
using AkkaWsgi.Actors.Parking;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Hosting.Front.Parking;

/// <summary>The front's side of request parking: reserves places, holds a parked connection, forwards notifications.</summary>
internal sealed class ParkingGate(IRequiredActor<ParkingLot> lot, ParkingStats stats, ILogger logger)
{
    public ParkingStats Stats => stats;

    public ILogger Logger => logger;

    /// <summary>For <c>akkawsgi.notify_parked</c>; the Python side has checked the action already.</summary>
    public void Notify(IReadOnlyList<string> channels, string action, string arg)
    {
        if (!ParkActionNames.TryParse(action, out var parsed))
        {
            ParkLog.BadNotifyAction(logger, action);
            return;
        }

        lot.ActorRef.Tell(new Notify(channels, parsed, arg));
    }

    /// <summary>
    /// Waits, costing no thread, until <paramref name="request"/> is woken, times out or its client leaves; then
    /// gives back the place reserved for it.
    /// </summary>
    public async Task<ParkWake> HoldAsync(ParkedRequest request, CancellationToken clientGone)
    {
        try
        {
            if (clientGone.IsCancellationRequested)
            {
                return new ParkWake(ParkAction.Disconnect, "", TimedOut: false);
            }

            // Park is told before the registration can tell Unpark, so the lot always sees them in that order.
            lot.ActorRef.Tell(new Park(request));
            using (clientGone.Register(() => lot.ActorRef.Tell(new Unpark(request))))
            {
                return await request.Woken.ConfigureAwait(false);
            }
        }
        finally
        {
            stats.Release();
        }
    }
}
