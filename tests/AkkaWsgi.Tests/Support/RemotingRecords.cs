namespace AkkaWsgi.Tests.Support;

/// <summary>What Akka's remoting logs about a peer's connection: the peer, the connection's actors, its exception.</summary>
internal static class RemotingRecords
{
    public const string Peer = "akka.tcp://akkawsgi@127.0.0.1:41637";

    /// <summary>The connection's supervisor, whose name carries the peer's address, URL-encoded.</summary>
    public const string Supervisor =
        "akka.tcp://akkawsgi@127.0.0.1:43365/system/endpointManager/reliableEndpointWriter-akka.tcp%3A%2F%2Fakkawsgi%40127.0.0.1%3A41637-2";

    public const string Writer = Supervisor + "/endpointWriter";

    /// <summary>Akka's own exception type for a connection that closed without a goodbye, internal to its remoting.</summary>
    public static Exception Disassociation() =>
        (Exception)Activator.CreateInstance(
            typeof(Akka.Remote.RemoteSettings).Assembly.GetType("Akka.Remote.EndpointDisassociatedException", throwOnError: true)!,
            "Disassociated")!;
}
