using System.Text;
using Akka.Actor;
using System.Runtime.Serialization;
using Akka.Serialization;
using AkkaWsgi.Actors.Parking;

namespace AkkaWsgi.Actors.Cluster;

/// <summary>
/// Writes the server's own cluster messages in a fixed binary form, and reads back only those: a manifest it does not
/// know, or bytes that do not parse, are refused rather than turned into an arbitrary type.
/// </summary>
public sealed class ClusterMessageSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    private const string ParkBroadcastManifest = "park";
    private const string GetNodeStatusManifest = "status?";
    private const string NodeStatusManifest = "status";

    // Far more than any application names in one notification, small enough that a forged count cannot make a node
    // allocate much before the read fails.
    private const int MaxChannels = 100_000;

    public override int Identifier => ClusterConfig.SerializerId;

    public override string Manifest(object o) => o switch
    {
        ParkBroadcast => ParkBroadcastManifest,
        GetNodeStatus => GetNodeStatusManifest,
        NodeStatus => NodeStatusManifest,
        _ => throw new SerializationException($"the server does not send {o.GetType()} between nodes"),
    };

    public override byte[] ToBinary(object obj)
    {
        switch (obj)
        {
            case GetNodeStatus:
                return [];
            case NodeStatus status:
                return Encoding.UTF8.GetBytes(status.Json);
        }

        if (obj is not ParkBroadcast broadcast)
        {
            throw new SerializationException($"the server does not send {obj.GetType()} between nodes");
        }

        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write((byte)broadcast.Action);
            writer.Write(broadcast.Arg);
            writer.Write(broadcast.Channels.Count);
            foreach (var channel in broadcast.Channels)
            {
                writer.Write(channel);
            }
        }

        return stream.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        switch (manifest)
        {
            case GetNodeStatusManifest:
                return GetNodeStatus.Instance;
            case NodeStatusManifest when bytes.Length > NodeStatus.MaxBytes:
                throw new SerializationException($"a status of {bytes.Length} bytes from another node");
            case NodeStatusManifest:
                try
                {
                    return new NodeStatus(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes));
                }
                catch (DecoderFallbackException e)
                {
                    throw new SerializationException("a status from another node that is not UTF-8", e);
                }
        }

        if (manifest != ParkBroadcastManifest)
        {
            throw new SerializationException($"unknown message kind '{manifest}' from another node");
        }

        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
            var action = (ParkAction)reader.ReadByte();
            if (!Enum.IsDefined(action))
            {
                throw new SerializationException($"unknown park action {(int)action} from another node");
            }

            var arg = reader.ReadString();
            var count = reader.ReadInt32();
            if (count is < 0 or > MaxChannels)
            {
                throw new SerializationException($"a park notification from another node names {count} channels");
            }

            var channels = new string[count];
            for (var i = 0; i < count; i++)
            {
                channels[i] = reader.ReadString();
            }

            return new ParkBroadcast(channels, action, arg);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException)
        {
            throw new SerializationException($"a malformed park notification from another node: {e.Message}", e);
        }
    }
}
