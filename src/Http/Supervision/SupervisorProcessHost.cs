using Akka.Actor;
using Akka.Hosting;
using AkkaWsgi.Actors.Cluster;
using AkkaWsgi.Actors.Hosting;
using AkkaWsgi.Actors.Supervision;
using AkkaWsgi.Hosting.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Http.Supervision;

/// <summary>The supervisor process's Generic Host: its actor system (Akka.Hosting) with the <see cref="SupervisorActor"/>.</summary>
internal static class SupervisorProcessHost
{
    // The supervisor's signals are its own (SupervisorHost turns them into messages), so Akka must neither hook process
    // exit nor run its shutdown on them; the guardian resumes the supervisor rather than restart it.
    private static readonly string Hocon = $$"""
        akka.actor.guardian-supervisor-strategy = "{{typeof(SupervisorGuardianStrategy).AssemblyQualifiedName}}"
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        akka.coordinated-shutdown.exit-clr = off
        """;

    /// <summary>
    /// Builds the host; starting it starts the supervisor, registered in the actor registry as itself. With
    /// <paramref name="cluster"/>, the supervisor's actor system is the first node of its workers' loopback cluster.
    /// </summary>
    public static IHost Build(ILoggerFactory loggerFactory, string logLevel, Props supervisor, ClusterSettings? cluster = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.Replace(ServiceDescriptor.Singleton(loggerFactory));
        builder.Services.AddSingleton<IHostLifetime, SignalsOwnedLifetime>();
        builder.Services.AddAkka(cluster is null ? "akkawsgi-supervisor" : ClusterSettings.SystemName, akka =>
        {
            akka.AddHocon(Hocon, HoconAddMode.Prepend).AddHocon(DueTimeScheduler.Hocon, HoconAddMode.Prepend);
            if (cluster is not null)
            {
                akka.AddHocon(ClusterConfig.Hocon(cluster), HoconAddMode.Prepend);
            }

            akka.WithServerLogging(loggerFactory, logLevel)
                .WithActors((system, registry) => registry.Register<SupervisorActor>(system.ActorOf(supervisor, "supervisor")));
        });
        return builder.Build();
    }

    /// <summary>A lifetime that leaves every signal to the supervisor, unlike the console lifetime's SIGTERM handling.</summary>
    private sealed class SignalsOwnedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
