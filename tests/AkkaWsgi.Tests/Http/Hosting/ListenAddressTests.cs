using System.Net;
using AkkaWsgi.Http.Hosting;

namespace AkkaWsgi.Tests.Http.Hosting;

public sealed class ListenAddressTests
{
    [Theory]
    [InlineData(":8000", "0.0.0.0", 8000)]
    [InlineData("0.0.0.0:80", "0.0.0.0", 80)]
    [InlineData("127.0.0.1:0", "127.0.0.1", 0)]
    [InlineData("[::]:8080", "::", 8080)]
    [InlineData("[::1]:9", "::1", 9)]
    public void Parse_IpEndpoints(string text, string address, int port)
    {
        var parsed = ListenAddress.Parse(text);

        Assert.Equal(IPAddress.Parse(address), parsed.Address);
        Assert.Equal(port, parsed.Port);
    }

    [Fact]
    public void Parse_Localhost_ListensOnBothLoopbacks()
    {
        var parsed = ListenAddress.Parse("localhost:8000");

        Assert.True(parsed.IsLocalhost);
        Assert.Null(parsed.Address);
        Assert.Equal(8000, parsed.Port);
    }

    [Fact]
    public void Parse_UnixSocket()
    {
        Assert.Equal("/run/app.sock", ListenAddress.Parse("unix:/run/app.sock").UnixPath);
    }

    [Theory]
    [InlineData("8000")]
    [InlineData("host:")]
    [InlineData(":99999")]
    [InlineData(":-1")]
    [InlineData("example.com:80")]
    [InlineData("unix:")]
    public void Parse_Invalid_ThrowsFormatException(string text)
    {
        Assert.Throws<FormatException>(() => ListenAddress.Parse(text));
    }
}
