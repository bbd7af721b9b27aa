using Akka.Actor;
using AkkaWsgi.Actors.Hosting;

namespace AkkaWsgi.Actors.Supervision;

/// <summary>
/// The supervisor process's user guardian strategy (HOCON <c>akka.actor.guardian-supervisor-strategy</c>): resume the
/// <see cref="SupervisorActor"/> when handling a message throws, stop it when it cannot start.
/// </summary>
/// <remarks>
/// A restart would run PreStart again and launch a second set of worker processes beside the first, which it would no
/// longer know of; resuming keeps what it knows of every worker. The supervisor host watches the actor and ends the
/// process (status 1) if it stops.
/// </remarks>
public sealed class SupervisorGuardianStrategy : SupervisorStrategyConfigurator
{
    public override SupervisorStrategy Create() => ServerSupervision.Strategy();
}
