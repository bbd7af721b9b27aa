using Akka.Actor;
using Akka.Hosting;
using AkkaWsgi.Actors.Parking;

namespace AspNetHost;

/// <summary>A headline from the .NET side, for the Python application's readers.</summary>
public sealed record Headline(string Text);

/// <summary>
/// The host's own actor: it wakes the Flask application's long polls on the "news" channel, through the server's
/// parking lot in the same actor system.
/// </summary>
public sealed class NewsDesk : ReceiveActor
{
    public NewsDesk()
    {
        Receive<Headline>(headline =>
            ActorRegistry.For(Context.System).Get<ParkingLot>().Tell(new Notify(["news"], ParkAction.Retry, headline.Text)));
    }
}
