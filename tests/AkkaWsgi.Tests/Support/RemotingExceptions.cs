namespace AkkaWsgi.Tests.Support;

/// <summary>Akka's remoting exceptions, whose types are internal to it, for records as its endpoints log them.</summary>
internal static class RemotingExceptions
{
    public static Exception Disassociation() =>
        (Exception)Activator.CreateInstance(
            typeof(Akka.Remote.RemoteSettings).Assembly.GetType("Akka.Remote.EndpointDisassociatedException", throwOnError: true)!,
            "Disassociated")!;
}
