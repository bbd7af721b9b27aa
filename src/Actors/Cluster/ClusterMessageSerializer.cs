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
    private const string CacheInvalidationManifest = "cache";

    // One request drops the pages of at most three URLs (its own, Location's, Content-Location's).
    private const int MaxUrls = 16;

    // Far more than any application names in one notification, small enough that a forged count cannot make a node
    // allocate much before the read fails.
    private const int MaxChannels = 100_000;

    public override int Identifier => ClusterConfig.SerializerId;

    public override string Manifest(object o) => o switch
    {
        ParkBroadcast => ParkBroadcastManifest,
        GetNodeStatus => GetNodeStatusManifest,
        NodeStatus => NodeStatusManifest,
        CacheInvalidation => CacheInvalidationManifest,
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
            case CacheInvalidation invalidation:
                return Write(writer => WriteStrings(writer, invalidation.Urls));
        }

        if (obj is not ParkBroadcast broadcast)
        {
            throw new SerializationException($"the server does not send {obj.GetType()} between nodes");
        }

        return Write(writer =>
        {
            writer.Write((byte)broadcast.Action);
            writer.Write(broadcast.Arg);
            WriteStrings(writer, broadcast.Channels);
        });
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

            case CacheInvalidationManifest:
                return Read(bytes, "page-cache invalidation", reader => new CacheInvalidation(ReadStrings(reader, MaxUrls, "URLs")));
        }

        if (manifest != ParkBroadcastManifest)
        {
            throw new SerializationException($"unknown message kind '{manifest}' from another node");
        }

        return Read(bytes, "park notification", reader =>
        {
            var action = (ParkAction)reader.ReadByte();
            if (!Enum.IsDefined(action))
            {
                throw new SerializationException($"unknown park action {(int)action} from another node");
            }

            var arg = reader.ReadString();
            return new ParkBroadcast(ReadStrings(reader, MaxChannels, "channels"), action, arg);
        });
    }

    private static byte[] Write(Action<BinaryWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            write(writer);
        }

        return stream.ToArray();
    }

    private static void WriteStrings(BinaryWriter writer, IReadOnlyList<string> strings)
    {
        writer.Write(strings.Count);
        foreach (var value in strings)
        {
            writer.Write(value);
        }
    }

    private static object Read(byte[] bytes, string what, Func<BinaryReader, object> read)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
            return read(reader);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException)
        {
            throw new SerializationException($"a malformed {what} from another node: {e.Message}", e);
        }
    }

    private static string[] ReadStrings(BinaryReader reader, int max, string what)
    {
        var count = reader.ReadInt32();
        if (count < 0 || count > max)
        {
            throw new SerializationException($"a message from another node names {count} {what}");
        }

        var strings = new string[count];
        for (var i = 0; i < count; i++)
        {
            strings[i] = reader.ReadString();
        }

        return strings;
    }
}
