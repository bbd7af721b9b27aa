using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Hosting.Logging;
using AkkaWsgi.Actors.Cluster;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Hosting.Logging;

/// <summary>
/// Akka's log records into the server's logger factory, as Akka.Hosting's logger sends them, except that the report
/// of a cluster peer's expected departure (<see cref="PeerDeparture"/>) and the remoting's complaint about a connection
/// that closed after it had stopped (<see cref="ConnectionGroupRemoval"/>) go out at debug level, as do, among the
/// processes of one machine, the reports of a peer whose exit the supervisor has logged (<see cref="SupervisedPeerLoss"/>).
/// </summary>
/// <remarks>
/// Every reload or stop of several worker processes used to log, about one time in three, a warning and an error
/// with a stack trace for a worker process that had simply left: noise to an operator who alerts on errors.
/// </remarks>
public sealed class ServerAkkaLogger : LoggerFactoryLogger
{
    private readonly ILogger logger;
    private readonly bool clustered;
    private readonly bool oneMachine;

    public ServerAkkaLogger()
    {
        // The base class has already made sure the setup is there. The cluster and its remoting start after the
        // loggers, so they are only looked up once a record about a peer arrives.
        var factory = Context.System.Settings.Setup.Get<LoggerFactorySetup>().Value.LoggerFactory;
        logger = factory.CreateLogger<ActorSystem>();
        clustered = ((ExtendedActorSystem)Context.System).Provider is IClusterActorRefProvider;
        oneMachine = clustered && Context.System.Settings.Config.GetBoolean(ClusterConfig.OneMachineKey, false);

        // From here on, what Akka prints itself (as it stops) goes to the server's log too.
        (Context.System.Settings.StdoutLogger as ServerStdoutLogger)?.Attach(factory);
    }

    protected override void Log(LogEvent log, ActorPath path)
    {
        if (clustered && log.LogLevel() >= Akka.Event.LogLevel.WarningLevel &&
            (PeerDeparture.IsExpected(log, StatusOf, Stopping) || ConnectionGroupRemoval.IsExpected(log, Stopping) ||
             (oneMachine && SupervisedPeerLoss.IsReport(log))))
        {
            logger.Log(Microsoft.Extensions.Logging.LogLevel.Debug, default, log, log.Cause, static (record, _) => record.ToString());
            return;
        }

        base.Log(log, path);
    }

    private MemberStatus? StatusOf(Address address) =>
        Cluster.Get(Context.System).State.Members.FirstOrDefault(member => member.Address == address)?.Status;

    private bool Stopping() => CoordinatedShutdown.Get(Context.System).ShutdownReason is not null;
}
