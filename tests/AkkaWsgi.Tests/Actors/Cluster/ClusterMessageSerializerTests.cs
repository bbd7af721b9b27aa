using System.Runtime.Serialization;
using Akka.Actor;
using AkkaWsgi.Actors.Cluster;
using AkkaWsgi.Actors.Parking;

namespace AkkaWsgi.Tests.Actors.Cluster;

public sealed class ClusterMessageSerializerTests : IDisposable
{
    private readonly ActorSystem system = ActorSystem.Create("serializer-test");

    private ClusterMessageSerializer Serializer => new((ExtendedActorSystem)system);

    [Fact]
    public void ParkBroadcast_RoundTrips()
    {
        var message = new ParkBroadcast(["news", "ünïcode", ""], ParkAction.Retry, "arg with spaces");

        var bytes = Serializer.ToBinary(message);
        var back = (ParkBroadcast)Serializer.FromBinary(bytes, Serializer.Manifest(message));

        Assert.Equal(message.Channels, back.Channels);
        Assert.Equal(message.Action, back.Action);
        Assert.Equal(message.Arg, back.Arg);
    }

    [Fact]
    public void CacheInvalidation_RoundTrips()
    {
        var message = new CacheInvalidation(["http://example.test/page?q=1", "https://example.test/ünï"]);

        var back = (CacheInvalidation)Serializer.FromBinary(Serializer.ToBinary(message), Serializer.Manifest(message));

        Assert.Equal(message.Urls, back.Urls);
    }

    [Theory]
    [InlineData(new byte[] { 17, 0, 0, 0 })] // more URLs than one request can drop
    [InlineData(new byte[] { 255, 255, 255, 255 })] // a negative count
    [InlineData(new byte[] { 1, 0, 0, 0, 5, 65 })] // cut short
    public void MalformedCacheInvalidation_IsRefused(byte[] bytes) =>
        Assert.Throws<SerializationException>(() => Serializer.FromBinary(bytes, "cache"));

    [Fact]
    public void StatusMessages_RoundTrip()
    {
        Assert.Same(GetNodeStatus.Instance, Serializer.FromBinary(Serializer.ToBinary(GetNodeStatus.Instance), Serializer.Manifest(GetNodeStatus.Instance)));
        var status = new NodeStatus("{\"application\": \"ünï:app\"}");
        Assert.Equal(status, Serializer.FromBinary(Serializer.ToBinary(status), Serializer.Manifest(status)));
    }

    [Fact]
    public void StatusThatIsNotUtf8OrTooLarge_IsRefused()
    {
        Assert.Throws<SerializationException>(() => Serializer.FromBinary([0xff, 0xfe, 0x41], "status"));
        Assert.Throws<SerializationException>(() => Serializer.FromBinary(new byte[NodeStatus.MaxBytes + 1], "status"));
    }

    [Fact]
    public void UnknownManifest_IsRefused() =>
        Assert.Throws<SerializationException>(() => Serializer.FromBinary([0], "System.Diagnostics.Process"));

    [Theory]
    [InlineData(new byte[] { 9, 0, 0, 0, 0, 0 })] // an action that does not exist
    [InlineData(new byte[] { 0, 0, 255, 255, 255, 127 })] // a channel count far too large
    [InlineData(new byte[] { 0, 5, 65 })] // cut short
    public void MalformedBytes_AreRefused(byte[] bytes) =>
        Assert.Throws<SerializationException>(() => Serializer.FromBinary(bytes, "park"));

    [Fact]
    public void AnyOtherType_IsNotWritten() =>
        Assert.Throws<SerializationException>(() => Serializer.ToBinary("a string"));

    [Fact]
    public void RefusingSerializer_RefusesBothWays()
    {
        var refusing = new RefusingSerializer((ExtendedActorSystem)system);

        Assert.Throws<SerializationException>(() => refusing.ToBinary(new object()));
        Assert.Throws<SerializationException>(() => refusing.FromBinary("{\"$type\":\"System.Object\"}"u8.ToArray(), typeof(object)));
    }

    public void Dispose() => system.Terminate().Wait(TimeSpan.FromSeconds(10));
}
