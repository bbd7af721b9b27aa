using Akka.Actor;
using Akka.DependencyInjection;
using Akka.Hosting;
using AkkaWsgi.Actors.Hosting;
using AkkaWsgi.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;

namespace AkkaWsgi.Hosting;

/// <summary>Adds the WSGI server's actors to the host's own actor system.</summary>
public static class AkkaWsgiAkkaExtensions
{
    /// <summary>
    /// Adds the server's actors (dispatcher, interpreter workers, watchdog, parking lot, background jobs) to the actor
    /// system the host configures with Akka.Hosting's <c>AddAkka</c>, registers the dispatcher and the parking lot in
    /// its actor registry (<c>IRequiredActor&lt;DispatcherActor&gt;</c>, <c>IRequiredActor&lt;ParkingLot&gt;</c>) and
    /// joins the server's stop to the system's CoordinatedShutdown: parked requests answered, requests drained,
    /// workers stopped, then the application's atexit handlers run and Python is finalised. Needs
    /// <see cref="AkkaWsgiServiceCollectionExtensions.AddAkkaWsgi"/>.
    /// </summary>
    public static AkkaConfigurationBuilder WithAkkaWsgi(this AkkaConfigurationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Read now, as the phase timeouts must be: the process's one server (PythonHost.Claim) was registered first.
        var options = AkkaWsgiServiceCollectionExtensions.Registered
            ?? throw new InvalidOperationException("akkawsgi: WithAkkaWsgi needs services.AddAkkaWsgi(...) first");
        return builder
            .AddHocon(ServerActorSystemConfig.PhaseTimeouts(TimeSpan.FromSeconds(options.GracefulTimeout), WsgiServer.WorkerStopTimeout),
                HoconAddMode.Prepend)
            .WithAkkaWsgiActors(resolver => Server(resolver).ActorSettings(), WsgiServer.WorkerStopTimeout)
            .WithActors((system, _, resolver) =>
            {
                var server = Server(resolver);
                ServerShutdown.Register(system, resolver.GetService<IServer>(), server.GraceForDrain,
                    server.Python.Exit, server.AccessLog);
                server.AccessLog?.Start(system);
            });
    }

    private static WsgiServer Server(IDependencyResolver resolver) =>
        resolver.GetService<WsgiServer>() ?? throw new InvalidOperationException("akkawsgi: WithAkkaWsgi needs services.AddAkkaWsgi(...) first");
}
