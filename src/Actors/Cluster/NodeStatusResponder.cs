using Akka.Actor;

namespace AkkaWsgi.Actors.Cluster;

/// <summary>
/// Answers other nodes' <see cref="GetNodeStatus"/> with this node's status, so that any node's status page can show
/// the whole cluster. Every node of a --cluster-listen cluster runs one, at <see cref="Path"/>.
/// </summary>
public sealed class NodeStatusResponder : ReceiveActor
{
    /// <summary>Its name under /user: the same on every node, so a node finds another's from its address alone.</summary>
    public const string Name = "akkawsgi-status";

    public NodeStatusResponder(Func<Task<string>> status) =>
        ReceiveAsync<GetNodeStatus>(async _ =>
        {
            var sender = Sender;
            sender.Tell(new NodeStatus(await status().ConfigureAwait(false)));
        });

    /// <summary>Where a node's responder is, given the node.</summary>
    public static ActorPath Path(Address node) => new RootActorPath(node) / "user" / Name;

    public static Props Props(Func<Task<string>> status) => Akka.Actor.Props.Create(() => new NodeStatusResponder(status));
}
