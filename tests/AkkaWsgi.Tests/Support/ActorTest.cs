using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using AkkaWsgi.Actors.Hosting;

namespace AkkaWsgi.Tests.Support;

/// <summary>
/// An Akka test kit whose scheduler is virtual (<see cref="TestScheduler"/>) and whose actor system knows the server's
/// dispatchers, so actors under test run on the calling-thread dispatcher exactly as in the server: a Tell from the
/// test runs the actor before it returns, and <see cref="Advance"/> delivers what falls due on the test's thread.
/// </summary>
public abstract class ActorTest : Akka.TestKit.Xunit2.TestKit
{
    /// <summary>The configuration of the test kit's actor system, for tests that make a system of their own.</summary>
    internal static readonly Config TestConfig = ConfigurationFactory.ParseString($$"""
        akka.scheduler.implementation = "{{typeof(TestScheduler).AssemblyQualifiedName}}"
        akka.loglevel = WARNING
        """).WithFallback(ConfigurationFactory.ParseString(ActorDispatchers.Hocon));

    protected ActorTest()
        : base(TestConfig)
    {
        Clock = new SchedulerClock(Scheduler);
    }

    /// <summary>Akka's virtual scheduler: timers fire only when a test advances it.</summary>
    protected TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    /// <summary>The same virtual time, for the actors' elapsed-time readings.</summary>
    protected TimeProvider Clock { get; }

    /// <summary>
    /// Creates an actor and waits until it has started. An actor made by the system (not by another actor) is started
    /// asynchronously, and until then its messages wait on the thread pool; once started, a Tell to one on the
    /// calling-thread dispatcher runs it before returning.
    /// </summary>
    protected IActorRef Start(Props props, string? name = null) => StartIn(Sys, props, name);

    /// <summary>Like <see cref="Start"/>, in another actor system.</summary>
    internal static IActorRef StartIn(ActorSystem system, Props props, string? name = null)
    {
        var actor = system.ActorOf(props, name);
        actor.Ask<ActorIdentity>(new Identify(null), TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        return actor;
    }

    /// <summary>Moves virtual time on, delivering every scheduled message that falls due.</summary>
    protected void Advance(TimeSpan by) => Scheduler.Advance(by);
}
