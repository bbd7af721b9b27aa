using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Event;
using Akka.Hosting.Logging;
using AkkaWsgi.Hosting.Logging;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Http.Logging;

public sealed class ServerStdoutLoggerTests
{
    [Fact]
    public async Task ARecordAkkaPrintsItselfAfterItsLoggersStopped_GoesToTheServersLoggerFactory()
    {
        var factory = new RecordingLoggerFactory();
        var system = ActorSystem.Create("stdout-test", ActorSystemSetup.Create(
            BootstrapSetup.Create().WithConfig(ConfigurationFactory.ParseString($$"""
                akka.stdout-logger-class = "{{ServerStdoutLogger.ClassName}}"
                akka.loggers = ["{{typeof(ServerAkkaLogger).FullName}}, {{typeof(ServerAkkaLogger).Assembly.GetName().Name}}"]
                akka.loglevel = WARNING
                """)),
            new LoggerFactorySetup(factory)));
        Assert.IsType<ServerStdoutLogger>(system.Settings.StdoutLogger);

        system.EventStream.Publish(new Warning("akka://stdout-test/user/a", typeof(object), "while running"));
        await AwaitAsync(() => factory.Entries.Any(e => e.Message.Contains("while running", StringComparison.Ordinal)));
        await system.Terminate();

        // Akka's loggers have gone, so it prints these itself: a warning of any kind, and the TCP transport's complaint
        // about a connection that closed after the transport had (an expected one as the system stops: debug level).
        system.EventStream.Publish(new Warning("akka://stdout-test/system/transports", typeof(object), "a late warning"));
        Akka.Event.Logging.GetLogger(system, "TcpClientHandler").Warning(
            "Unable to REMOVE channel [{0}->{1}](Id={2}) from connection group. May not shut down cleanly.",
            "[::ffff:127.0.0.1]:40212", "[::ffff:127.0.0.1]:37891", "e1b2");

        var late = Assert.Single(factory.Entries, e => e.Message.Contains("a late warning", StringComparison.Ordinal));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, late.Level);
        Assert.Contains("[akka://stdout-test/system/transports]", late.Message, StringComparison.Ordinal);
        var removal = Assert.Single(factory.Entries, e => e.Message.Contains("Unable to REMOVE channel [[::ffff:127.0.0.1]:40212", StringComparison.Ordinal));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Debug, removal.Level);
    }

    [Fact]
    public void ConnectionGroupRemoval_IsExpectedOnlyAsTheNodeStops_AndOnlyThatWarning()
    {
        var removal = new Warning("TcpServerHandler (akka://x)", typeof(object),
            "Unable to REMOVE channel [a->b](Id=1) from connection group. May not shut down cleanly.");

        Assert.True(ConnectionGroupRemoval.IsExpected(removal, () => true));
        Assert.False(ConnectionGroupRemoval.IsExpected(removal, () => false));
        Assert.False(ConnectionGroupRemoval.IsExpected(
            new Warning("TcpServerHandler (akka://x)", typeof(object), "Unable to ADD channel [a->b](Id=1) to connection group."), () => true));
        Assert.False(ConnectionGroupRemoval.IsExpected(
            new Error(null, "TcpServerHandler (akka://x)", typeof(object), "Unable to REMOVE channel [a->b]"), () => true));
    }

    [Fact]
    public async Task APeersExpectedDeparture_PrintedAfterTheLoggersStopped_IsStillDropped()
    {
        var factory = new RecordingLoggerFactory();
        var setup = ActorSystemSetup.Create(
            BootstrapSetup.Create().WithConfig(ConfigurationFactory.ParseString($$"""
                akka.stdout-logger-class = "{{ServerStdoutLogger.ClassName}}"
                akka.loggers = ["{{typeof(ServerAkkaLogger).FullName}}, {{typeof(ServerAkkaLogger).Assembly.GetName().Name}}"]
                """)),
            new LoggerFactorySetup(factory),
            new LogFilterSetup([new PeerDepartureLogFilter()]));
        var system = ActorSystem.Create("stdout-test", setup);
        await system.Terminate();

        const string writer = "akka.tcp://akkawsgi@127.0.0.1:43365/system/endpointManager/" +
            "reliableEndpointWriter-akka.tcp%3A%2F%2Fakkawsgi%40127.0.0.1%3A41637-2/endpointWriter";
        var disassociated = (Exception)Activator.CreateInstance(
            typeof(Akka.Remote.RemoteSettings).Assembly.GetType("Akka.Remote.EndpointDisassociatedException", throwOnError: true)!,
            "Disassociated")!;
        system.EventStream.Publish(new Error(disassociated, writer, typeof(object), "Disassociated"));
        system.EventStream.Publish(new Error(null, "akka://stdout-test/user/a", typeof(object), "something else"));

        Assert.DoesNotContain(factory.Entries, e => e.Message.Contains("Disassociated", StringComparison.Ordinal));
        Assert.Contains(factory.Entries, e => e.Message.Contains("something else", StringComparison.Ordinal));
    }

    private static async Task AwaitAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        Assert.True(condition());
    }
}
