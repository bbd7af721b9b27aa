using AkkaWsgi.Actors.Cluster;

namespace AkkaWsgi.Tests.Actors.Cluster;

public sealed class ClusterEndpointTests
{
    [Theory]
    [InlineData("127.0.0.1:4053", "127.0.0.1", 4053, true)]
    [InlineData("localhost:1", "localhost", 1, true)]
    [InlineData("[::1]:4053", "::1", 4053, true)]
    [InlineData("10.0.0.5:65535", "10.0.0.5", 65535, false)]
    [InlineData("node-a.internal:4053", "node-a.internal", 4053, false)]
    public void Parse_ReadsHostPortAndWhetherItIsLoopback(string text, string host, int port, bool loopback)
    {
        var endpoint = ClusterEndpoint.Parse(text);

        Assert.Equal(host, endpoint.Host);
        Assert.Equal(port, endpoint.Port);
        Assert.Equal(loopback, endpoint.IsLoopback);
        Assert.Equal(text, endpoint.ToString());
    }

    [Theory]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:65536")]
    [InlineData(":4053")]
    [InlineData("host:")]
    [InlineData("[nope]:4053")]
    public void Parse_Refuses(string text) => Assert.Throws<FormatException>(() => ClusterEndpoint.Parse(text));

    [Fact]
    public void AkkaAddress_BracketsIPv6() =>
        Assert.Equal("akka.tcp://akkawsgi@[::1]:4053", ClusterEndpoint.Parse("[::1]:4053").AkkaAddress("akkawsgi"));
}
