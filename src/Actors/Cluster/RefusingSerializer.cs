using Akka.Actor;
using Akka.Configuration;
using System.Runtime.Serialization;
using Akka.Serialization;

namespace AkkaWsgi.Actors.Cluster;

/// <summary>
/// Takes the place of Akka's JSON serializer in a cluster node: a message of a type nobody registered a serializer for
/// is refused instead of being written as JSON naming its own .NET type, and JSON from the network is never read back
/// into whatever type it names.
/// </summary>
public sealed class RefusingSerializer : Serializer
{
    public RefusingSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    /// <summary>The form Akka uses for the <c>json</c> entry, which has a settings section of its own.</summary>
    public RefusingSerializer(ExtendedActorSystem system, Config settings)
        : base(system) => _ = settings;

    public override int Identifier => 1;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) =>
        throw new SerializationException($"{obj.GetType()} has no serializer: it cannot be sent to another node");

    public override object FromBinary(byte[] bytes, Type type) =>
        throw new SerializationException("a message in a serialization this server does not accept came from another node");
}
