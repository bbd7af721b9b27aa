using Akka.Actor;

namespace AkkaWsgi.Actors.Parking;

/// <summary>
/// Owns the park channels: pub-sub topics whose subscribers are parked requests. Every parked request leaves through
/// exactly one of a notification, its timeout or its client leaving, and then from all its channels at once.
/// </summary>
/// <remarks>
/// Timeouts are scheduled messages (<see cref="ParkExpired"/>), cancelled when the request leaves earlier. A failure
/// while handling a message is resumed by its parent (<see cref="Hosting.ServerSupervision"/>): the parked requests
/// are its state, and a restart would leave their connections waiting for ever.
/// </remarks>
public sealed class ParkingLot(ParkingStats stats) : UntypedActor
{
    private readonly Dictionary<string, HashSet<ParkedRequest>> channels = new(StringComparer.Ordinal);
    private readonly Dictionary<ParkedRequest, ICancelable> timers = [];
    private bool stopping;

    /// <summary>Creates the parking lot's props.</summary>
    public static Props Props(ParkingStats stats) => Akka.Actor.Props.Create(() => new ParkingLot(stats));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Park park:
                Subscribe(park.Request);
                break;
            case Unpark unpark:
                Leave(unpark.Request, new ParkWake(ParkAction.Disconnect, "", TimedOut: false));
                break;
            case Notify notify:
                Wake(notify);
                break;
            case ParkExpired expired:
                Expire(expired.Request);
                break;
            case WakeAll:
                stopping = true;
                foreach (var request in timers.Keys.ToList())
                {
                    Expire(request);
                }

                break;
            default:
                Unhandled(message);
                break;
        }
    }

    protected override void PostStop()
    {
        // Nobody will wake them now: let their connections go.
        foreach (var request in timers.Keys.ToList())
        {
            Leave(request, new ParkWake(ParkAction.Disconnect, "", TimedOut: false));
        }
    }

    private void Subscribe(ParkedRequest request)
    {
        if (request.Woken.IsCompleted || timers.ContainsKey(request))
        {
            return;
        }

        foreach (var channel in request.Channels)
        {
            if (!channels.TryGetValue(channel, out var subscribers))
            {
                channels[channel] = subscribers = [];
            }

            subscribers.Add(request);
        }

        timers[request] = Context.System.Scheduler.ScheduleTellOnceCancelable(request.Timeout, Self, new ParkExpired(request), Self);
        if (stopping)
        {
            Expire(request);
        }
    }

    private void Expire(ParkedRequest request)
    {
        if (Leave(request, new ParkWake(request.TimeoutAction, "", TimedOut: true)))
        {
            stats.CountTimedOut();
        }
    }

    private void Wake(Notify notify)
    {
        var woken = new List<ParkedRequest>();
        foreach (var channel in notify.Channels)
        {
            if (channels.TryGetValue(channel, out var subscribers))
            {
                woken.AddRange(subscribers);
            }
        }

        var wake = new ParkWake(notify.Action, notify.Arg, TimedOut: false);
        foreach (var request in woken)
        {
            // A request on two of the named channels is listed twice; only its first leaving counts.
            if (Leave(request, wake))
            {
                stats.CountWoken();
            }
        }
    }

    /// <summary>Removes <paramref name="request"/> from everything and completes it; false if it had already left.</summary>
    private bool Leave(ParkedRequest request, ParkWake wake)
    {
        if (!timers.Remove(request, out var timer))
        {
            return false;
        }

        timer.Cancel();
        foreach (var channel in request.Channels)
        {
            if (channels.TryGetValue(channel, out var subscribers) && subscribers.Remove(request) && subscribers.Count == 0)
            {
                channels.Remove(channel);
            }
        }

        return request.TryWake(wake);
    }
}
