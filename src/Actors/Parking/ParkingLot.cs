using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using AkkaWsgi.Actors.Cluster;

namespace AkkaWsgi.Actors.Parking;

/// <summary>
/// Owns the park channels: pub-sub topics whose subscribers are parked requests. Every parked request leaves through
/// exactly one of a notification, its timeout or its client leaving, and then from all its channels at once.
/// </summary>
/// <remarks>
/// Timeouts are scheduled messages (<see cref="ParkExpired"/>), cancelled when the request leaves earlier. A failure
/// while handling a message is resumed by its parent (<see cref="Hosting.ServerSupervision"/>): the parked requests
/// are its state, and a restart would leave their connections waiting for ever.
/// <para>
/// In a cluster it subscribes to the cluster's park topic, and a notification made on this node goes out on it as a
/// <see cref="ParkBroadcast"/> to every node's parking lot, this one included, instead of waking anything here first.
/// </para>
/// </remarks>
public sealed class ParkingLot(ParkingStats stats, IActorRef? mediator = null) : UntypedActor
{
    private readonly Dictionary<string, HashSet<ParkedRequest>> channels = new(StringComparer.Ordinal);
    private readonly Dictionary<ParkedRequest, ICancelable> timers = [];
    private bool stopping;

    /// <summary>Creates the parking lot's props.</summary>
    public static Props Props(ParkingStats stats, IActorRef? mediator = null) => Akka.Actor.Props.Create(() => new ParkingLot(stats, mediator));

    protected override void PreStart() => mediator?.Tell(new Subscribe(ParkBroadcast.Topic, Self));

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
            case Notify notify when mediator is not null:
                mediator.Tell(new Publish(ParkBroadcast.Topic, new ParkBroadcast(notify.Channels, notify.Action, notify.Arg)));
                break;
            case Notify notify:
                Wake(notify.Channels, notify.Action, notify.Arg);
                break;
            case ParkBroadcast broadcast:
                Wake(broadcast.Channels, broadcast.Action, broadcast.Arg);
                break;
            case SubscribeAck:
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

    private void Wake(IReadOnlyList<string> names, ParkAction action, string arg)
    {
        var woken = new List<ParkedRequest>();
        foreach (var channel in names)
        {
            if (channels.TryGetValue(channel, out var subscribers))
            {
                woken.AddRange(subscribers);
            }
        }

        var wake = new ParkWake(action, arg, TimedOut: false);
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
