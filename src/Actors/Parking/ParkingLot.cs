using AkkaWsgi.Actors.Kernel;

namespace AkkaWsgi.Actors.Parking;

/// <summary>
/// Owns the park channels: pub-sub topics whose subscribers are parked requests. Every parked request leaves through
/// exactly one of a notification, its timeout or its client leaving, and then from all its channels at once.
/// </summary>
public sealed class ParkingLot(ParkingStats stats) : Actor
{
    private readonly Dictionary<string, HashSet<ParkedRequest>> channels = new(StringComparer.Ordinal);
    private readonly Dictionary<ParkedRequest, IDisposable> timers = [];
    private bool stopping;

    protected override void Receive(object message)
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

        timers[request] = System.Scheduler.ScheduleTellOnce(request.Timeout, Self, new ParkExpired(request));
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

        timer.Dispose();
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
