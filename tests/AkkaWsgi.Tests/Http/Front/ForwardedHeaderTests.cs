using AkkaWsgi.Hosting.Front;

namespace AkkaWsgi.Tests.Http.Front;

public sealed class ForwardedHeaderTests
{
    [Theory]
    [InlineData("for=192.0.2.43", "192.0.2.43", null)]
    [InlineData("for=192.0.2.43;proto=https", "192.0.2.43", "https")]
    [InlineData("For=\"[2001:db8:cafe::17]:4711\";Proto=http", "2001:db8:cafe::17", "http")]
    [InlineData("for=198.51.100.9:8080, for=10.0.0.1", "198.51.100.9, 10.0.0.1", null)]
    [InlineData("for=198.51.100.9;proto=https, for=10.0.0.1;proto=http", "198.51.100.9, 10.0.0.1", "https, http")]
    [InlineData("by=10.0.0.1, for=198.51.100.9", "unknown, 198.51.100.9", null)]
    [InlineData("for=_hidden, for=198.51.100.9", "_hidden, 198.51.100.9", null)]
    public void TryRestate_TurnsForwardedIntoXForwardedPairs(string header, string expectedFor, string? expectedProto)
    {
        Assert.True(ForwardedHeader.TryRestate(header, out var forwardedFor, out var forwardedProto));
        Assert.Equal(expectedFor, forwardedFor);
        Assert.Equal(expectedProto, forwardedProto);
    }

    [Theory]
    [InlineData("proto=https")]
    [InlineData("garbage")]
    [InlineData("")]
    public void TryRestate_WithoutAnyClient_IsFalse(string header)
    {
        Assert.False(ForwardedHeader.TryRestate(header, out _, out _));
    }
}
